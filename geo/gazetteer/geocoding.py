"""Opt-in online fallback, through geopy, for places the offline gazetteer lacks.

The pipeline resolves places offline against the bundled gazetteer. A caller that turns this
module on (``GeocoderSettings(enabled=True)``) can ask an online service, OpenStreetMap's
Nominatim by default, for a name the gazetteer does not know. It is off by default: nothing
here builds a client or opens a connection unless the settings enable it and a lookup is made.

Any geopy service can be chosen by name (``available_services()``); options it needs, such as
``api_key``, are passed to its constructor. Nominatim's usage policy
(https://operations.osmfoundation.org/policies/nominatim/) is respected: at most one request
per ``min_delay_seconds`` (1 s, the policy's limit, by default and at least that for the public
server) per ``OnlineGeocoder``, across all threads using it; an identifying User-Agent; and
every answer, "not found" included, kept in a cache so that a name is asked for only once.

Failures raise errors that say what to do: ``GeocoderUnavailable`` when the service cannot be
reached or fails (the offline gazetteer still works), ``GeocoderConfigError`` for settings the
service cannot use, ``GeocoderQueryError`` for a name the service cannot look up.

Example:
    >>> geocoder = OnlineGeocoder(GeocoderSettings())
    >>> geocoder.lookup("Pokrovsk")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geo.gazetteer.geocoding.GeocoderDisabled: The online geocoder is off ...
    >>> "nominatim" in available_services()
    True

    Enabled, it would ask the service (so this part is not run)::

        geocoder = OnlineGeocoder(GeocoderSettings(enabled=True), cache=shelve.open("geocode"))
        result = geocoder.lookup("Pokrovsk", country_codes=["ua"])
        result.place, result.from_cache
"""

from __future__ import annotations

import functools
import inspect
import json
import re
import threading
import time
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from geopy import exc as geopy_exc
from geopy.adapters import AdapterHTTPError, BaseAdapter, RequestsAdapter
from geopy.geocoders import SERVICE_TO_GEOCODER, get_geocoder_for_service
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from geo.errors import GeoError
from geo.records import FeatureKind, Place

#: Nominatim's public server and the most often its usage policy lets us ask it.
PUBLIC_NOMINATIM = "nominatim.openstreetmap.org"
PUBLIC_NOMINATIM_MIN_DELAY = 1.0

# geopy errors that mean our settings are wrong rather than the service being down.
_REFUSED = (
    geopy_exc.ConfigurationError,
    geopy_exc.GeocoderAuthenticationFailure,
    geopy_exc.GeocoderInsufficientPrivileges,
)


class GeocoderDisabled(GeoError, RuntimeError):
    """Raised by a lookup when the online geocoder is off, as it is by default."""


class GeocoderConfigError(GeoError, ValueError):
    """Raised when the settings name an unknown service, lack or misname one of its options
    (``api_key``, ...), break its usage policy, or the service refuses the credentials."""


class GeocoderQueryError(GeoError, ValueError):
    """Raised for a blank name or a malformed country code, or when the service rejects the
    query (HTTP 400)."""


class GeocoderUnavailable(GeoError, ConnectionError):
    """Raised when the service cannot be reached (no network, DNS failure, timeout) or answers
    with an error (HTTP 5xx, 429 rate limit, a body that is not its API's)."""


