"""POST /kymon/emit, GET /kymon/health, and the bearer-token rule on every route."""

import asyncio
import hmac
import json
import logging

import pytest

from conftest import client_for

MiB = 1024 * 1024
TOKEN = "s3cret-token-Zq9"


def run(coro):
    return asyncio.run(coro)


async def post_emit(srv, body, headers=None):
    async with client_for(srv) as client:
        resp = await client.post("/kymon/emit", data=body, headers=headers or {})
        return resp.status, await resp.json(), resp.headers


def emit_body(event="kymon.test", data=None):
    return json.dumps({"event": event, "data": {"a": 1} if data is None else data})


# ------------------------------------------------------------------ emit: accepted

def test_emit_broadcasts_with_sid_none_and_exact_data(load_bridge):
    b = load_bridge()
    data = {"job": "x", "n": [1, 2.5, None], "nested": {"ok": True}}
    status, body, _ = run(post_emit(b.srv, json.dumps({"event": "kymon.note", "data": data})))
    assert (status, body) == (200, {"ok": True})
    assert b.srv.sent == [("kymon.note", data, None)]


@pytest.mark.parametrize("event", ["ky", "kymon.progress", "ky_a-b.c9", "ky" + "z" * 62])
def test_emit_accepts_valid_names(load_bridge, event):
    b = load_bridge()
    status, body, _ = run(post_emit(b.srv, emit_body(event)))
    assert (status, body) == (200, {"ok": True})
    assert b.srv.sent == [(event, {"a": 1}, None)]


def test_emit_is_not_mirrored_even_with_kymon_sockets(load_bridge):
    b = load_bridge()
    b.srv.sockets = {"kymon-a": object(), "tab": object()}
    status, _, _ = run(post_emit(b.srv, emit_body("kymon.x")))
    assert status == 200
    assert b.srv.sent == [("kymon.x", {"a": 1}, None)]


# ------------------------------------------------------------------ emit: refused

@pytest.mark.parametrize("event", [
    "executing", "status", "progress", "execution_success", "Kymon.x", "KYmon", "k", "",
    "ky" + "z" * 63, "kymon x", "kymon/x", "kymon\n", "xkymon", "kyé", 5, None, ["ky"],
])
def test_emit_refuses_bad_event_names(load_bridge, event):
    b = load_bridge()
    status, body, _ = run(post_emit(b.srv, json.dumps({"event": event, "data": {}})))
    assert status == 400
    assert "event" in body["error"]
    assert b.srv.sent == []


def test_emit_refuses_missing_event(load_bridge):
    b = load_bridge()
    status, body, _ = run(post_emit(b.srv, json.dumps({"data": {}})))
    assert status == 400 and "event" in body["error"]
    assert b.srv.sent == []


@pytest.mark.parametrize("data", [[1, 2], "text", 3, None, True])
def test_emit_refuses_non_object_data(load_bridge, data):
    b = load_bridge()
    status, body, _ = run(post_emit(b.srv, json.dumps({"event": "kymon.x", "data": data})))
    assert status == 400 and "data" in body["error"]
    assert b.srv.sent == []


def test_emit_refuses_missing_data(load_bridge):
    b = load_bridge()
    status, body, _ = run(post_emit(b.srv, json.dumps({"event": "kymon.x"})))
    assert status == 400 and "data" in body["error"]
    assert b.srv.sent == []


@pytest.mark.parametrize("raw", [b"", b"{", b"not json", b'{"event": "kymon.x", "data": {}', b"\xff\xfe{}",
                                 b"[" * 100000 + b"]" * 100000])
def test_emit_refuses_bad_json(load_bridge, raw):
    b = load_bridge()
    status, body, _ = run(post_emit(b.srv, raw))
    assert status == 400 and "JSON" in body["error"]
    assert b.srv.sent == []


@pytest.mark.parametrize("raw", [b'["kymon.x", {}]', b'"kymon.x"', b"42", b"null"])
def test_emit_refuses_non_object_body(load_bridge, raw):
    b = load_bridge()
    status, body, _ = run(post_emit(b.srv, raw))
    assert status == 400 and "object" in body["error"]
    assert b.srv.sent == []


def padded(size):
    """A valid emit body of exactly `size` bytes (JSON padded with trailing spaces)."""
    base = emit_body().encode()
    return base + b" " * (size - len(base))


def test_emit_accepts_exactly_one_mib(load_bridge):
    b = load_bridge()
    body = padded(MiB)
    assert len(body) == MiB
    status, resp, _ = run(post_emit(b.srv, body))
    assert (status, resp) == (200, {"ok": True})
    assert b.srv.sent == [("kymon.test", {"a": 1}, None)]


