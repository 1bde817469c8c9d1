"""Turn news articles into place mentions and incidents, offline.

    python -m geo extract data/articles --out out/
"""

from __future__ import annotations

from pathlib import Path

import click

from geo.articles import read_articles_lenient
from geo.errors import GeoError
from geo.exports import write_exports
from geo.pipeline import run_pipeline


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
def extract(paths: tuple[Path, ...], manifest: Path | None, out_dir: Path, resolver: str) -> None:
    """Geoparse PATHS (files or directories) and extract incidents: writes mentions.csv,
    incidents.csv, daily.csv and incidents.geojson into DIR."""
    try:
        articles, failures = read_articles_lenient(list(paths), manifest=manifest)
        for failure in failures:
            click.echo(f"error: {failure.source}: {failure.reason}", err=True)
        result = run_pipeline(articles, resolver=resolver)
    except GeoError as exc:
        raise click.ClickException(str(exc)) from exc
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    write_exports(out_dir, mentions=result.mentions, incidents=result.incidents)
    click.echo(f"{len(articles)} articles, {len(result.mentions)} mentions, "
               f"{len(result.incidents)} incidents -> {out_dir}/")
    if failures:
        raise SystemExit(1)


def main() -> None:
    cli(prog_name="python -m geo")
