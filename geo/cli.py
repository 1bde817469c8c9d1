"""Turn news articles into place mentions and incidents, offline.

    python -m geo extract data/articles --out out/     # files in, tables out (no store)
    python -m geo ingest my_articles/ batch.zip         # into the store the dashboard reads
    python -m geo ingest news/ --workers 2              # extract on a local Dask cluster
    python -m geo export --out exports/                 # tables and a backup from the store
    python -m geo restore exports/backup.sqlite         # load a backup back
    python -m geo gazetteer add UA.zip my_places.csv    # add places to the gazetteer
    python -m geo gazetteer build                       # build the index ahead of time
    python -m geo basemap add ukraine.mbtiles            # draw your own tiles, offline
    python -m geo basemap add ukr_adm2.geojson --name Raions  # and your own borders
    python -m geo sources add https://ledger.example/rss.xml  # feeds polled (network opt-in)

The store is $GEO_STORE, or data/store/news.sqlite; --store overrides both.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from geo.cli_sources import sources
from geo.errors import GeoError, os_cause
from geo.exports import write_exports
from geo.gazetteer.imports import import_places
from geo.gazetteer.index import Gazetteer
from geo.gazetteer.sources import user_pack_dir
from geo.io.articles import article_files, read_articles_lenient
from geo.nlp.language import unread_language_note
from geo.pipeline import run_pipeline
from geo.review import with_reviews
from geo.store.db import Store
from geo.store.ingest import Defaults, ingest_paths
from geo.store.results import result_from_store, save_snapshot
from geo.tiles import MAX_TILE_ZOOM, add_tile_archive, list_tile_sets, remove_tile_set

STORE_OPTION = click.option("--store", "store_path", type=click.Path(dir_okay=False,
                            path_type=Path), help="Store file (default $GEO_STORE or "
                            "data/store/news.sqlite).")


WORKERS_OPTION = click.option(
    "--workers", type=click.IntRange(min=1), default=1, show_default=True,
    help="Extract on a local Dask cluster of this many worker processes.")
SCHEDULER_OPTION = click.option(
    "--scheduler", default=None, metavar="ADDRESS",
    help="Extract on a running Dask cluster (e.g. tcp://10.0.0.5:8786); its workers must see "
         "the files at the same paths.")


@click.group(help=__doc__)
def cli() -> None:
    pass


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV with file,outlet,published,timezone,title.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory for the CSV and GeoJSON outputs.")
@click.option("--resolver", default="context", show_default=True, help="Resolver name.")
@WORKERS_OPTION
@SCHEDULER_OPTION
def extract(paths: tuple[Path, ...], manifest: Path | None, out_dir: Path, resolver: str,
            workers: int, scheduler: str | None) -> None:
    """Geoparse PATHS (files or directories) and extract incidents: writes mentions.csv,
    incidents.csv, daily.csv and incidents.geojson into DIR (and, on a Dask cluster, the
    reports as Parquet partitioned by month in DIR/reports.parquet)."""
    try:
        if workers > 1 or scheduler:
            from geo.store import parallel

            files, rows = article_files(list(paths), manifest=manifest)
            with parallel.client(workers, scheduler) as dask_client:
                result, extracted, failures = parallel.extract_result(
                    files, manifest=rows, dask_client=dask_client)
            parallel.write_reports_parquet(extracted, out_dir)
            articles = result.articles
        else:
            articles, failures = read_articles_lenient(list(paths), manifest=manifest)
            result = run_pipeline(articles, resolver=resolver)
        for failure in failures:
            click.echo(f"error: {failure.source}: {failure.reason}", err=True)
    except GeoError as exc:
        raise click.ClickException(str(exc)) from exc
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    for article in articles:  # never a silent empty result for a language not read
        if note := unread_language_note(article.text, label=article.source or article.id):
            click.echo(f"warning: {note}", err=True)
    write_exports(out_dir, mentions=result.mentions, incidents=result.incidents,
                  articles=result.articles)
    click.echo(f"{len(articles)} articles, {len(result.mentions)} mentions, "
               f"{len(result.incidents)} incidents -> {out_dir}/")
    if failures:
        raise SystemExit(1)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@STORE_OPTION
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV with file,outlet,published,timezone,title.")
@click.option("--outlet", default="", help="Outlet for articles that name none.")
@click.option("--published", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Publication date (YYYY-MM-DD) for articles that carry none.")
@click.option("--timezone", default="", help="IANA time zone for articles that carry none.")
@WORKERS_OPTION
@SCHEDULER_OPTION
def ingest(paths: tuple[Path, ...], store_path: Path | None, manifest: Path | None, outlet: str,
           published: dt.datetime | None, timezone: str, workers: int,
           scheduler: str | None) -> None:
    """Add article files, directories or zips to the store; bad files are named and skipped."""
    try:
        store = Store(store_path)
        defaults = Defaults(outlet=outlet, timezone=timezone,
                            published=published.date() if published else None)
        if workers > 1 or scheduler:
            from geo.store import parallel

            with parallel.client(workers, scheduler) as dask_client:
                report = ingest_paths(store, list(paths), Gazetteer.load(), manifest=manifest,
                                      defaults=defaults, progress=_progress,
                                      dask_client=dask_client)
        else:
            report = ingest_paths(store, list(paths), Gazetteer.load(), manifest=manifest,
                                  defaults=defaults, progress=_progress)
    except GeoError as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:  # any other, still in one line with its path
        raise click.ClickException(f"ingest: {_cause(exc)}") from exc
    try:
        # The dashboard then starts from these tables instead of reading them all anew.
        save_snapshot(store, result_from_store(store, snapshot=True))
    except (GeoError, OSError) as exc:  # what is stored stays stored; the tables are rebuilt
        click.echo(f"warning: the dashboard's start-up tables were not saved "
                   f"({_cause(exc)}); it reads the store instead", err=True)
    for source, existing in report.duplicates:
        click.echo(f"skipped: {source}: same text as stored article {existing}", err=True)
    for source, note in report.notes:
        click.echo(f"note: {source}: {note}", err=True)
    for failure in report.failures:
        click.echo(f"error: {failure.source}: {failure.reason}", err=True)
    for article_id in report.undated:
        click.echo(f"warning: {article_id}: no publication date (give --published)", err=True)
    if report.stopped and report.added:
        # Stopped by an error (a full disk): what went in before it is stored, named here.
        click.echo(f"stored before it stopped: {', '.join(report.added)}", err=True)
    click.echo(f"{report.summary()} -> {store.path}")
    if report.failures or (report.stopped and report.not_processed):
        raise SystemExit(1)


def _cause(exc: BaseException) -> str:
    """An error in one line: an OSError's own words and path, not its traceback."""
    if isinstance(exc, OSError) and not isinstance(exc, GeoError):
        return f"{exc.filename}: {os_cause(exc)}" if exc.filename else os_cause(exc)
    return str(exc)


