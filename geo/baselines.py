"""Slow reference versions of fast code, kept so the tests can check the fast one against them
and the benches can time both: the merge before its index (``scan_merge``).

Nothing of the pipeline uses this module.
"""

from __future__ import annotations

from geo.incidents import Report, _same_happening


def scan_merge(reports: list[Report]) -> list[list[Report]]:
    """The merge before its index, as the baseline (and the reference the tests compare the
    index with): each report against every cluster of its type and region, first match."""
    clusters: dict[tuple, list[list[Report]]] = {}
    for report in sorted(reports, key=lambda r: (r.geo_precision, r.time_precision, r.date,
                                                 r.article, r.sentence_start)):
        candidates = clusters.setdefault(
            (report.event_type, report.place.admin1_code or report.place.key), [])
        for cluster in candidates:
            if _same_happening(report, cluster[0]):
                cluster.append(report)
                break
        else:
            candidates.append([report])
    return [c for cs in clusters.values() for c in cs]
