"""The opt-in online geocoder, run with geopy's real Nominatim client against a fake Nominatim
on 127.0.0.1; nothing here touches any other host."""

from __future__ import annotations

import functools
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from geopy import exc as geopy_exc
from geopy.geocoders import SERVICE_TO_GEOCODER

from geo.errors import GeoError
from geo.gazetteer.geocoding import (
    GeocoderConfigError,
    GeocoderDisabled,
    GeocodeResult,
    GeocoderQueryError,
    GeocoderSettings,
    GeocoderUnavailable,
    OnlineGeocoder,
    available_services,
)
from geo.records import Place

KHARKIV = {
    "place_id": 123456,
    "licence": "Data © OpenStreetMap contributors, ODbL 1.0.",
    "osm_type": "relation",
    "osm_id": 2555133,
    "lat": "49.9923181",
    "lon": "36.2310146",
    "class": "boundary",
    "type": "administrative",
    "name": "Kharkiv",
    "display_name": "Kharkiv, Kharkiv Oblast, Ukraine",
    "address": {
        "city": "Kharkiv",
        "state": "Kharkiv Oblast",
        "country": "Ukraine",
        "country_code": "ua",
    },
}
KHARKIV_PLACE = Place(
    key="online:nominatim:relation/2555133",
    name="Kharkiv",
    lat=49.9923181,
    lon=36.2310146,
    feature="online",
    country_code="UA",
    admin1="Kharkiv Oblast",
    geonameid=None,
)
UNREACHABLE_TAIL = (
    ". The offline gazetteer is still used; switch the online geocoder off or try again later."
)


class FakeClock:
    """A clock that moves only when slept on or advanced; records the sleeps asked for."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


class FakeNominatim:
    """Answers like Nominatim's ``/search`` and records each request with the fake time."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.answers: dict[str, list[dict]] = {"Kharkiv": [KHARKIV]}
        self.status = 200
        self.headers: dict[str, str] = {}
        self.delay = 0.0
        self.requests: list[tuple[str, dict[str, list[str]], str]] = []  # path, query, agent
        self.times: list[float] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.domain = f"127.0.0.1:{self._server.server_address[1]}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
                fake.answer(self)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass  # keep pytest's output clean

        return Handler

    def answer(self, request: BaseHTTPRequestHandler) -> None:
        url = urlsplit(request.path)
        query = parse_qs(url.query)
        self.requests.append((url.path, query, request.headers.get("User-Agent", "")))
        self.times.append(self.clock())
        time.sleep(self.delay)
        body = json.dumps(self.answers.get(query.get("q", [""])[0], [])).encode()
        try:
            request.send_response(self.status)
            request.send_header("Content-Type", "application/json")
            for name, value in self.headers.items():
                request.send_header(name, value)
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            request.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client timed out and left, as the timeout test wants

    def __enter__(self) -> FakeNominatim:
        # A short poll interval, or shutdown() waits half a second per test.
        serve = functools.partial(self._server.serve_forever, poll_interval=0.01)
        threading.Thread(target=serve, daemon=True).start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    # geopy reads proxies from the environment; one would send 127.0.0.1 requests elsewhere.
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                 "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def server(clock: FakeClock) -> Iterator[FakeNominatim]:
    with FakeNominatim(clock) as fake:
        yield fake


def local_settings(domain: str, **overrides: object) -> GeocoderSettings:
    values = {"enabled": True, "domain": domain, "scheme": "http", **overrides}
    return GeocoderSettings(**values)  # type: ignore[arg-type]


def make_geocoder(server: FakeNominatim, clock: FakeClock, **overrides: object) -> OnlineGeocoder:
    settings = local_settings(server.domain, **overrides)
    return OnlineGeocoder(settings, clock=clock, sleep=clock.sleep)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# 1. Off by default


def test_disabled_by_default_makes_no_request(server, clock):
    settings = GeocoderSettings(domain=server.domain, scheme="http")
    geocoder = OnlineGeocoder(settings, clock=clock, sleep=clock.sleep)

    with pytest.raises(GeocoderDisabled, match=r"^The online geocoder is off") as caught:
        geocoder.lookup("Kharkiv")
    with pytest.raises(GeocoderDisabled):
        geocoder.geocode("Kharkiv")

    assert GeocoderSettings().enabled is False
    assert isinstance(caught.value, GeoError) and isinstance(caught.value, RuntimeError)
    assert server.requests == []


# 2. A found place


def test_found_place_fields_and_query(server, clock):
    geocoder = make_geocoder(server, clock)

    result = geocoder.lookup(" Kharkiv ", country_codes=["UA"])

    assert result == GeocodeResult(place=KHARKIV_PLACE, from_cache=False, service="nominatim")
    assert server.requests == [
        (
            "/search",
            {
                "q": ["Kharkiv"],
                "format": ["json"],
                "limit": ["1"],
                "addressdetails": ["1"],
                "countrycodes": ["ua"],
            },
            "news-incident-map",
        )
    ]


