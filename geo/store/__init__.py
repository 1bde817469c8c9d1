"""Keeping results: the SQLite store, what ingest writes to it, the incident tables kept
up to date with every write, the pipeline's result read back from it, snapshots, background
jobs (downloads among them), the watch rules evaluated after every write and the Dask
extraction."""
