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
