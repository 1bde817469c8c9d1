"""What the store keeps as JSON, written and read back: reports (``REPORT_VERSION``; older
payloads are upgraded when read), mention rows (``MENTION_VERSION``: values by position, the
sentence as offsets into the article's text) and the map of where a normalised text's offsets
fall in the text as received; stored dates as the pages read them, and the time stamps the
store writes (``stored_now``). No SQL here: ``geo.store.db`` and its parts write and read the
rows.

Example:
    >>> import datetime as dt
    >>> kyiv = Place(key="gn:703448", name="Kyiv", lat=50.45, lon=30.52, feature="city",
    ...              country_code="UA")
    >>> report = Report(article="a", outlet="", sentence_start=0, sentence_end=9,
    ...                 excerpt="Shelling.", trigger="Shelling", event_type="Battles",
    ...                 sub_event_type="Armed clash", place=kyiv,
    ...                 mention_start=0, mention_end=4, mention_text="Kyiv", geo_precision=1,
    ...                 date=dt.date(2024, 3, 1), time_precision=1, date_text="",
    ...                 date_inferred=True)
    >>> report_from_json(report_to_json(report)) == report
    True
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable

from geo.incidents import Report
from geo.nlp.figures import Figure
from geo.records import Place, SourceOffsets
from geo.tables import MENTION_COLUMNS

#: Version of the report payload stored as JSON; ``report_from_json`` upgrades older ones.
REPORT_VERSION = 4
#: Version of a stored mention row (``geo.tables.MENTION_COLUMNS``). Version 1 rows (no
#: ``v``) read as they are: readers take the columns they know, missing ones empty. Version
#: 3 stores the values only (``c``, in ``STORED_MENTION_COLUMNS`` order) and the sentence
#: as offsets into the article's text (``s``), not a copy of it.
MENTION_VERSION = 3
#: A stored mention row's values, in order: every ``MENTION_COLUMNS`` but the sentence.
STORED_MENTION_COLUMNS = [c for c in MENTION_COLUMNS if c != "sentence"]


def report_to_json(report: Report) -> str:
    """A report as JSON (dates as ISO strings), tagged with ``REPORT_VERSION``."""
    data = dataclasses.asdict(report)
    data["date"] = report.date.isoformat()
    data["published"] = report.published.isoformat() if report.published else None
    data["v"] = REPORT_VERSION
    return json.dumps(data)


def report_from_json(text: str) -> Report:
    """A stored report, upgraded from older payload versions.

    Version 1 (no ``v``) lacked the actor fields; they read as unknown. Version 2 lacked the
    publication date (then a vague report never joins a dated one). Up to version 3 a
    figure's offsets counted from its own sentence; they are found again in the excerpt and
    made the article's. Fields this version does not know are dropped, so a payload written
    by a newer minor change still reads.

    Raises:
        ValueError: not a report payload, or from a newer payload version.
    """
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("a report payload is a JSON object")
    version = data.pop("v", 1)
    if not isinstance(version, int) or version > REPORT_VERSION:
        raise ValueError(f"report payload version {version!r}; this program reads up to "
                         f"{REPORT_VERSION}")
    data["place"] = _known(Place, data["place"])
    data["date"] = dt.date.fromisoformat(data["date"])
    if data.get("published"):
        data["published"] = dt.date.fromisoformat(data["published"])
    data["killed"] = tuple(_known(Figure, f) for f in data.get("killed", ()))
    data["injured"] = tuple(_known(Figure, f) for f in data.get("injured", ()))
    if version < 4:
        for kind in ("killed", "injured"):
            data[kind] = tuple(_figure_in_article(f, data) for f in data[kind])
    return _known(Report, data)


def _figure_in_article(figure: Figure, data: dict) -> Figure:
    excerpt, start = str(data.get("excerpt", "")), int(data.get("sentence_start", 0))
    at = excerpt.find(figure.text, figure.start)  # its sentence is the excerpt's first ...
    if at < 0:
        at = excerpt.find(figure.text)  # ... or the next one, which the excerpt grew over
    if at < 0:
        return figure
    return dataclasses.replace(figure, start=start + at, end=start + at + len(figure.text))


def _known(cls: type, data: dict) -> object:
    """``cls(**data)`` with only the fields ``cls`` has (missing ones take their defaults)."""
    if not isinstance(data, dict):
        raise ValueError(f"{cls.__name__} payload is not an object")
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


def mention_to_json(row: dict, text: str) -> str:
    """A mention row as stored (version 3): its values, and its sentence as offsets into
    the article's ``text`` (the sentence itself when it cannot be found there)."""
    sentence = row.get("sentence", "")
    start = text.find(sentence, max(0, row["start"] - len(sentence)), row["end"] + len(sentence))
    stored: dict = {"v": MENTION_VERSION, "c": [row.get(c) for c in STORED_MENTION_COLUMNS]}
    if sentence and start >= 0:
        stored["s"] = [start, start + len(sentence)]
    else:
        stored["sentence"] = sentence
    return json.dumps(stored, separators=(",", ":"))


