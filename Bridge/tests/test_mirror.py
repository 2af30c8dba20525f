"""The send_sync tap: original delivery unchanged, execution events mirrored to kymon-* sockets."""

import logging
import struct

import pytest

from conftest import BROWSER_SID, FakePromptServer, frames

MIRRORED = {"execution_start", "execution_cached", "executing", "executed", "progress",
            "progress_state", "execution_success", "execution_error", "execution_interrupted"}
MONITORS = ["kymon-a1", "kymon-b2"]


def sockets():
    # Dict order puts monitors between other sockets on purpose.
    return {BROWSER_SID: object(), "kymon-a1": object(), "other-tab": object(),
            "kymon-b2": object(), "kymonx": object(), "Kymon-upper": object()}


def binary_call(rec):
    """Rebuild the send_sync arguments ComfyUI uses for a captured binary frame."""
    kind = rec["event_type_u32be"]
    if kind == 3:  # TEXT: u32 node-id length, node id, text
        node = rec["text_node_id"].encode()
        return 3, struct.pack(">I", len(node)) + node + rec["text"].encode()
    # PREVIEW_IMAGE_WITH_METADATA: ComfyUI passes (image, metadata) before encoding
    return kind, ("<image>", {"node_id": "2", "image_type": "image/jpeg"})


def test_send_sync_is_wrapped_and_original_kept(load_bridge):
    b = load_bridge()
    assert b.srv.send_sync is b.bridge._send_sync_tap
    assert b.bridge._original_send_sync.__func__ is FakePromptServer.send_sync
    assert b.bridge._original_send_sync.__self__ is b.srv


def test_captured_prompt_is_mirrored_to_monitors_only(load_bridge):
    """Replay the real s02 stream as ComfyUI sent it to the browser tab."""
    b = load_bridge()
    b.srv.sockets = sockets()
    seen_types = set()
    for _, event, data in frames("s02-first-prompt-ws-submitter.jsonl"):
        if isinstance(event, int):
            event, data = binary_call(data)
        target = None if event == "status" else BROWSER_SID  # status is a broadcast
        b.srv.sent.clear()
        b.srv.send_sync(event, data, target)

        # Original delivery first, exactly as called (same data object).
        assert b.srv.sent[0] == (event, data, target)
        assert b.srv.sent[0][1] is data
        mirrored = b.srv.sent[1:]
        if event in MIRRORED:
            seen_types.add(event)
            assert mirrored == [(event, data, sid) for sid in MONITORS]
            assert all(m[1] is data for m in mirrored)
        else:
            assert mirrored == [], event
    # The capture exercised every mirrored kind it contains (not a vacuous loop).
    assert seen_types == MIRRORED - {"execution_error", "execution_interrupted"}


def test_interrupt_capture_is_mirrored(load_bridge):
    b = load_bridge()
    b.srv.sockets = sockets()
    interrupted = [d for _, e, d in frames("s04-interrupt-ws-submitter.jsonl") if e == "execution_interrupted"]
    assert len(interrupted) == 1
    b.srv.send_sync("execution_interrupted", interrupted[0], BROWSER_SID)
    assert b.srv.sent == [("execution_interrupted", interrupted[0], s) for s in [BROWSER_SID] + MONITORS]


@pytest.mark.parametrize("event", sorted(MIRRORED))
def test_each_listed_event_is_mirrored(load_bridge, event):
    b = load_bridge()
    b.srv.sockets = sockets()
    data = {"prompt_id": "p", "node": "1", "timestamp": 1}
    b.srv.send_sync(event, data, BROWSER_SID)
    assert b.srv.sent == [(event, data, BROWSER_SID)] + [(event, data, s) for s in MONITORS]


@pytest.mark.parametrize("event", ["status", "feature_flags", "logs", "crystools.monitor", "kymon.note",
                                   "Executing", "executing "])
def test_unlisted_events_are_not_mirrored(load_bridge, event):
    b = load_bridge()
    b.srv.sockets = sockets()
    data = {"status": {"exec_info": {"queue_remaining": 1}}}
    b.srv.send_sync(event, data, BROWSER_SID)
    assert b.srv.sent == [(event, data, BROWSER_SID)]


def test_binary_events_are_skipped(load_bridge):
    b = load_bridge()
    b.srv.sockets = sockets()
    binaries = [rec for _, e, rec in frames("s02-first-prompt-ws-submitter.jsonl") if isinstance(e, int)]
    assert {r["event_type_u32be"] for r in binaries} == {3, 4}
    for rec in binaries:
        event, data = binary_call(rec)
        b.srv.sent.clear()
        b.srv.send_sync(event, data, BROWSER_SID)
        assert b.srv.sent == [(event, data, BROWSER_SID)]
    # An int event with a dict payload is still binary: skipped.
    b.srv.sent.clear()
    b.srv.send_sync(1, {"prompt_id": "p"}, BROWSER_SID)
    assert b.srv.sent == [(1, {"prompt_id": "p"}, BROWSER_SID)]


def test_non_dict_data_is_not_mirrored(load_bridge):
    b = load_bridge()
    b.srv.sockets = sockets()
    b.srv.send_sync("executing", "not-a-dict", BROWSER_SID)
    assert b.srv.sent == [("executing", "not-a-dict", BROWSER_SID)]


