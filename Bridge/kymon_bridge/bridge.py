"""kymon bridge: HTTP routes and a send_sync tap for ComfyUI.

Importing this module (ComfyUI does it at start-up, through __init__.py):

* registers ``POST /kymon/emit``, ``GET /kymon/state`` and ``GET /kymon/health``;
* wraps ``PromptServer.instance.send_sync`` so execution events addressed to
  the submitting client are also sent to every ``kymon-*`` socket, and a small
  per-prompt snapshot is kept for ``/kymon/state``.
"""

import hmac
import ipaddress
import json
import logging
import os
import re
import threading
from collections import OrderedDict

from aiohttp import web
from server import PromptServer

NODE_CLASS_MAPPINGS = {}
NODE_DISPLAY_NAME_MAPPINGS = {}

BRIDGE = "kymon_bridge"
VERSION = "1"
TOKEN_ENV = "KYMON_BRIDGE_TOKEN"
MAX_BODY = 1024 * 1024  # 1 MiB
MAX_PROMPTS = 8
MONITOR_PREFIX = "kymon-"
EVENT_NAME = re.compile(r"ky[a-z0-9_.-]{0,62}")
MIRRORED = frozenset({
    "execution_start", "execution_cached", "executing", "executed", "progress",
    "progress_state", "execution_success", "execution_error", "execution_interrupted",
})
TERMINAL = frozenset({"execution_success", "execution_error", "execution_interrupted"})
# Keys kept from each progress_state node entry (nothing else leaves the bridge).
NODE_KEYS = ("value", "max", "state", "node_id", "display_node_id", "parent_node_id", "real_node_id")

log = logging.getLogger(BRIDGE)

_srv = PromptServer.instance
_token = os.environ.get(TOKEN_ENV) or None
_lock = threading.Lock()
_prompts = OrderedDict()  # prompt_id -> state entry, oldest first
_original_send_sync = None


# --------------------------------------------------------------------------- auth

def _error(status, message, headers=None):
    return web.json_response({"error": message}, status=status, headers=headers)


def _unauthorized(request):
    """Return a 401 response if a token is configured and the request lacks it, else None.

    The token is accepted as `Authorization: Bearer <token>` or as `X-Kymon-Token: <token>`, the
    latter for ComfyUI behind a proxy that keeps `Authorization` for itself.
    """
    if _token is None:
        return None
    expected = _token.encode("utf-8", "surrogatepass")
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    given = value.strip().encode("utf-8", "surrogatepass")
    alternative = request.headers.get("X-Kymon-Token", "").strip().encode("utf-8", "surrogatepass")
    # Always run both constant-time compares, whatever the scheme or header present.
    bearer_matches = hmac.compare_digest(given, expected)
    header_matches = hmac.compare_digest(alternative, expected)
    if (bearer_matches and scheme.lower() == "bearer") or header_matches:
        return None
    return _error(401, "missing or invalid bearer token", {"WWW-Authenticate": "Bearer"})


# --------------------------------------------------------------------------- routes

async def _read_body(request):
    """Read at most MAX_BODY bytes; return None if the body is larger."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        return None
    chunks, total = [], 0
    while total <= MAX_BODY:
        chunk = await request.content.read(MAX_BODY + 1 - total)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return None if total > MAX_BODY else b"".join(chunks)


async def handle_emit(request):
    """POST /kymon/emit {"event": "ky...", "data": {...}}: broadcast one event to every socket."""
    denied = _unauthorized(request)
    if denied is not None:
        return denied
    body = await _read_body(request)
    if body is None:
        return _error(413, f"body larger than {MAX_BODY} bytes")
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return _error(400, "body is not valid JSON")
    if not isinstance(payload, dict):
        return _error(400, "body must be a JSON object")
    event = payload.get("event")
    if not isinstance(event, str) or not EVENT_NAME.fullmatch(event):
        return _error(400, "event must be a string matching ^ky[a-z0-9_.-]{0,62}$")
    data = payload.get("data")
    if not isinstance(data, dict):
        return _error(400, "data must be a JSON object")
    _srv.send_sync(event, data, None)
    return web.json_response({"ok": True})


async def handle_state(request):
    """GET /kymon/state: snapshot of the running prompt(s)."""
    denied = _unauthorized(request)
    if denied is not None:
        return denied
    return web.json_response({"bridge": BRIDGE, "version": VERSION, "running": snapshot()})


async def handle_health(request):
    """GET /kymon/health: lets clients detect the bridge."""
    denied = _unauthorized(request)
    if denied is not None:
        return denied
    return web.json_response({"bridge": BRIDGE, "version": VERSION, "mirror": True})


# --------------------------------------------------------------------------- state

def _running_items():
    """Queue items the worker is running now, or None if that cannot be read."""
    try:
        running = _srv.prompt_queue.currently_running
        items = list(running.values()) if isinstance(running, dict) else None
    except Exception:
        return None
    if items is None:
        return None
    if not all(isinstance(i, (list, tuple)) and len(i) > 2 and isinstance(i[1], str) for i in items):
        return None
    return items


def _class_type(prompt_id, node_ids):
    """class_type of the first of node_ids found in the running prompt's graph, or None."""
    for item in _running_items() or ():
        if item[1] == prompt_id and isinstance(item[2], dict):
            for node_id in node_ids:
                node = item[2].get(node_id)
                if isinstance(node, dict) and isinstance(node.get("class_type"), str):
                    return node["class_type"]
    return None