def _progress(done: int, total: int, article_id: str) -> None:
    click.echo(f"[{done}/{total}] {article_id}", err=True)


@cli.command()
@STORE_OPTION
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory for incidents.csv, daily.csv, incidents.geojson, mentions.csv "
                   "and backup.sqlite.")
def export(store_path: Path | None, out_dir: Path) -> None:
    """Write the store's tables (ACLED-style CSV, daily table, GeoJSON) and a full backup."""
    try:
        store = Store(store_path)
        result = result_from_store(store)
        # The analysts' review states go out with the incidents (``geo.review``).
        incidents = with_reviews(result.incidents, result.reports, store.changes())
        paths = write_exports(out_dir, mentions=result.mentions, incidents=incidents,
                              articles=result.articles)
        paths.append(store.backup(out_dir / "backup.sqlite"))
    except GeoError as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:  # any other, still in one line with its path
        raise click.ClickException(f"export to {out_dir}: {_cause(exc)}") from exc
    click.echo("\n".join(str(p) for p in paths))


@cli.command()
@click.argument("backup", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@STORE_OPTION
def restore(backup: Path, store_path: Path | None) -> None:
    """Replace the store's content with BACKUP (made by export), after checking it; the
    replaced content is kept beside the store as a timestamped safety copy."""
    try:
        store = Store(store_path)
        safety = store.restore(backup)
    except GeoError as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:  # any other, still in one line with its path
        raise click.ClickException(f"restore of {backup}: {_cause(exc)}") from exc
    if safety is not None:
        click.echo(f"the replaced content is kept in {safety}", err=True)
    click.echo(f"restored {store.article_count()} articles into {store.path}")


def main() -> None:
    cli(prog_name="python -m geo")


@cli.group()
def gazetteer() -> None:
    """The offline gazetteer: add an analyst's own places."""


@gazetteer.command("build")
def gazetteer_build() -> None:
    """Build the gazetteer index now (the README's install command does), so that the
    dashboard's first start does not wait for it."""
    try:
        gaz = Gazetteer.load()
    except GeoError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"gazetteer index ready: {len(gaz):,} places")