def test_broadcast_is_not_duplicated(load_bridge):
    """sid None already reached every socket (a script prompt's progress, for example)."""
    b = load_bridge()
    b.srv.sockets = sockets()
    data = {"value": 1, "max": 4, "prompt_id": "p", "node": "2"}
    b.srv.send_sync("progress", data, None)
    b.srv.send_sync("progress", data)
    b.srv.send_sync("progress", data, sid=None)
    assert b.srv.sent == [("progress", data, None)] * 3


def test_event_targeted_at_a_monitor_is_not_sent_to_it_twice(load_bridge):
    b = load_bridge()
    b.srv.sockets = sockets()
    data = {"node": "1", "prompt_id": "p"}
    b.srv.send_sync("executing", data, "kymon-a1")
    assert b.srv.sent == [("executing", data, "kymon-a1"), ("executing", data, "kymon-b2")]


def test_keyword_sid_is_honoured(load_bridge):
    b = load_bridge()
    b.srv.sockets = sockets()
    data = {"node": "1", "prompt_id": "p"}
    b.srv.send_sync("executing", data, sid=BROWSER_SID)
    assert b.srv.sent == [("executing", data, BROWSER_SID)] + [("executing", data, s) for s in MONITORS]


def test_no_monitor_connected_means_no_extra_sends(load_bridge):
    b = load_bridge()
    b.srv.sockets = {BROWSER_SID: object(), "other": object()}
    b.srv.send_sync("executing", {"node": "1", "prompt_id": "p"}, BROWSER_SID)
    assert len(b.srv.sent) == 1


class ArgsRecordingServer(FakePromptServer):
    """Records the exact positional and keyword arguments of each original call."""

    def send_sync(self, *args, **kwargs):
        self.calls = getattr(self, "calls", [])
        self.calls.append((args, kwargs))
        self.sent.append((args[0], args[1], args[2] if len(args) > 2 else kwargs.get("sid")))


def test_original_gets_the_same_arguments(load_bridge):
    b = load_bridge(server_cls=ArgsRecordingServer)
    b.srv.sockets = {}
    data = {"node": "1", "prompt_id": "p"}
    b.srv.send_sync("executing", data)
    b.srv.send_sync("executing", data, "tab")
    b.srv.send_sync("executing", data, sid="tab")
    b.srv.send_sync(3, b"bytes", None)
    assert b.srv.calls == [
        (("executing", data), {}),
        (("executing", data, "tab"), {}),
        (("executing", data), {"sid": "tab"}),
        ((3, b"bytes", None), {}),
    ]


def test_sockets_changing_during_mirroring_is_safe(load_bridge):
    """Sockets come and go on the event loop while the worker thread mirrors."""
    b = load_bridge()
    b.srv.sockets = {BROWSER_SID: 1, "kymon-a1": 1, "kymon-b2": 1, "kymon-c3": 1}
    original = FakePromptServer.send_sync

    def mutating(event, data, sid=None):
        original(b.srv, event, data, sid)
        if sid == "kymon-a1":
            b.srv.sockets["kymon-new"] = 1  # a live dict iteration would raise here

    b.bridge._original_send_sync = mutating
    data = {"node": "1", "prompt_id": "p"}
    b.srv.send_sync("executing", data, BROWSER_SID)
    assert [s for _, _, s in b.srv.sent] == [BROWSER_SID, "kymon-a1", "kymon-b2", "kymon-c3"]


def test_tap_never_raises_from_its_own_work(load_bridge, caplog):
    caplog.set_level(logging.DEBUG, logger="kymon_bridge")
    b = load_bridge()

    class BrokenSockets:
        def keys(self):
            raise RuntimeError("boom")

    b.srv.sockets = BrokenSockets()
    b.srv.prompt_queue = None
    data = {"node": "1", "display_node": "1", "prompt_id": "p"}
    b.srv.send_sync("executing", data, BROWSER_SID)  # must not raise
    assert b.srv.sent == [("executing", data, BROWSER_SID)]
    assert "mirroring failed" in caplog.text
    assert all(r.levelno == logging.DEBUG for r in caplog.records)


def test_tap_survives_odd_payloads(load_bridge):
    b = load_bridge()
    b.srv.sockets = sockets()
    odd = [
        ("progress_state", {"prompt_id": "p", "nodes": "not-a-dict"}),
        ("execution_cached", {"prompt_id": "p", "nodes": None}),
        ("executing", {"prompt_id": ["not", "a", "str"], "node": "1"}),
        ("executing", {"node": "1"}),  # no prompt_id (reconnect copy)
        ("progress", {"prompt_id": "p"}),
    ]
    for event, data in odd:
        b.srv.sent.clear()
        b.srv.send_sync(event, data, BROWSER_SID)
        assert b.srv.sent == [(event, data, BROWSER_SID)] + [(event, data, s) for s in MONITORS]


def test_errors_of_the_original_propagate_and_nothing_is_mirrored(load_bridge):
    b = load_bridge()
    b.srv.sockets = sockets()
    mirrored = []

    def failing(event, data, sid=None):
        mirrored.append(sid)
        raise ValueError("original failed")

    b.bridge._original_send_sync = failing
    with pytest.raises(ValueError, match="original failed"):
        b.srv.send_sync("executing", {"node": "1", "prompt_id": "p"}, BROWSER_SID)
    assert mirrored == [BROWSER_SID]
