"""Exports are data, never code: CSV cells that a spreadsheet would run are neutralised and a
stray carriage return cannot split a row (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io

import pandas as pd

from geo.exports import incidents_csv


def test_formula_and_carriage_return_cells_are_inert_in_the_csv():
    frame = pd.DataFrame({
        "event_id": ["=1+2", "plain"], "event_date": pd.to_datetime(["2022-03-01"] * 2),
        "sources": ["Kyiv\rPost", "@SUM(A1:A9)"], "notes": ["+cmd|' /C calc'!A0", "-2+3"],
        "fatalities": pd.array([3, None], dtype="Int64")})
    rows = list(csv.reader(io.StringIO(incidents_csv(frame), newline="")))
    assert len(rows) == 3  # header and two rows: the carriage return stayed inside its cell
    header, first, second = rows
    cells = dict(zip(header, first, strict=True))
    assert cells["event_id"] == "'=1+2" and cells["sources"] == "Kyiv\rPost"
    assert cells["notes"].startswith("'+") and cells["fatalities"] == "3"
    assert dict(zip(header, second, strict=True))["sources"] == "'@SUM(A1:A9)"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_acled_columns_follow_acleds_definitions():
    from geo.acled import ACLED_COLUMNS, acled_table

    frame = pd.DataFrame({
        "event_id": ["a", "b"], "event_date": pd.to_datetime(["2022-03-01", "2023-01-02"]),
        "event_type": ["Explosions/Remote violence", "Protests"],
        "sub_event_type": ["Shelling/artillery/missile attack", "Peaceful protest"],
        "actor1": ["Military Forces of Russia (2000-)", "Protesters (Ukraine)"],
        "inter1": [8, 6], "actor2": ["Civilians (Ukraine)", ""], "interaction": [78, 60],
        "country_code": ["UA", "SY"]})
    table = acled_table(frame)
    assert list(table.columns[:len(ACLED_COLUMNS)]) == ACLED_COLUMNS
    shelling, protest = table.to_dict("records")
    assert (shelling["inter2"], shelling["civilian_targeting"]) == (7, "Civilian targeting")
    assert (shelling["iso"], shelling["region"], shelling["year"]) == (804, "Europe", 2022)
    assert shelling["disorder_type"] == "Political violence"
    assert (protest["inter2"], protest["civilian_targeting"]) == (0, "")
    assert (protest["disorder_type"], protest["region"]) == ("Demonstrations", "Middle East")
