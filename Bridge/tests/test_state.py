"""GET /kymon/state: the running prompt's snapshot, its pruning and its bounds."""

import asyncio
import json

from conftest import BROWSER_SID, client_for, frames, queue_item

S02 = "d07fc154-16d2-401f-b3a0-9fe99733f155"
S04 = "cdc1eff0-9cd3-4eb3-9c95-065ed3a51c8b"
S05 = "07bb29f0-0176-4812-813d-60fe1994c65a"


def get_state(srv, headers=None):
    async def go():
        async with client_for(srv) as client:
            resp = await client.get("/kymon/state", headers=headers or {})
            return resp.status, await resp.text()

    status, text = asyncio.run(go())
    assert status == 200
    body = json.loads(text)
    assert body["bridge"] == "kymon_bridge" and body["version"] == "1"
    return body["running"], text


def replay(srv, name, until=None, skip=()):
    """Send the captured text frames through send_sync as ComfyUI did (to the submitter)."""
    count = 0
    for seq, event, data in frames(name):
        if until is not None and seq > until:
            break
        if isinstance(event, int) or seq in skip:
            continue
        srv.send_sync(event, data, None if event == "status" else BROWSER_SID)
        count += 1
    assert count > 0
    return count


def start_prompt(b, queue_file):
    item = queue_item(queue_file)
    b.srv.prompt_queue.currently_running = {0: item}
    return item


def test_state_is_empty_when_idle(load_bridge):
    b = load_bridge()
    assert get_state(b.srv)[0] == []


def test_state_during_a_prompt(load_bridge):
    b = load_bridge()
    start_prompt(b, "s02-queue-running.json")
    replay(b.srv, "s02-first-prompt-ws-submitter.jsonl", until=29)  # progress 4/10 on node 2
    running, text = get_state(b.srv)
    assert running == [{
        "prompt_id": S02,
        "started_at": 1795973158492,
        "current_node": {"id": "2", "display_node": "2", "type": "KymonSlowNode"},
        "nodes": {
            "1": {"value": 1.0, "max": 1.0, "state": "finished", "node_id": "1",
                  "display_node_id": "1", "parent_node_id": None, "real_node_id": "1"},
            "2": {"value": 4, "max": 10, "state": "running", "node_id": "2",
                  "display_node_id": "2", "parent_node_id": None, "real_node_id": "2"},
        },
        "cached": [],
        "progress": {"value": 4, "max": 10, "node": "2"},
    }]


def test_state_never_reveals_graph_inputs_or_extra_data(load_bridge):
    b = load_bridge()
    item = start_prompt(b, "s02-queue-running.json")
    replay(b.srv, "s02-first-prompt-ws-submitter.jsonl", until=57)  # node 3 executed with output
    running, text = get_state(b.srv)
    assert running and running[0]["current_node"]["type"] == "PreviewImage"
    raw_item = json.dumps(item)
    for secret in ["extra_pnginfo", "create_time", "client_id", "step_seconds", "send_preview",
                   "0797852d-6b6a-484c-a18c-3884bc412397", BROWSER_SID]:
        assert secret in raw_item  # it really was in the graph/extra_data the bridge looked at
        assert secret not in text, secret
    assert "ComfyUI_temp_pojfh" not in text  # the executed node's UI output
    assert "inputs" not in text and "workflow" not in text and "output" not in text


def test_progress_state_entries_are_limited_to_known_keys(load_bridge):
    b = load_bridge()
    b.srv.prompt_queue.currently_running = {0: [0, "p", {}, {"secret": 1}, []]}
    b.srv.send_sync("progress_state", {"prompt_id": "p", "nodes": {
        "7": {"value": 1, "max": 2, "state": "running", "node_id": "7", "prompt_id": "p",
              "secret_field": "x", "display_node_id": "7"},
        "8": "garbage"}}, BROWSER_SID)
    running, _ = get_state(b.srv)
    assert running[0]["nodes"] == {"7": {"value": 1, "max": 2, "state": "running", "node_id": "7",
                                         "display_node_id": "7"}}


def test_state_is_pruned_on_execution_success_and_not_recreated(load_bridge):
    b = load_bridge()
    start_prompt(b, "s02-queue-running.json")  # stays "running" so only the events can prune
    replay(b.srv, "s02-first-prompt-ws-submitter.jsonl", until=58)
    assert [r["prompt_id"] for r in get_state(b.srv)[0]] == [S02]
    replay(b.srv, "s02-first-prompt-ws-submitter.jsonl", until=59)  # + execution_success
    assert get_state(b.srv)[0] == []
    replay(b.srv, "s02-first-prompt-ws-submitter.jsonl")  # to the final executing null
    assert get_state(b.srv)[0] == []
    assert b.bridge._prompts == {}


def test_state_is_pruned_on_executing_null(load_bridge):
    b = load_bridge()
    start_prompt(b, "s02-queue-running.json")
    replay(b.srv, "s02-first-prompt-ws-submitter.jsonl", skip={59})  # no execution_success
    assert get_state(b.srv)[0] == []


def test_executing_null_for_another_prompt_keeps_this_one(load_bridge):
    b = load_bridge()
    start_prompt(b, "s02-queue-running.json")
    replay(b.srv, "s02-first-prompt-ws-submitter.jsonl", until=29)
    b.srv.send_sync("executing", {"node": None, "prompt_id": "other"}, BROWSER_SID)
    b.srv.send_sync("execution_success", {"prompt_id": "other", "timestamp": 1}, BROWSER_SID)
    assert [r["prompt_id"] for r in get_state(b.srv)[0]] == [S02]