def mention_from_json(text: str, texts: Callable[[str], str], article: str) -> dict | None:
    """A stored mention row as ``geo.tables.MENTION_COLUMNS`` (its sentence read from
    ``texts(article)``, the article's text); None for a row this version cannot read (a
    newer version, or not a JSON object)."""
    try:
        row = json.loads(text)
    except (TypeError, ValueError):
        return None
    if not isinstance(row, dict):
        return None
    version = row.pop("v", 1)
    if not isinstance(version, int) or version > MENTION_VERSION:
        return None
    if version < 3:
        return row
    values = row.get("c")
    if not isinstance(values, list) or len(values) != len(STORED_MENTION_COLUMNS):
        return None
    out = dict(zip(STORED_MENTION_COLUMNS, values, strict=True))
    span = row.get("s")
    if isinstance(span, list) and len(span) == 2:
        out["sentence"] = texts(article)[span[0]:span[1]]
    else:
        out["sentence"] = str(row.get("sentence", ""))
    return out


def offsets_to_json(offsets: SourceOffsets) -> str:
    """The map as stored: its steps as JSON, or empty when nothing moved."""
    return json.dumps([list(step) for step in offsets.steps]) if offsets.steps else ""


def offsets_from_json(text: str, length: int) -> SourceOffsets:
    """The stored map, or none when it is missing or not a well-formed one (a map is only
    ever informative: a bad one must not stop the article from being read)."""
    if not text:
        return SourceOffsets()
    try:
        steps = tuple(tuple(int(v) for v in step) for step in json.loads(text))
    except (TypeError, ValueError):
        return SourceOffsets()
    if any(len(step) != 3 or not 0 <= step[0] <= length for step in steps) or (
            list(steps) != sorted(steps)):
        return SourceOffsets()
    return SourceOffsets(steps)  # type: ignore[arg-type]


def raw_date(value: object) -> dt.date | None:
    """A stored date, raising ValueError when it is not one."""
    if value in (None, ""):
        return None
    return dt.date.fromisoformat(str(value))


def stored_date(value: object) -> dt.date | None:
    """A stored publication date as the pages use it: None when it is not a date or lies
    outside what ``geo.io.articles.check_metadata`` accepts (``bad_rows`` lists those)."""
    from geo.io.articles import check_metadata

    try:
        day = raw_date(value)
        check_metadata(day, "")
    except ValueError:
        return None
    return day


def stored_now() -> str:
    """This moment as the store writes it (an article added, a change saved or undone, a
    geocoder answer kept): ISO 8601 UTC, whole seconds."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def mergeable_report(text: str) -> Report:
    """A stored report the merge can use; one dated where no table can hold it (the year
    2300, from a hand-edited store) is refused like an unreadable one."""
    report = report_from_json(text)
    if not _plausible_day(report.date):
        raise ValueError(f"report dated {report.date}")
    return report


def _plausible_day(day: dt.date) -> bool:
    from geo.io.articles import EARLIEST_PUBLISHED

    return EARLIEST_PUBLISHED <= day <= dt.date.today() + dt.timedelta(days=2)
