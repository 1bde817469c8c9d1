"""Turn news articles into place mentions and incidents, offline.

    python -m geo extract data/articles --out out/
"""

from __future__ import annotations

from pathlib import Path

import click

from geo.articles import read_articles_lenient
from geo.errors import GeoError


@click.group(help=__doc__)
def cli() -> None:
    pass


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV with file,outlet,published,timezone,title.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory for mentions.csv and the other outputs.")
@click.option("--resolver", default="context", show_default=True, help="Resolver name.")
def extract(paths: tuple[Path, ...], manifest: Path | None, out_dir: Path, resolver: str) -> None:
    """Find and resolve every place in PATHS (files or directories); write DIR/mentions.csv."""
    from geo import mentions_for_articles

    try:
        articles, failures = read_articles_lenient(list(paths), manifest=manifest)
        for failure in failures:
            click.echo(f"error: {failure.source}: {failure.reason}", err=True)
        frame = mentions_for_articles(articles, resolver=resolver)
    except GeoError as exc:
        raise click.ClickException(str(exc)) from exc
    out_dir.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out_dir / "mentions.csv", index=False)
    click.echo(f"{len(articles)} articles, {len(frame)} mentions -> {out_dir / 'mentions.csv'}")
    if failures:
        raise SystemExit(1)


def main() -> None:
    cli(prog_name="python -m geo")
