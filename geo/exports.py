"""Write the pipeline's tables: ``mentions.csv``, ``incidents.csv`` (ACLED-style columns),
``daily.csv`` (location × day) and ``incidents.geojson``. GeoJSON is the one place where
coordinates turn into [lon, lat].

Example:
    >>> import pandas as pd
    >>> incidents_geojson(pd.DataFrame(columns=["latitude", "longitude"]))["features"]
    []
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from geo.aggregate import daily_table

GEOJSON_PROPERTIES = ["event_id", "event_date", "event_type", "sub_event_type", "location",
                      "admin1", "country", "geo_precision", "time_precision", "fatalities",
                      "fatalities_min", "fatalities_max", "injuries", "sources", "articles",
                      "notes", "reports", "outlets", "independent_sources"]


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


def write_exports(out_dir: Path, *, mentions: pd.DataFrame, incidents: pd.DataFrame) -> list[Path]:
    """Write every table into ``out_dir``.

    Returns:
        The files written.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "mentions.csv", out_dir / "incidents.csv", out_dir / "daily.csv",
             out_dir / "incidents.geojson"]
    mentions.to_csv(paths[0], index=False)
    _with_iso_dates(incidents).to_csv(paths[1], index=False)
    _with_iso_dates(daily_table(incidents)).to_csv(paths[2], index=False)
    paths[3].write_text(json.dumps(incidents_geojson(incidents), ensure_ascii=False, indent=1),
                        encoding="utf-8")
    return paths


def _with_iso_dates(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    if "event_date" in out and len(out):
        out["event_date"] = pd.to_datetime(out["event_date"]).dt.strftime("%Y-%m-%d")
    return out