@dataclass(frozen=True)
class GeocoderSettings:
    """How to reach the online geocoder; nothing is asked unless ``enabled``.

    ``options`` are extra constructor keywords for the service (``(("api_key", "..."),)``);
    they are passed last, so they win over the fields above.
    """

    enabled: bool = False
    service: str = "nominatim"
    domain: str | None = None  # the service's own when None; "127.0.0.1:8765" in tests
    scheme: str = "https"
    user_agent: str = "news-incident-map"
    min_delay_seconds: float = PUBLIC_NOMINATIM_MIN_DELAY  # Nominatim: at most 1 request/s
    timeout: float = 5.0
    options: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.timeout <= 0:
            raise GeocoderConfigError(f"timeout must be positive seconds, not {self.timeout!r}.")
        if self.min_delay_seconds < 0:
            raise GeocoderConfigError(
                f"min_delay_seconds must be 0 or more, not {self.min_delay_seconds!r}."
            )
        if self.scheme not in ("http", "https"):
            raise GeocoderConfigError(f"scheme must be 'http' or 'https', not {self.scheme!r}.")
        if _is_public_nominatim(self) and self.min_delay_seconds < PUBLIC_NOMINATIM_MIN_DELAY:
            raise GeocoderConfigError(
                f"min_delay_seconds is {self.min_delay_seconds!r}, but Nominatim's usage policy "
                f"allows at most one request per {PUBLIC_NOMINATIM_MIN_DELAY:g} s on "
                f"{PUBLIC_NOMINATIM}; raise it or set domain to your own Nominatim server."
            )


@dataclass(frozen=True)
class GeocodeResult:
    """One lookup's answer, so a page can mark answers that came from the cache.

    ``place`` is None when the service found nothing; ``from_cache`` is True when no request
    was made; ``service`` is the geopy service name asked.
    """

    place: Place | None
    from_cache: bool
    service: str


def available_services() -> list[str]:
    """List the geopy services a settings page can offer.

    Returns:
        The names ``GeocoderSettings.service`` accepts, sorted (``"nominatim"``, ``"photon"``,
        ``"bing"``, ...).
    """
    return sorted(SERVICE_TO_GEOCODER)