def test_emit_refuses_one_mib_plus_one_by_content_length(load_bridge):
    b = load_bridge()
    body = padded(MiB + 1)
    status, resp, _ = run(post_emit(b.srv, body))
    assert status == 413 and "larger" in resp["error"]
    assert b.srv.sent == []


def test_emit_refuses_one_mib_plus_one_while_reading_chunked(load_bridge):
    """No Content-Length (chunked upload): the limit is enforced on the bytes read."""
    b = load_bridge()
    body = padded(MiB + 1)
    seen = {}

    async def chunks():
        for i in range(0, len(body), 64 * 1024):
            yield body[i:i + 64 * 1024]

    async def go():
        async with client_for(b.srv) as client:
            resp = await client.post("/kymon/emit", data=chunks())
            seen["te"] = resp.request_info.headers.get("Transfer-Encoding")
            seen["cl"] = resp.request_info.headers.get("Content-Length")
            return resp.status, await resp.json()

    status, resp = run(go())
    assert seen == {"te": "chunked", "cl": None}  # the header check alone could not catch it
    assert status == 413 and "larger" in resp["error"]
    assert b.srv.sent == []


def test_emit_chunked_within_limit_is_accepted(load_bridge):
    """The read loop collects all chunks (read(n) may return fewer than n bytes)."""
    b = load_bridge()
    body = padded(MiB)

    async def chunks():
        for i in range(0, len(body), 1000):
            yield body[i:i + 1000]
            await asyncio.sleep(0)

    async def go():
        async with client_for(b.srv) as client:
            resp = await client.post("/kymon/emit", data=chunks())
            return resp.status, await resp.json()

    assert run(go()) == (200, {"ok": True})
    assert b.srv.sent == [("kymon.test", {"a": 1}, None)]


# ------------------------------------------------------------------ token

ROUTES = [("POST", "/kymon/emit"), ("GET", "/kymon/state"), ("GET", "/kymon/health")]


async def call(srv, method, path, headers):
    async with client_for(srv) as client:
        resp = await client.request(method, path, data=emit_body() if method == "POST" else None,
                                    headers=headers)
        return resp.status, await resp.text(), resp.headers


@pytest.mark.parametrize("method,path", ROUTES)
@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer wrong"},
    {"Authorization": "Bearer " + TOKEN + "x"},
    {"Authorization": "Bearer " + TOKEN[:-1]},
    {"Authorization": "Basic " + TOKEN},
    {"Authorization": TOKEN},
    {"Authorization": "Bearer"},
    {"X-Token": TOKEN},
    {"X-Kymon-Token": TOKEN + "x"},
    {"X-Kymon-Token": ""},
])
def test_token_missing_or_wrong_gives_401(load_bridge, method, path, headers):
    b = load_bridge(token=TOKEN)
    status, text, resp_headers = run(call(b.srv, method, path, headers))
    assert status == 401
    assert resp_headers["WWW-Authenticate"] == "Bearer"
    assert "token" in json.loads(text)["error"]
    assert TOKEN not in text
    assert b.srv.sent == []


@pytest.mark.parametrize("method,path", ROUTES)
@pytest.mark.parametrize("auth", ["Bearer " + TOKEN, "bearer " + TOKEN, "Bearer  " + TOKEN + " "])
def test_right_token_is_accepted(load_bridge, method, path, auth):
    b = load_bridge(token=TOKEN)
    status, text, _ = run(call(b.srv, method, path, {"Authorization": auth}))
    assert status == 200
    assert TOKEN not in text
    if method == "POST":
        assert b.srv.sent == [("kymon.test", {"a": 1}, None)]


@pytest.mark.parametrize("method,path", ROUTES)
def test_token_in_x_kymon_token_is_accepted(load_bridge, method, path):
    """For a ComfyUI behind a proxy that uses Authorization itself."""
    b = load_bridge(token=TOKEN)
    status, text, _ = run(call(b.srv, method, path, {"X-Kymon-Token": TOKEN, "Authorization": "Bearer proxy-credential"}))
    assert status == 200
    assert TOKEN not in text


@pytest.mark.parametrize("method,path", ROUTES)
def test_no_token_configured_means_open(load_bridge, method, path):
    b = load_bridge(token=None)
    status, _, _ = run(call(b.srv, method, path, {}))
    assert status == 200


def test_empty_token_env_means_no_token(load_bridge):
    b = load_bridge(token="")
    status, _, _ = run(call(b.srv, "GET", "/kymon/health", {}))
    assert status == 200


