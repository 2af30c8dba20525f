"""Loading the package the way ComfyUI does, and the non-loopback warning."""

import importlib.util
import logging
import sys

import pytest

from conftest import BRIDGE_DIR

WARNING_TEXT = "KYMON_BRIDGE_TOKEN is not set"


def test_exports_empty_node_mappings(load_bridge):
    b = load_bridge()
    assert b.pkg.NODE_CLASS_MAPPINGS == {}
    assert b.pkg.NODE_DISPLAY_NAME_MAPPINGS == {}


def test_loads_like_comfyui_custom_node_loader(load_bridge, monkeypatch):
    """ComfyUI imports custom_nodes/<dir>/__init__.py by file path under its own module name."""
    b = load_bridge()  # provides the fake `server` module; its routes get registered once
    srv = type(b.srv)()
    sys.modules["server"].PromptServer.instance = srv
    init = BRIDGE_DIR / "kymon_bridge" / "__init__.py"
    spec = importlib.util.spec_from_file_location("custom_nodes.kymon_bridge_copy", init)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    assert module.NODE_CLASS_MAPPINGS == {}
    assert srv.send_sync is sys.modules["custom_nodes.kymon_bridge_copy.bridge"]._send_sync_tap
    assert len(list(srv.routes)) == 3
    monkeypatch.delitem(sys.modules, "custom_nodes.kymon_bridge_copy.bridge")


def test_second_load_into_the_same_server_does_not_install_twice(load_bridge, monkeypatch, caplog):
    b = load_bridge()
    first_tap = b.srv.send_sync
    monkeypatch.delitem(sys.modules, "kymon_bridge")
    monkeypatch.delitem(sys.modules, "kymon_bridge.bridge")
    importlib.import_module("kymon_bridge")
    assert b.srv.send_sync is first_tap
    assert len(list(b.srv.routes)) == 3
    assert "already installed" in caplog.text
    b.srv.sockets = {"kymon-a": 1}
    b.srv.send_sync("executing", {"node": "1", "prompt_id": "p"}, "tab")
    assert [s for _, _, s in b.srv.sent] == ["tab", "kymon-a"]


def warnings_of(caplog):
    return [r for r in caplog.records if r.name == "kymon_bridge" and r.levelno == logging.WARNING]


@pytest.mark.parametrize("listen", ["0.0.0.0", "0.0.0.0,::", "192.168.1.20", "::", "myhost.lan",
                                    "127.0.0.1,0.0.0.0"])
def test_warns_when_listening_beyond_loopback_without_token(load_bridge, caplog, listen):
    caplog.set_level(logging.WARNING)
    load_bridge(listen=listen)
    (record,) = warnings_of(caplog)
    assert WARNING_TEXT in record.getMessage()
    assert "0.0.0.0" in record.getMessage() or listen in record.getMessage()


@pytest.mark.parametrize("listen", ["127.0.0.1", "localhost", "::1", "127.0.0.1,::1", "[::1]", "127.0.0.5"])
def test_no_warning_on_loopback(load_bridge, caplog, listen):
    caplog.set_level(logging.DEBUG)
    load_bridge(listen=listen)
    assert warnings_of(caplog) == []


def test_no_warning_when_a_token_is_set(load_bridge, caplog):
    caplog.set_level(logging.DEBUG)
    load_bridge(token="tok", listen="0.0.0.0")
    assert warnings_of(caplog) == []


def test_no_warning_and_no_crash_without_comfy_cli_args(load_bridge, caplog):
    caplog.set_level(logging.DEBUG)
    b = load_bridge(listen=None)
    assert warnings_of(caplog) == []
    assert b.srv.send_sync is b.bridge._send_sync_tap