@gazetteer.command("add")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
def gazetteer_add(files: tuple[Path, ...]) -> None:
    """Import GeoNames dumps (UA.zip, allCountries.zip, their .txt) or CSVs of places
    (name,lat,lon[,alt_names,feature,country_code,admin1_code,population]) and rebuild the
    index; a running dashboard picks them up when restarted."""
    try:
        reports = import_places(list(files), pack_dir=user_pack_dir())
        gaz = Gazetteer.load(rebuild=True)
    except GeoError as exc:
        raise click.ClickException(str(exc)) from exc
    for r in reports:
        click.echo(f"{r.source}: {r.places} places or names -> {user_pack_dir() / r.pack}"
                   + (f" ({r.skipped} rows skipped)" if r.skipped else ""))
    click.echo(f"index rebuilt: {len(gaz):,} places")


@cli.group()
def basemap() -> None:
    """An analyst's own basemap file (MBTiles or PMTiles, raster or vector) or borders file
    (GeoJSON), drawn offline."""


@basemap.command("add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", default=None, help="Name in the map's layer control (default: the "
              "archive's own name, else the file name).")
@click.option("--max-zoom", type=click.IntRange(0, MAX_TILE_ZOOM), default=None,
              help="Leave out deeper tiles (fewer files; the map stretches the last zoom).")
def basemap_add(file: Path, name: str | None, max_zoom: int | None) -> None:
    """Unpack FILE (MBTiles, PMTiles, or GeoJSON borders such as raions or districts) into
    static/tiles/ so the map draws it with no network; a running dashboard shows it on its
    next map."""
    try:
        tile_set = add_tile_archive(file, name=name, max_zoom=max_zoom)
    except GeoError as exc:
        raise click.ClickException(str(exc)) from exc
    if tile_set.is_borders:
        click.echo(f"{tile_set.name}: {tile_set.tiles:,} borders -> {tile_set.directory}"
                   + (f" ({tile_set.skipped:,} features without a polygon or line left out)"
                      if tile_set.skipped else ""))
        return
    kind = (f"vector tiles ({tile_set.schema} style)" if tile_set.is_vector
            else f"{tile_set.format.upper()} tiles")
    click.echo(f"{tile_set.name}: {tile_set.tiles:,} {kind}, zoom "
               f"{tile_set.min_zoom}-{tile_set.max_zoom} -> {tile_set.directory}"
               + (f" ({tile_set.skipped:,} tiles that were not "
                  f"{'vector tiles' if tile_set.is_vector else 'images'} left out)"
                  if tile_set.skipped else ""))


@basemap.command("list")
def basemap_list() -> None:
    """The basemaps the map offers, the one shown first."""
    for tile_set in list_tile_sets():
        extent = ("borders\tover every basemap" if tile_set.is_borders
                  else f"tiles\tzoom {tile_set.min_zoom}-{tile_set.max_zoom}")
        click.echo(f"{tile_set.directory.name}\t{tile_set.name}\t{tile_set.tiles:,} {extent}"
                   f"\tfrom {tile_set.source}")


@basemap.command("remove")
@click.argument("name")
def basemap_remove(name: str) -> None:
    """Delete an unpacked basemap (NAME as `basemap list` prints it first)."""
    if not remove_tile_set(name):
        raise click.ClickException(f"no basemap named {name!r}; see `python -m geo basemap list`")
    click.echo(f"removed {name}")


cli.add_command(sources)  # python -m geo sources ... (geo/cli_sources.py)