def test_geocode_returns_the_place_without_country_codes(server, clock):
    geocoder = make_geocoder(server, clock)

    assert geocoder.geocode("Kharkiv") == KHARKIV_PLACE
    assert "countrycodes" not in server.requests[0][1]


def test_other_service_options_are_passed_through(server, clock):
    # PickPoint is a Nominatim clone that needs an api_key, sent as "key".
    geocoder = make_geocoder(server, clock, service="pickpoint", options=(("api_key", "k1"),))

    place = geocoder.geocode("Kharkiv")

    assert place is not None and place.key == "online:pickpoint:relation/2555133"
    path, query, _ = server.requests[0]
    assert (path, query["key"]) == ("/v1/forward", ["k1"])


# 3. Not found


def test_not_found_gives_no_place(server, clock):
    geocoder = make_geocoder(server, clock)

    result = geocoder.lookup("Atlantis")

    assert result == GeocodeResult(place=None, from_cache=False, service="nominatim")
    assert [q["q"] for _, q, _ in server.requests] == [["Atlantis"]]


# 4. The cache


def test_second_lookup_is_answered_from_cache(server, clock):
    cache: dict[str, str] = {}
    settings = local_settings(server.domain)
    geocoder = OnlineGeocoder(settings, cache=cache, clock=clock, sleep=clock.sleep)

    first = geocoder.lookup("Kharkiv", country_codes=["ua"])
    second = geocoder.lookup("kharkiv", country_codes=["ua"])
    # A new instance sharing the cache (e.g. a persistent one) asks nothing either.
    third = OnlineGeocoder(settings, cache=cache, clock=clock, sleep=clock.sleep).lookup(
        "KHARKIV", country_codes=["ua"]
    )

    assert (first.from_cache, second.from_cache, third.from_cache) == (False, True, True)
    assert first.place == second.place == third.place == KHARKIV_PLACE
    assert len(server.requests) == 1
    assert list(cache) == [f"nominatim|{server.domain}|ua|kharkiv"]
    assert json.loads(cache[f"nominatim|{server.domain}|ua|kharkiv"])["place"]["lat"] == 49.9923181


def test_not_found_is_cached_too(server, clock):
    geocoder = make_geocoder(server, clock)

    geocoder.lookup("Atlantis")
    again = geocoder.lookup("Atlantis")

    assert again == GeocodeResult(place=None, from_cache=True, service="nominatim")
    assert len(server.requests) == 1


def test_other_country_codes_are_not_the_same_question(server, clock):
    geocoder = make_geocoder(server, clock)

    geocoder.lookup("Kharkiv", country_codes=["ua"])
    result = geocoder.lookup("Kharkiv", country_codes=["ru"])

    assert result.from_cache is False
    assert [q.get("countrycodes") for _, q, _ in server.requests] == [["ua"], ["ru"]]


# 5. Rate limit


def test_requests_are_min_delay_apart(server, clock):
    geocoder = make_geocoder(server, clock, min_delay_seconds=1.0)

    geocoder.lookup("Kharkiv")
    clock.advance(0.25)
    geocoder.lookup("Atlantis")
    geocoder.lookup("Lyman")
    geocoder.lookup("Kharkiv")  # cached: neither waits nor asks

    assert clock.sleeps == [0.75, 1.0]
    assert server.times == [100.0, 101.0, 102.0]


def test_two_threads_still_respect_the_rate_limit(server, clock):
    server.delay = 0.05  # so both threads are inside lookup() together
    geocoder = make_geocoder(server, clock, min_delay_seconds=1.0)
    names = ["Kharkiv", "Atlantis"]

    results = run_together(geocoder, names)

    assert sorted(r.from_cache for r in results) == [False, False]
    assert clock.sleeps == [1.0]
    assert server.times == [100.0, 101.0]


def test_two_threads_asking_the_same_name_make_one_request(server, clock):
    server.delay = 0.05
    geocoder = make_geocoder(server, clock)

    results = run_together(geocoder, ["Kharkiv", "Kharkiv"])

    assert sorted(r.from_cache for r in results) == [False, True]
    assert [r.place for r in results] == [KHARKIV_PLACE, KHARKIV_PLACE]
    assert len(server.requests) == 1


