"""``python -m geo sources``: list the feeds, pages and watched folders the server polls, switch
its network access, and poll them now.

    python -m geo sources add https://ledger.example/rss.xml --name "Dnipro Ledger"
    python -m geo sources add ~/inbox                       # a watched folder (offline)
    python -m geo sources list
    python -m geo sources network on                        # off by default
    python -m geo sources poll [--all]
    python -m geo sources remove 2
"""

from __future__ import annotations

from pathlib import Path

import click

from geo.errors import GeoError
from geo.gazetteer.index import Gazetteer
from geo.store.db import Store
from geo.store.sources import (
    DEFAULT_EVERY_MINUTES,
    KINDS,
    add_source,
    list_sources,
    network_enabled,
    poll_sources,
    remove_source,
    set_network,
)

STORE_OPTION = click.option("--store", "store_path", type=click.Path(dir_okay=False,
                            path_type=Path), help="Store file (default $GEO_STORE or "
                            "data/store/news.sqlite).")


@click.group()
def sources() -> None:
    """Feeds, pages and watched folders polled for new articles."""


@sources.command("add")
@click.argument("location")
@click.option("--kind", type=click.Choice(KINDS), default=None,
              help="feed (RSS/Atom), page (one article's address) or folder; guessed when "
                   "left out (a folder on this machine, else a feed).")
@click.option("--name", default="", help="How the source is shown.")
@click.option("--every", "every_minutes", type=click.IntRange(min=1),
              default=DEFAULT_EVERY_MINUTES, show_default=True, help="Minutes between polls.")
@STORE_OPTION
def sources_add(location: str, kind: str | None, name: str, every_minutes: int,
                store_path: Path | None) -> None:
    """List LOCATION (an address or a folder) to be polled."""
    try:
        store = Store(store_path)
        source = add_source(store, location, kind=kind or "", name=name,
                            every_minutes=every_minutes)
    except GeoError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"#{source.id} {source.kind} {source.location} (every "
               f"{source.every_minutes} min)")
    if source.kind != "folder" and not network_enabled(store):
        click.echo("note: the network is off; nothing is fetched until "
                   "'python -m geo sources network on'", err=True)


@sources.command("list")
@STORE_OPTION
def sources_list(store_path: Path | None) -> None:
    """The listed sources with their last success, error and article count."""
    try:
        store = Store(store_path)
        listed = list_sources(store)
    except GeoError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"network: {'on' if network_enabled(store) else 'off'}")
    for s in listed:
        click.echo(f"#{s.id}\t{s.kind}\t{s.label}\t{s.articles} articles\t"
                   f"last success {s.success_at or 'never'}\t"
                   f"{('error: ' + s.error) if s.error else 'ok'}")


@sources.command("remove")
@click.argument("source_id", type=int)
@STORE_OPTION
def sources_remove(source_id: int, store_path: Path | None) -> None:
    """Stop polling source SOURCE_ID; what it brought stays stored."""
    try:
        removed = remove_source(Store(store_path), source_id)
    except GeoError as exc:
        raise click.ClickException(str(exc)) from exc
    if not removed:
        raise click.ClickException(f"no source #{source_id}")
    click.echo(f"removed #{source_id}")


@sources.command("network")
@click.argument("state", type=click.Choice(["on", "off"]))
@STORE_OPTION
def sources_network(state: str, store_path: Path | None) -> None:
    """Let the server fetch the listed feeds and pages (on), or not (off, the default)."""
    try:
        set_network(Store(store_path), state == "on")
    except GeoError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"network {state}")


@sources.command("poll")
@click.option("--all", "force", is_flag=True, help="Also the sources not due yet.")
@STORE_OPTION
def sources_poll(force: bool, store_path: Path | None) -> None:
    """Poll the sources that are due now (what the dashboard's worker does on its own)."""
    try:
        store = Store(store_path)
        outcomes = poll_sources(store, Gazetteer.load(), force=force)
    except GeoError as exc:
        raise click.ClickException(str(exc)) from exc
    for outcome in outcomes:
        click.echo(outcome.summary())
    if not outcomes:
        click.echo("no source is due (--all polls them anyway)")
    if any(o.error for o in outcomes):
        raise SystemExit(1)