def _entry(prompt_id):
    """The state entry for prompt_id, created if needed (call with _lock held)."""
    entry = _prompts.get(prompt_id)
    if entry is None:
        while len(_prompts) >= MAX_PROMPTS:
            _prompts.popitem(last=False)
        entry = _prompts[prompt_id] = {
            "prompt_id": prompt_id, "started_at": None, "current_node": None,
            "nodes": {}, "cached": [], "progress": None,
        }
    return entry


def _record(event, data):
    """Fold one execution event into the per-prompt state."""
    prompt_id = data.get("prompt_id")
    if not isinstance(prompt_id, str) or event == "executed":
        return
    if event in TERMINAL or (event == "executing" and data.get("node") is None):
        # An execution_error without timestamp is a blocked node: the prompt goes on.
        if event == "execution_error" and "timestamp" not in data:
            return
        with _lock:
            _prompts.pop(prompt_id, None)
        return
    current = None
    if event == "executing":
        node, display = data.get("node"), data.get("display_node")
        current = {"id": node}
        if display is not None:
            current["display_node"] = display
        ctype = _class_type(prompt_id, [n for n in (display, node) if isinstance(n, str)])
        if ctype is not None:
            current["type"] = ctype
    with _lock:
        entry = _entry(prompt_id)
        if event == "execution_start":
            entry["started_at"] = data.get("timestamp")
        elif event == "execution_cached":
            entry["cached"] = list(data.get("nodes") or ())
        elif event == "executing":
            entry["current_node"] = current
        elif event == "progress":
            entry["progress"] = {k: data.get(k) for k in ("value", "max", "node")}
        elif event == "progress_state" and isinstance(data.get("nodes"), dict):
            entry["nodes"] = dict(data["nodes"])


def _public(entry):
    """A JSON-safe copy of one state entry, progress_state nodes limited to NODE_KEYS."""
    nodes = {
        str(node_id): {k: info[k] for k in NODE_KEYS if k in info}
        for node_id, info in entry["nodes"].items() if isinstance(info, dict)
    }
    current, progress = entry["current_node"], entry["progress"]
    return {
        "prompt_id": entry["prompt_id"],
        "started_at": entry["started_at"],
        "current_node": dict(current) if current else None,
        "nodes": nodes,
        "cached": list(entry["cached"]),
        "progress": dict(progress) if progress else None,
    }


def snapshot():
    """State of the prompts still running, oldest first (normally 0 or 1 items)."""
    items = _running_items()
    live = None if items is None else {item[1] for item in items}
    with _lock:
        if live is not None:  # drop prompts whose end event we never saw
            for prompt_id in [p for p in _prompts if p not in live]:
                del _prompts[prompt_id]
        return [_public(entry) for entry in _prompts.values()]


# --------------------------------------------------------------------------- send_sync tap

def _mirror(event, data, sid):
    """Send a targeted event to every kymon-* socket other than its target."""
    for other in list(_srv.sockets.keys()):
        if isinstance(other, str) and other.startswith(MONITOR_PREFIX) and other != sid:
            _original_send_sync(event, data, other)


def _send_sync_tap(event, data, *args, **kwargs):
    """Replacement for PromptServer.instance.send_sync; runs on the worker thread."""
    _original_send_sync(event, data, *args, **kwargs)  # unchanged delivery, errors propagate
    if not (isinstance(event, str) and isinstance(data, dict) and event in MIRRORED):
        return  # binary frames (int event), status, custom events
    try:
        _record(event, data)
    except Exception:
        log.debug("kymon_bridge: state update failed for %s", event, exc_info=True)
    try:
        sid = args[0] if args else kwargs.get("sid")
        if sid is not None:  # None was a broadcast: every socket already has it
            _mirror(event, data, sid)
    except Exception:
        log.debug("kymon_bridge: mirroring failed for %s", event, exc_info=True)


# --------------------------------------------------------------------------- start-up

def _is_loopback(host):
    host = host.strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _warn_if_exposed():
    """Warn when ComfyUI listens beyond loopback and no token protects the routes."""
    if _token is not None:
        return
    try:
        from comfy.cli_args import args
        listen = args.listen
    except Exception:
        return
    if not isinstance(listen, str):
        return
    exposed = [h.strip() for h in listen.split(",") if h.strip() and not _is_loopback(h)]
    if exposed:
        log.warning(
            "kymon_bridge: ComfyUI listens on %s and %s is not set; anyone who can reach "
            "the server can read /kymon/state and send events with /kymon/emit",
            ",".join(exposed), TOKEN_ENV,
        )


def _install():
    global _original_send_sync
    if getattr(_srv, "_kymon_bridge_installed", False):
        log.warning("kymon_bridge: already installed in this server; not installing twice")
        return
    _srv._kymon_bridge_installed = True
    _srv.routes.post("/kymon/emit")(handle_emit)
    _srv.routes.get("/kymon/state")(handle_state)
    _srv.routes.get("/kymon/health")(handle_health)
    _original_send_sync = _srv.send_sync
    _srv.send_sync = _send_sync_tap
    _warn_if_exposed()


_install()