def run_together(geocoder: OnlineGeocoder, names: list[str]) -> list[GeocodeResult]:
    start = threading.Barrier(len(names))
    results: list[GeocodeResult] = []

    def look_up(name: str) -> None:
        start.wait()
        results.append(geocoder.lookup(name))

    threads = [threading.Thread(target=look_up, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    assert len(results) == len(names)
    return results


# 6. Unreachable


def test_closed_port_is_unavailable(clock):
    cache: dict[str, str] = {}
    settings = local_settings(f"127.0.0.1:{closed_port()}")
    geocoder = OnlineGeocoder(settings, cache=cache, clock=clock, sleep=clock.sleep)

    with pytest.raises(GeocoderUnavailable) as caught:
        geocoder.lookup("Kharkiv")

    assert str(caught.value) == (
        "The online geocoder 'nominatim' is unreachable: [Errno 111] Connection refused"
        + UNREACHABLE_TAIL
    )
    assert isinstance(caught.value, ConnectionError)
    assert isinstance(caught.value.__cause__, geopy_exc.GeocoderUnavailable)
    assert cache == {}  # a failure is not an answer


@pytest.mark.parametrize(
    ("status", "headers", "reason", "geopy_error"),
    [
        (503, {}, "it answered HTTP 503", geopy_exc.GeocoderTimedOut),
        (500, {}, "it answered HTTP 500", geopy_exc.GeocoderServiceError),
        (
            429,
            {"Retry-After": "30"},
            "it answered HTTP 429 (retry after 30 s)",
            geopy_exc.GeocoderRateLimited,
        ),
    ],
)
def test_service_error_is_unavailable(server, clock, status, headers, reason, geopy_error):
    server.status, server.headers = status, headers
    geocoder = make_geocoder(server, clock)

    with pytest.raises(GeocoderUnavailable) as caught:
        geocoder.lookup("Kharkiv")

    assert str(caught.value) == f"The online geocoder 'nominatim' is unreachable: {reason}" + (
        UNREACHABLE_TAIL
    )
    assert type(caught.value.__cause__) is geopy_error
    assert len(server.requests) == 1


def test_timeout_is_unavailable(server, clock):
    server.delay = 0.5
    geocoder = make_geocoder(server, clock, timeout=0.1)

    with pytest.raises(GeocoderUnavailable) as caught:
        geocoder.lookup("Kharkiv")

    assert str(caught.value) == (
        "The online geocoder 'nominatim' is unreachable: no answer within 0.1 s"
        + UNREACHABLE_TAIL
    )
    assert len(server.requests) == 1  # geopy's requests adapter would retry twice at once


def test_refused_credentials_are_a_config_error(server, clock):
    server.status = 403
    geocoder = make_geocoder(server, clock)

    with pytest.raises(GeocoderConfigError, match=r"refused the request: it answered HTTP 403"):
        geocoder.lookup("Kharkiv")


def test_rejected_query_and_bad_input_are_query_errors(server, clock):
    server.status = 400
    geocoder = make_geocoder(server, clock)

    with pytest.raises(GeocoderQueryError, match=r"rejected the query: it answered HTTP 400\.$"):
        geocoder.lookup("Kharkiv")
    with pytest.raises(GeocoderQueryError, match="blank"):
        geocoder.lookup("   ")
    with pytest.raises(GeocoderQueryError, match=r"\['ukr'\]"):
        geocoder.lookup("Kharkiv", country_codes=["ukr"])
    assert len(server.requests) == 1


# 7. Services and settings


def test_available_services_are_geopys():
    services = available_services()

    assert "nominatim" in services
    assert services == sorted(SERVICE_TO_GEOCODER)


def test_unknown_service_lists_valid_names():
    settings = GeocoderSettings(enabled=True, service="nowhere")

    with pytest.raises(GeocoderConfigError) as caught:
        OnlineGeocoder(settings)

    assert str(caught.value) == (
        f"Unknown geocoding service 'nowhere'. Valid names: {', '.join(available_services())}."
    )
    assert isinstance(caught.value, ValueError)


def test_unknown_service_is_not_checked_while_disabled():
    with pytest.raises(GeocoderDisabled):
        OnlineGeocoder(GeocoderSettings(service="nowhere")).lookup("Kharkiv")


def test_missing_and_unknown_options_are_named():
    settings = GeocoderSettings(enabled=True, service="bing", options=(("api_ky", "k"),))

    with pytest.raises(GeocoderConfigError) as caught:
        OnlineGeocoder(settings)

    assert str(caught.value).startswith(
        "The online geocoder 'bing' cannot be set up: it takes no option 'api_ky'; "
        "it needs the option 'api_key'. Set options in GeocoderSettings.options; it takes: "
    )


def test_service_without_country_codes_refuses_them(clock):
    settings = GeocoderSettings(enabled=True, service="photon", domain=f"127.0.0.1:{closed_port()}")
    geocoder = OnlineGeocoder(settings, clock=clock, sleep=clock.sleep)

    with pytest.raises(GeocoderConfigError, match=r"'photon' cannot limit a search to countries"):
        geocoder.lookup("Kharkiv", country_codes=["ua"])


def test_public_nominatim_keeps_the_usage_policy():
    with pytest.raises(GeocoderConfigError, match="usage policy"):
        GeocoderSettings(enabled=True, min_delay_seconds=0.5)
    assert GeocoderSettings(domain="127.0.0.1:1", min_delay_seconds=0.0).min_delay_seconds == 0.0
