"""The incident record: reports of one happening, merged (``geo.incidents.merge``). It lives
with the other records in ``geo.records``; importable from here as before.
"""

from __future__ import annotations

from geo.records import Incident

__all__ = ["Incident"]
