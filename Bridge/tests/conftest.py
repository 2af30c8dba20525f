"""Test helpers: a stand-in for ComfyUI's `server.PromptServer`, a fresh bridge per test,
an aiohttp test client, and the captured WebSocket frames in tests/data/."""

import contextlib
import importlib
import json
import sys
import types
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

BRIDGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(__file__).resolve().parent / "data"

# The submitter ("browser tab") client id in the captures.
BROWSER_SID = "360a68258aca49029fe018171326d072"


class FakePromptQueue:
    """Only what the bridge reads: {item_id: [number, prompt_id, graph, extra, outputs]}."""

    def __init__(self):
        self.currently_running = {}


class FakePromptServer:
    """Minimal PromptServer: routes, sockets, prompt_queue and a recording send_sync."""

    instance = None

    def __init__(self):
        self.routes = web.RouteTableDef()
        self.sockets = {}
        self.prompt_queue = FakePromptQueue()
        self.sent = []  # (event, data, sid) per call of the original send_sync

    def send_sync(self, event, data, sid=None):
        self.sent.append((event, data, sid))


@pytest.fixture
def load_bridge(monkeypatch):
    """Import kymon_bridge afresh against a new fake server.

    token: value of KYMON_BRIDGE_TOKEN (None = unset).
    listen: value of comfy.cli_args.args.listen (None = comfy.cli_args not importable).
    Returns a namespace with pkg, bridge (the kymon_bridge.bridge module) and srv.
    """

    def load(token=None, listen=None, server_cls=FakePromptServer):
        srv = server_cls()
        server_mod = types.ModuleType("server")
        server_mod.PromptServer = type("PromptServer", (), {"instance": srv})
        monkeypatch.setitem(sys.modules, "server", server_mod)

        if listen is None:
            # A None entry makes `import comfy.cli_args` raise ImportError.
            monkeypatch.setitem(sys.modules, "comfy", None)
            monkeypatch.setitem(sys.modules, "comfy.cli_args", None)
        else:
            comfy_mod = types.ModuleType("comfy")
            cli_mod = types.ModuleType("comfy.cli_args")
            cli_mod.args = types.SimpleNamespace(listen=listen)
            comfy_mod.cli_args = cli_mod
            monkeypatch.setitem(sys.modules, "comfy", comfy_mod)
            monkeypatch.setitem(sys.modules, "comfy.cli_args", cli_mod)

        if token is None:
            monkeypatch.delenv("KYMON_BRIDGE_TOKEN", raising=False)
        else:
            monkeypatch.setenv("KYMON_BRIDGE_TOKEN", token)

        for name in list(sys.modules):
            if name == "kymon_bridge" or name.startswith("kymon_bridge."):
                monkeypatch.delitem(sys.modules, name)
        monkeypatch.syspath_prepend(str(BRIDGE_DIR))
        pkg = importlib.import_module("kymon_bridge")
        bridge = sys.modules["kymon_bridge.bridge"]
        assert bridge._srv is srv, "bridge was not imported fresh"
        return types.SimpleNamespace(pkg=pkg, bridge=bridge, srv=srv)

    return load


@contextlib.asynccontextmanager
async def client_for(srv):
    """An aiohttp test client for an app holding the routes the bridge registered."""
    app = web.Application()
    app.add_routes(srv.routes)
    async with TestClient(TestServer(app)) as client:
        yield client


def frames(name):
    """Captured frames from tests/data/<name>: list of (seq, event, data).

    Text frames give (type, parsed data). Binary frames give (event_type_u32be, the raw
    line dict) so tests can rebuild a binary send_sync call.
    """
    out = []
    for line in (DATA_DIR / name).read_text().splitlines():
        rec = json.loads(line)
        if rec["kind"] == "text":
            msg = json.loads(rec["raw"])
            out.append((rec["seq"], msg["type"], msg["data"]))
        elif rec["kind"] == "binary":
            out.append((rec["seq"], rec["event_type_u32be"], rec))
    return out


def queue_item(name):
    """The single running queue item of a captured GET /queue response."""
    (item,) = json.loads((DATA_DIR / name).read_text())["queue_running"]
    return item