def test_token_checked_before_body_is_read(load_bridge):
    """An unauthenticated caller gets 401, not 413/400, whatever it sends."""
    b = load_bridge(token=TOKEN)

    async def go():
        async with client_for(b.srv) as client:
            resp = await client.post("/kymon/emit", data=b"x" * (MiB + 1))
            return resp.status

    assert run(go()) == 401


def test_token_uses_constant_time_compare_on_bytes(load_bridge, monkeypatch):
    b = load_bridge(token=TOKEN)
    calls = []
    real = hmac.compare_digest

    def spy(a, b_):
        calls.append((a, b_))
        return real(a, b_)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    assert run(call(b.srv, "GET", "/kymon/health", {"Authorization": "Bearer nope"}))[0] == 401
    assert run(call(b.srv, "GET", "/kymon/health", {"Authorization": "Bearer " + TOKEN}))[0] == 200
    # Both places a token may come in are compared every time, in constant time.
    assert calls == [(b"nope", TOKEN.encode()), (b"", TOKEN.encode()), (TOKEN.encode(), TOKEN.encode()), (b"", TOKEN.encode())]


def test_token_is_never_logged(load_bridge, caplog):
    caplog.set_level(logging.DEBUG)
    b = load_bridge(token=TOKEN, listen="0.0.0.0")
    run(call(b.srv, "GET", "/kymon/state", {"Authorization": "Bearer " + TOKEN}))
    run(call(b.srv, "POST", "/kymon/emit", {"Authorization": "Bearer wrong"}))
    run(call(b.srv, "POST", "/kymon/emit", {"Authorization": "Bearer " + TOKEN}))
    assert b.srv.sent == [("kymon.test", {"a": 1}, None)]
    assert TOKEN not in caplog.text


# ------------------------------------------------------------------ health

def test_health(load_bridge):
    b = load_bridge()

    async def go():
        async with client_for(b.srv) as client:
            resp = await client.get("/kymon/health")
            return resp.status, await resp.json()

    assert run(go()) == (200, {"bridge": "kymon_bridge", "version": "1", "mirror": True})


def test_only_the_three_routes_are_registered(load_bridge):
    b = load_bridge()
    assert sorted((r.method, r.path) for r in b.srv.routes) == [
        ("GET", "/kymon/health"), ("GET", "/kymon/state"), ("POST", "/kymon/emit")]


def test_emit_refuses_big_content_length_before_reading_the_body(load_bridge):
    """The Content-Length check answers at once, without waiting for the declared bytes."""
    b = load_bridge()
    never = asyncio.Event()

    async def stalled_body():
        yield b'{"event": "kymon.x", '
        await never.wait()  # the rest of the declared body never comes

    async def go():
        async with client_for(b.srv) as client:
            resp = await client.post("/kymon/emit", data=stalled_body(),
                                     headers={"Content-Length": str(MiB + 1)})
            return resp.status, await resp.json()

    status, resp = run(asyncio.wait_for(go(), timeout=10))
    assert status == 413 and "larger" in resp["error"]
    assert b.srv.sent == []


class FakeContent:
    """A request body stream whose read(n) returns at most `step` bytes, like a slow socket."""

    def __init__(self, body, step):
        self.body, self.step, self.requested = body, step, 0

    async def read(self, n=-1):
        assert n > 0, "the bridge must always bound its reads"
        self.requested += n
        chunk, self.body = self.body[:min(n, self.step)], self.body[min(n, self.step):]
        return chunk


class FakeRequest:
    def __init__(self, body, step, content_length=None):
        self.content = FakeContent(body, step)
        self.content_length = content_length


@pytest.mark.parametrize("step", [1000, 64 * 1024, MiB, 2 * MiB])
def test_read_body_enforces_the_limit_while_reading(load_bridge, step):
    b = load_bridge()
    read_body = b.bridge._read_body
    exact = padded(MiB)
    assert run(read_body(FakeRequest(exact, step))) == exact
    over = FakeRequest(padded(MiB + 1), step)
    assert run(read_body(over)) is None
    huge = FakeRequest(b" " * (5 * MiB), step)
    assert run(read_body(huge)) is None
    assert huge.content.body  # stopped early: most of the 5 MiB was never read
    assert run(read_body(FakeRequest(b"{}", step))) == b"{}"
    assert run(read_body(FakeRequest(b"", step))) == b""


def test_read_body_refuses_a_big_content_length_without_reading(load_bridge):
    b = load_bridge()
    req = FakeRequest(b"{}", 1000, content_length=MiB + 1)
    assert run(b.bridge._read_body(req)) is None
    assert req.content.requested == 0
