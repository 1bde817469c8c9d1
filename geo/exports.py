"""Write the pipeline's tables: ``mentions.csv``, ``incidents.csv`` (ACLED-style columns),
``daily.csv`` (location × day) and ``incidents.geojson``. GeoJSON is the one place where
coordinates turn into [lon, lat].

Example:
    >>> import pandas as pd
    >>> incidents_geojson(pd.DataFrame(columns=["latitude", "longitude"]))["features"]
    []
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from geo.acled import acled_table
from geo.errors import FileWriteError, os_cause
from geo.records import Article
from geo.tables import daily_table

# ``location`` is the gazetteer's name (what GIS joins on), ``display_name`` the articles'.
GEOJSON_PROPERTIES = ["event_id", "event_date", "event_type", "sub_event_type", "location",
                      "display_name", "admin1", "country", "geo_precision", "time_precision",
                      "fatalities", "fatalities_min", "fatalities_max", "injuries", "sources",
                      "articles", "notes", "reports", "outlets", "independent_sources",
                      # An analyst's review (``geo.review``), when the incidents carry it.
                      "review_state", "reviewed_by", "reviewed_at", "review_note",
                      "review_auto"]


def incidents_geojson(incidents: pd.DataFrame) -> dict:
    """A GeoJSON FeatureCollection of incident points ([lon, lat], WGS 84)."""
    features = []
    for row in incidents.to_dict("records"):
        properties = {k: _plain(row.get(k)) for k in GEOJSON_PROPERTIES if k in row}
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point",
                         "coordinates": [float(row["longitude"]), float(row["latitude"])]},
            "properties": properties,
        })
    return {"type": "FeatureCollection", "features": features}


def _plain(value: object) -> object:
    """JSON-safe values: dates as ISO strings, missing values as null."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def write_exports(out_dir: Path, *, mentions: pd.DataFrame, incidents: pd.DataFrame,
                  articles: Sequence[Article] = ()) -> list[Path]:
    """Write every table into ``out_dir``; with ``articles``, ``mentions.csv`` also says where
    each mention is in the text as received (``with_source_offsets``).

    Returns:
        The files written.

    Raises:
        FileWriteError: a file cannot be written (a full disk, a read-only folder): the
            message names it and the cause.
    """
    if articles:
        mentions = with_source_offsets(mentions, articles)
    contents = {"mentions.csv": safe_csv(mentions),
                "incidents.csv": incidents_csv(incidents), "daily.csv": daily_csv(incidents),
                "incidents.geojson": geojson_text(incidents)}
    paths = []
    target = out_dir
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, text in contents.items():
            target = out_dir / name
            target.write_text(text, encoding="utf-8")
            paths.append(target)
    except OSError as exc:
        written = f" (written before it: {', '.join(p.name for p in paths)})" if paths else ""
        raise FileWriteError(f"cannot write {target}: {os_cause(exc, target)}{written}") from exc
    return paths


def with_source_offsets(mentions: pd.DataFrame, articles: Sequence[Article]) -> pd.DataFrame:
    """``mentions`` with ``source_start`` and ``source_end`` last: the mention's
    offsets in its article's text as received, before normalisation removed soft hyphens,
    zero-width characters and CRs and composed accents (equal to ``start``/``end`` when
    nothing moved)."""
    maps = {a.id: a.source_offsets for a in articles if a.source_offsets.steps}
    out = mentions.copy()
    starts, ends = out["start"].tolist(), out["end"].tolist()
    for i, article in enumerate(out["article"].tolist()):
        offsets = maps.get(article)
        if offsets is not None:
            starts[i], ends[i] = offsets.start(starts[i]), offsets.end(ends[i])
    out["source_start"], out["source_end"] = starts, ends
    return out


def incidents_csv(incidents: pd.DataFrame) -> str:
    """``incidents.csv``: ACLED's export columns first (``geo.acled.EXPORT_COLUMNS``), dates
    as YYYY-MM-DD."""
    return safe_csv(_with_iso_dates(acled_table(incidents)))


def daily_csv(incidents: pd.DataFrame) -> str:
    """``daily.csv``: the location × day table of these incidents."""
    return safe_csv(_with_iso_dates(daily_table(incidents)))


# A cell a spreadsheet would run as a formula (OWASP "CSV injection"): text from articles,
# outlets and ids is untrusted.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """A text cell made inert for spreadsheets: a leading ``'`` before ``=``, ``+``, ``-``,
    ``@``, tab or carriage return (OWASP). Numbers are left alone.

    >>> neutralise_cell("=1+2"), neutralise_cell("-3"), neutralise_cell(-3)
    ("'=1+2", "'-3", -3)
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_csv(frame: pd.DataFrame) -> str:
    """CSV text (RFC 4180, CRLF rows) with every text cell neutralised and every field
    holding a line feed or a carriage return quoted, so it parses back into the same rows."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise_cell)
    # Python's csv quotes a field holding any character of the line terminator: with CRLF
    # (RFC 4180) a bare carriage return, which spreadsheets read as a row break, is quoted too.
    return out.to_csv(index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")


def geojson_text(incidents: pd.DataFrame) -> str:
    """``incidents.geojson`` as text."""
    return json.dumps(incidents_geojson(incidents), ensure_ascii=False, indent=1)


def _with_iso_dates(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    if "event_date" in out and len(out):
        out["event_date"] = pd.to_datetime(out["event_date"]).dt.strftime("%Y-%m-%d")
    return out


# The files the dashboard offers for the filtered incidents: name -> (maker, MIME type); the
# server's background worker makes them for large selections (``geo.store.downloads``).
INCIDENT_FILES = {
    "incidents.csv": (incidents_csv, "text/csv"),
    "daily.csv": (daily_csv, "text/csv"),
    "incidents.geojson": (geojson_text, "application/geo+json"),
}