class OnlineGeocoder:
    """Looks names up with one geopy client, rate-limited and cached.

    One instance may be shared by several threads (Streamlit sessions): requests are made one
    at a time, at least ``min_delay_seconds`` apart, and cache hits do not wait for them.
    """

    def __init__(
        self,
        settings: GeocoderSettings,
        *,
        cache: MutableMapping[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        """Set the geocoder up; the geopy client is built only when the settings enable it.

        Args:
            settings: the service and how to reach it.
            cache: where answers are kept, ``str -> JSON str`` (a dict, a ``shelve``, ...);
                a new dict when None. Pass a persistent one to ask for each name only once.
            clock: monotonic seconds; injected, with ``sleep``, so tests need not wait.
            sleep: waits the given number of seconds.

        Raises:
            GeocoderConfigError: enabled settings name an unknown service, or options it does
                not take or lacks.
        """
        self._settings = settings
        self._cache: MutableMapping[str, str] = {} if cache is None else cache
        self._clock = clock
        self._sleep = sleep
        self._cache_lock = threading.Lock()
        # Held for a whole request: the rate limit holds across threads, and a name that two
        # sessions ask for at the same time is fetched once.
        self._request_lock = threading.Lock()
        self._last_request: float | None = None
        self._client = _build_client(settings) if settings.enabled else None

    @property
    def service(self) -> str:
        """The geopy service name in use, lower-cased as geopy looks it up."""
        return self._settings.service.lower()

    def geocode(self, name: str, *, country_codes: Sequence[str] = ()) -> Place | None:
        """Look a place name up; like ``lookup`` without saying whether it was cached.

        Args:
            name: the place name as written, e.g. ``"Pokrovsk"``.
            country_codes: ISO 3166-1 alpha-2 codes to search within (Nominatim only).

        Returns:
            The place found, or None when the service knows no such place.
        """
        return self.lookup(name, country_codes=country_codes).place

    def lookup(self, name: str, *, country_codes: Sequence[str] = ()) -> GeocodeResult:
        """Look a place name up, from the cache when it was asked for before.

        Args:
            name: the place name as written, e.g. ``"Pokrovsk"``.
            country_codes: ISO 3166-1 alpha-2 codes to search within (Nominatim only).

        Returns:
            The answer, the place being None when the service found nothing.

        Raises:
            GeocoderDisabled: the settings do not enable the online geocoder.
            GeocoderQueryError: the name is blank, a country code malformed, or the service
                rejects the query.
            GeocoderConfigError: the service takes no country codes, or refuses our settings.
            GeocoderUnavailable: the service cannot be reached or answers with an error.
        """
        client = self._require_client()
        query = _clean_query(name)
        codes = _clean_country_codes(country_codes)
        options = _geocode_options(client, codes, service=self.service)
        key = self._cache_key(query, codes)
        cached = self._read_cache(key)
        if cached is not None:
            return cached
        with self._request_lock:
            # Another thread may have fetched it while this one waited for the lock.
            cached = self._read_cache(key)
            if cached is not None:
                return cached
            self._wait_for_turn()
            place = self._request(client, query, options)
            with self._cache_lock:
                self._cache[key] = _encode_answer(place)
        return GeocodeResult(place=place, from_cache=False, service=self.service)

    def _require_client(self) -> Geocoder:
        if self._client is None:
            raise GeocoderDisabled(
                "The online geocoder is off (GeocoderSettings.enabled is False), so only the "
                "offline gazetteer is used. Turn it on in the settings to look up places the "
                "gazetteer lacks."
            )
        return self._client

    def _cache_key(self, query: str, codes: tuple[str, ...]) -> str:
        # The domain is part of the key: a local Nominatim may know other places than the public.
        domain = self._settings.domain or ""
        return f"{self.service}|{domain}|{','.join(codes)}|{query.casefold()}"

    def _read_cache(self, key: str) -> GeocodeResult | None:
        with self._cache_lock:
            entry = self._cache.get(key)
        if entry is None:
            return None
        return GeocodeResult(_decode_answer(entry, key=key), from_cache=True, service=self.service)

    def _wait_for_turn(self) -> None:
        """Sleep until ``min_delay_seconds`` have passed since the last request began; the
        caller holds ``_request_lock``."""
        now = self._clock()
        if self._last_request is not None:
            delay = self._last_request + self._settings.min_delay_seconds - now
            if delay > 0:
                self._sleep(delay)
                now = self._clock()
        self._last_request = now

    def _request(self, client: Geocoder, query: str, options: dict[str, Any]) -> Place | None:
        try:
            location = client.geocode(query, exactly_one=True, **options)
        except geopy_exc.GeopyError as error:
            raise _translate_error(error, service=self.service, timeout=client.timeout) from error
        if location is None:
            return None
        return _to_place(location, service=self.service, query=query)


def _is_public_nominatim(settings: GeocoderSettings) -> bool:
    return settings.service.lower() == "nominatim" and settings.domain in (None, PUBLIC_NOMINATIM)


def _build_client(settings: GeocoderSettings) -> Geocoder:
    """Build the geopy client the settings name.

    Args:
        settings: enabled settings.

    Returns:
        A geopy geocoder; building one makes no request.
    """
    geocoder_class = _geocoder_class(settings.service)
    kwargs = _client_options(geocoder_class, settings)
    adapter_factory = _adapter_factory()
    if adapter_factory is not None:
        kwargs["adapter_factory"] = adapter_factory
    try:
        return geocoder_class(**kwargs)
    except geopy_exc.ConfigurationError as error:
        raise GeocoderConfigError(
            f"The online geocoder {settings.service!r} cannot be set up: {error}"
        ) from error


def _adapter_factory() -> Callable[..., BaseAdapter] | None:
    """Choose geopy's HTTP adapter: requests' without its automatic retries.

    Returns:
        The adapter factory, or None for geopy's default when requests is not installed
        (urllib, which does not retry).
    """
    # geopy's RequestsAdapter retries twice by default: at once after a timeout, and after
    # sleeping out a Retry-After (a 429 with "Retry-After: 30" blocks for a minute and asks
    # three times). That would break the rate limit and stall every thread on the lock.
    if RequestsAdapter.is_available:
        return functools.partial(RequestsAdapter, max_retries=0)
    return None


def _geocoder_class(service: str) -> type[Geocoder]:
    try:
        return get_geocoder_for_service(service)
    except geopy_exc.GeocoderNotFound as error:
        raise GeocoderConfigError(
            f"Unknown geocoding service {service!r}. Valid names: "
            f"{', '.join(available_services())}."
        ) from error


def _client_options(geocoder_class: type[Geocoder], settings: GeocoderSettings) -> dict[str, Any]:
    """Keywords for the service's constructor: the settings it takes, then ``options``.

    Args:
        geocoder_class: the geopy class for the service.
        settings: the settings to pass on.

    Returns:
        Constructor keywords, checked against the constructor's signature so that a missing
        or misspelt option is reported in our words rather than as a ``TypeError``.
    """
    accepted = _keyword_parameters(geocoder_class.__init__)
    common = {
        "user_agent": settings.user_agent,
        "scheme": settings.scheme,
        "timeout": settings.timeout,
        "domain": settings.domain,
    }
    kwargs = {k: v for k, v in common.items() if k in accepted and v is not None}
    kwargs.update(settings.options)
    unknown = sorted(set(kwargs) - set(accepted))
    missing = sorted(k for k, p in accepted.items() if p.default is p.empty and k not in kwargs)
    if unknown or missing:
        problems = [f"it takes no option {k!r}" for k in unknown]
        problems += [f"it needs the option {k!r}" for k in missing]
        raise GeocoderConfigError(
            f"The online geocoder {settings.service!r} cannot be set up: {'; '.join(problems)}. "
            f"Set options in GeocoderSettings.options; it takes: {', '.join(sorted(accepted))}."
        )
    return kwargs


def _keyword_parameters(function: Callable[..., object]) -> dict[str, inspect.Parameter]:
    parameters = inspect.signature(function).parameters
    return {
        name: p
        for name, p in parameters.items()
        if name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    }


def _clean_query(name: str) -> str:
    query = " ".join(name.split())
    if not query:
        raise GeocoderQueryError("The place name to look up online is blank.")
    return query


def _clean_country_codes(codes: Sequence[str]) -> tuple[str, ...]:
    # A bare string would be read letter by letter; take it as one code instead.
    raw = [codes] if isinstance(codes, str) else list(codes)
    cleaned = sorted({c.strip().lower() for c in raw})
    bad = [c for c in cleaned if len(c) != 2 or not c.isascii() or not c.isalpha()]
    if bad:
        raise GeocoderQueryError(
            f"Country codes must be ISO 3166-1 alpha-2 codes such as 'ua'; got {bad}."
        )
    return tuple(cleaned)


def _geocode_options(
    client: Geocoder, codes: tuple[str, ...], *, service: str
) -> dict[str, Any]:
    """Keywords for the client's ``geocode`` beyond the query.

    Args:
        client: the geopy geocoder.
        codes: cleaned country codes, possibly none.
        service: its name, for the error message.

    Returns:
        ``addressdetails`` where the service takes it (Nominatim gives the country code only
        with it) and ``country_codes`` when some are given.
    """
    accepted = _keyword_parameters(client.geocode)
    options: dict[str, Any] = {}
    if "addressdetails" in accepted:
        options["addressdetails"] = True
    if codes and "country_codes" not in accepted:
        # Ignoring them would silently widen the search to the whole world.
        supported = [s for s in available_services() if _takes_country_codes(s)]
        raise GeocoderConfigError(
            f"The online geocoder {service!r} cannot limit a search to countries; look up "
            f"without country_codes or choose one of: {', '.join(supported)}."
        )
    if codes:
        options["country_codes"] = list(codes)
    return options


def _takes_country_codes(service: str) -> bool:
    return "country_codes" in _keyword_parameters(SERVICE_TO_GEOCODER[service].geocode)


def _to_place(location: Location, *, service: str, query: str) -> Place:
    """Turn geopy's answer into a ``Place`` keyed by the service's own id where it has one.

    Args:
        location: geopy's answer; ``raw`` is the service's record.
        service: the geopy service name.
        query: the name asked for, the key and name of last resort.

    Returns:
        A place of the kind the service names (``FeatureKind.of``: a town is a city, a
        state a region), with no GeoNames id.
    """
    raw = location.raw if isinstance(location.raw, Mapping) else {}
    address = raw.get("address")
    address = address if isinstance(address, Mapping) else {}
    return Place(
        key=f"online:{service}:{_answer_id(raw) or query.casefold()}",
        name=_answer_name(raw, location.address) or query,
        lat=location.latitude,
        lon=location.longitude,
        feature=FeatureKind.of(str(raw.get("addresstype") or raw.get("type") or "")),
        country_code=str(address.get("country_code", "")).upper(),
        admin1=str(address.get("state", "")),
        geonameid=None,
    )


def _answer_id(raw: Mapping[str, Any]) -> str:
    # OSM ids are stable across Nominatim servers; place_id is not, so it comes second.
    if raw.get("osm_type") and raw.get("osm_id") is not None:
        return f"{raw['osm_type']}/{raw['osm_id']}"
    for field_name in ("place_id", "id"):
        if raw.get(field_name) not in (None, ""):
            return str(raw[field_name])
    return ""


def _answer_name(raw: Mapping[str, Any], address: str | None) -> str:
    # Nominatim's "name" is the place's own; display_name adds the region and country.
    name = raw.get("name")
    if isinstance(name, str) and name.strip():
        return name.strip()
    return (address or "").split(",")[0].strip()


def _encode_answer(place: Place | None) -> str:
    record = None if place is None else asdict(place)
    return json.dumps({"place": record}, ensure_ascii=False, sort_keys=True)


def _decode_answer(entry: str, *, key: str) -> Place | None:
    try:
        record = json.loads(entry)["place"]
        return None if record is None else Place(**record)
    except (ValueError, TypeError, KeyError) as error:
        raise GeocoderConfigError(
            f"The geocoding cache entry {key!r} is not a cached answer ({error}); delete it "
            "or clear the cache."
        ) from error


def _translate_error(error: geopy_exc.GeopyError, *, service: str, timeout: float) -> GeoError:
    """Say in our words what a geopy error means for the user.

    Args:
        error: what geopy raised.
        service: the geopy service name.
        timeout: the client's timeout in seconds.

    Returns:
        The error to raise (from ``error``).
    """
    reason = _describe_error(error, timeout=timeout)
    if isinstance(error, _REFUSED):
        return GeocoderConfigError(
            f"The online geocoder {service!r} refused the request: {reason}. Check its "
            "options (api_key, user_agent, ...) in the settings."
        )
    if isinstance(error, geopy_exc.GeocoderQueryError):
        return GeocoderQueryError(f"The online geocoder {service!r} rejected the query: {reason}.")
    return GeocoderUnavailable(
        f"The online geocoder {service!r} is unreachable: {reason}. The offline gazetteer is "
        "still used; switch the online geocoder off or try again later."
    )


def _describe_error(error: geopy_exc.GeopyError, *, timeout: float) -> str:
    # geopy maps HTTP statuses to classes (503 becomes GeocoderTimedOut), so name the status
    # itself, kept on the AdapterHTTPError it chains from.
    cause = error.__cause__
    if isinstance(cause, AdapterHTTPError):
        retry_after = getattr(error, "retry_after", None)
        wait = f" (retry after {retry_after:g} s)" if retry_after else ""
        return f"it answered HTTP {cause.status_code}{wait}"
    if isinstance(error, geopy_exc.GeocoderTimedOut):
        return f"no answer within {timeout:g} s"
    message = str(error)
    # requests buries the socket's own words ("[Errno 111] Connection refused") in a long repr.
    errno = re.search(r"\[Errno -?\d+\] [^'\")]+", message)
    return errno.group(0).strip() if errno else message or type(error).__name__