def test_state_is_pruned_on_execution_interrupted(load_bridge):
    b = load_bridge()
    start_prompt(b, "s04-queue-running.json")
    replay(b.srv, "s04-interrupt-ws-submitter.jsonl", until=17)
    running, _ = get_state(b.srv)
    assert running[0]["prompt_id"] == S04
    assert running[0]["progress"] == {"value": 3, "max": 10, "node": "2"}
    assert running[0]["current_node"]["type"] == "KymonSlowNode"
    replay(b.srv, "s04-interrupt-ws-submitter.jsonl", until=18)
    assert get_state(b.srv)[0] == []


def test_state_is_pruned_on_execution_error_but_not_on_a_blocked_node(load_bridge):
    b = load_bridge()
    start_prompt(b, "s04-queue-running.json")
    replay(b.srv, "s04-interrupt-ws-submitter.jsonl", until=13)
    blocked = {"prompt_id": S04, "node_id": "2", "node_type": "KymonSlowNode", "executed": [],
               "exception_message": "blocked", "exception_type": "ExecutionBlocked",
               "traceback": [], "current_inputs": [], "current_outputs": []}
    b.srv.send_sync("execution_error", blocked, BROWSER_SID)
    assert [r["prompt_id"] for r in get_state(b.srv)[0]] == [S04]
    b.srv.send_sync("execution_error", dict(blocked, exception_type="ValueError",
                                            timestamp=1795973171000), BROWSER_SID)
    assert get_state(b.srv)[0] == []


def test_cached_nodes_from_a_partial_rerun(load_bridge):
    b = load_bridge()
    graph = {"1": {"class_type": "EmptyImage", "inputs": {}}, "2": {"class_type": "ImageInvert", "inputs": {}},
             "3": {"class_type": "ImageScale", "inputs": {}}, "4": {"class_type": "SaveImage", "inputs": {}},
             "5": {"class_type": "PreviewImage", "inputs": {}}}
    b.srv.prompt_queue.currently_running = {7: (12, S05, graph, {}, ["4", "5"], {})}
    captured = frames("s05-partial-cache-ws-submitter.jsonl")
    last_executing_4 = next(seq for seq, e, d in captured if e == "executing" and d["node"] == "4")
    replay(b.srv, "s05-partial-cache-ws-submitter.jsonl", until=last_executing_4)
    (state,) = get_state(b.srv)[0]
    assert state["cached"] == ["1", "2", "5"]
    assert state["started_at"] == 1795973173881
    assert state["current_node"] == {"id": "4", "display_node": "4", "type": "SaveImage"}
    assert state["progress"] is None
    replay(b.srv, "s05-partial-cache-ws-submitter.jsonl")
    assert get_state(b.srv)[0] == []


def test_type_is_omitted_when_the_queue_cannot_be_read(load_bridge):
    b = load_bridge()
    del b.srv.prompt_queue
    replay(b.srv, "s02-first-prompt-ws-submitter.jsonl", until=29)
    (state,) = get_state(b.srv)[0]
    assert state["current_node"] == {"id": "2", "display_node": "2"}


def test_type_uses_display_node_for_expanded_nodes(load_bridge):
    b = load_bridge()
    b.srv.prompt_queue.currently_running = {0: [0, "p", {"9": {"class_type": "KSampler"}}, {}, []]}
    b.srv.send_sync("executing", {"node": "9.0.1", "display_node": "9", "prompt_id": "p"}, BROWSER_SID)
    (state,) = get_state(b.srv)[0]
    assert state["current_node"] == {"id": "9.0.1", "display_node": "9", "type": "KSampler"}


def test_script_prompt_without_end_event_is_dropped_once_no_longer_running(load_bridge):
    """No-client prompts broadcast progress_state but never success; the queue tells us it ended."""
    b = load_bridge()
    b.srv.prompt_queue.currently_running = {0: [0, "script", {}, {}, []]}
    b.srv.send_sync("progress_state", {"prompt_id": "script", "nodes": {}}, None)
    assert [r["prompt_id"] for r in get_state(b.srv)[0]] == ["script"]
    b.srv.prompt_queue.currently_running = {}
    assert get_state(b.srv)[0] == []


def test_state_is_bounded(load_bridge):
    b = load_bridge()
    b.srv.prompt_queue.currently_running = None  # unreadable: no reconciliation, only the bound
    for i in range(20):
        b.srv.send_sync("progress", {"value": i, "max": 20, "prompt_id": f"p{i}", "node": "1"}, None)
    running = b.bridge.snapshot()
    assert [r["prompt_id"] for r in running] == [f"p{i}" for i in range(12, 20)]
    assert len(b.bridge._prompts) == 8


def test_state_route_requires_token_when_set(load_bridge):
    b = load_bridge(token="tok")
    b.srv.prompt_queue.currently_running = {0: [0, "p", {}, {}, []]}
    b.srv.send_sync("execution_start", {"prompt_id": "p", "timestamp": 5}, BROWSER_SID)
    running, _ = get_state(b.srv, {"Authorization": "Bearer tok"})
    assert running[0]["started_at"] == 5


def test_snapshot_is_a_copy(load_bridge):
    b = load_bridge()
    start_prompt(b, "s02-queue-running.json")
    replay(b.srv, "s02-first-prompt-ws-submitter.jsonl", until=29)
    snap = b.bridge.snapshot()
    snap[0]["cached"].append("x")
    snap[0]["progress"]["value"] = 99
    snap[0]["nodes"]["2"]["value"] = 99
    snap[0]["current_node"]["id"] = "x"
    again = b.bridge.snapshot()[0]
    assert again["cached"] == [] and again["progress"]["value"] == 4
    assert again["nodes"]["2"]["value"] == 4 and again["current_node"]["id"] == "2"
