"""IANA time zones by name, as articles and manifests give them: the one lookup the reader's
checks (``geo.io.articles``) and the date stage (``geo.nlp.dates``) share.

Example:
    >>> str(zone("Europe/Kyiv")) in ("Europe/Kyiv", "Europe/Kiev")
    True
    >>> zone("../etc/passwd")
    Traceback (most recent call last):
    ...
    zoneinfo._common.ZoneInfoNotFoundError: "not a time zone name: '../etc/passwd'"
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# tzdata releases before 2022b only know Kyiv by its Soviet-era spelling.
_ZONE_FALLBACKS = {"Europe/Kyiv": "Europe/Kiev"}


def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name`` (``Europe/Kyiv`` also on systems that only know Kiev).

    Raises:
        zoneinfo.ZoneInfoNotFoundError: not a known zone (also for path-like names).
    """
    if not name or name != name.strip() or name.startswith(("/", ".")) or ".." in name:
        raise ZoneInfoNotFoundError(f"not a time zone name: {name!r}")
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:
        if name in _ZONE_FALLBACKS:
            return ZoneInfo(_ZONE_FALLBACKS[name])
        raise
    except (ValueError, OSError) as exc:  # "../x", a directory, a file that is not a zone
        raise ZoneInfoNotFoundError(f"not a time zone name: {name!r}") from exc
