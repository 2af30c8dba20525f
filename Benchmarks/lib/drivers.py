"""What the fake server plays on its socket while kymon watches (started through /_bench/script).

- busy: a prompt finishes every `period` seconds, with the captured frame order of a browser
  prompt (status, execution_start, execution_cached, progress_state/executing/progress...,
  executed, execution_success, then the history entry, status, executing null).
- latency: `frames` paced progress_state/executing frames; each one's send time is logged.
- load: `frames` frames for prompts that start and finish, progress frames dominating.

Execution frames reach kymon only when the server has the bridge (State.broadcast).
"""
import asyncio
import json
import os
import re
import time

import datagen

TEMPLATE = "d07fc154-16d2-401f-b3a0-9fe99733f155"  # s02: EmptyImage -> KymonSlowNode -> PreviewImage
TIMESTAMP = re.compile(r'"timestamp": \d+')

NODE_STATE = ('{"value": %s, "max": %s, "state": "%s", "node_id": "%s", "prompt_id": "%s", "display_node_id": "%s", '
              '"parent_node_id": null, "real_node_id": "%s"}')


def node_state(prompt_id, node, value, maximum, state):
    return NODE_STATE % (value, maximum, state, node, prompt_id, node, node)


def progress_state(prompt_id, value, maximum):
    nodes = '"1": %s, "2": %s' % (node_state(prompt_id, "1", "1.0", "1.0", "finished"), node_state(prompt_id, "2", value, maximum, "running"))
    return '{"type": "progress_state", "data": {"prompt_id": "%s", "nodes": {%s}}}' % (prompt_id, nodes)


def executing(prompt_id, node):
    if node is None:
        return '{"type": "executing", "data": {"node": null, "prompt_id": "%s"}}' % prompt_id
    return '{"type": "executing", "data": {"node": "%s", "display_node": "%s", "prompt_id": "%s"}}' % (node, node, prompt_id)


def timed_event(kind, prompt_id, extra=""):
    return '{"type": "%s", "data": {%s"prompt_id": "%s", "timestamp": %d}}' % (kind, extra, prompt_id, now_ms())


def now_ms():
    return int(time.time() * 1000)


async def pace(t0, index, rate):
    """Waits for frame `index`'s turn; when behind, still yields now and then so HTTP is served."""
    delay = t0 + index / rate - time.monotonic()
    if delay > 0:
        await asyncio.sleep(delay)
    elif index % 32 == 0:
        await asyncio.sleep(0)


def captured_prompt_frames(repo):
    """(offset seconds, frame) of the captured s02 prompt, execution_start to executing null."""
    frames, first = [], None
    with open(os.path.join(repo, datagen.STREAMS, "s02-slow-progress", "ws-submitter.jsonl")) as f:
        for line in f:
            record = json.loads(line)
            if record.get("kind") != "text" or TEMPLATE not in record["raw"]:
                continue
            first = first if first is not None else record["recv_ts"]
            frames.append((record["recv_ts"] - first, record["raw"]))
    return frames


async def busy(state, spec):
    """`count` prompts, one every `period` s; `depth` prompts wait in the queue all along."""
    period, count, depth = spec.get("period", 1.0), spec["count"], spec.get("depth", 2)
    frames = captured_prompt_frames(state.repo)
    scale = 0.6 * period / frames[-1][0]
    finish_at = [i for i, (_, raw) in enumerate(frames) if '"execution_success"' in raw][0]
    t0 = time.monotonic() + 0.5
    wall0 = now_ms() + 500
    runtime_ms = int(frames[finish_at][0] * scale * 1000)

    def submit(k):
        start = wall0 + int(k * period * 1000) + 5
        state.pending.append(state.factory.entry(state.next_number(), template=TEMPLATE, start_ms=start, end_ms=start + runtime_ms))

    for k in range(depth):
        submit(k)
    finished = []
    for k in range(count):
        await asyncio.sleep(max(0, t0 + k * period - time.monotonic()))
        submit(k + depth)
        await state.send_status()
        built = state.pending.pop(0)
        state.running = [built]
        await state.send_status()
        start = time.monotonic()
        for offset, raw in frames[:finish_at + 1]:
            await asyncio.sleep(max(0, start + offset * scale - time.monotonic()))
            await state.broadcast(TIMESTAMP.sub('"timestamp": %d' % now_ms(), raw.replace(TEMPLATE, built.id)), execution=True)
        await asyncio.sleep(0.02)  # ComfyUI writes the history entry just after the success event
        state.add_history(built)
        state.running = []
        await state.send_status()
        await state.broadcast(executing(built.id, None), execution=True)
        finished.append(built.id)
        state.script_status.update(finished=finished)
    state.pending.clear()
    await state.send_status()


async def latency(state, spec):
    """`frames` measured frames at `rate`/s, `per_prompt` per prompt: executing node 1, then
    progress_state with node 2 at value 1, 2, ...; each prompt then ends (not measured)."""
    total, rate, per_prompt = spec["frames"], spec["rate"], spec["per_prompt"]
    log = []
    sent = 0
    t0 = time.monotonic() + 0.2
    while sent < total:
        count = min(per_prompt, total - sent)
        start = now_ms()
        built = state.factory.entry(state.next_number(), template=TEMPLATE, workflow=False, start_ms=start, end_ms=start + int(1000 * count / rate))
        pid = built.id
        state.running = [built]
        for j in range(count):
            await pace(t0, sent, rate)
            if j == 0:
                text, kind, key = executing(pid, "1"), "node", "1"
            else:
                text, kind, key = progress_state(pid, j, per_prompt), "progress", j
            log.append((time.monotonic_ns(), pid, kind, key))
            await state.broadcast(text, execution=True)
            sent += 1
        await end_prompt(state, built)
        state.script_status.update(sent=sent)
    with open(spec["log"], "w") as f:
        for t, pid, kind, key in log:
            f.write(json.dumps([t, pid, kind, key]) + "\n")


async def end_prompt(state, built):
    await state.broadcast(timed_event("execution_success", built.id), execution=True)
    state.add_history(built)
    state.running = []
    await state.send_status()
    await state.broadcast(executing(built.id, None), execution=True)


async def load(state, spec):
    """About `frames` frames at `rate`/s for prompts of `per_prompt` frames each, as ComfyUI
    sends them (status, start, cached, executing, progress_state and progress per step, executed,
    success, status, executing null); progress frames are all but 11 of each prompt's.

    At most `window` prompts run ahead of the last one kymon asked /history/{id} about, so a
    client slower than `rate` is not buried under a backlog of frames (`waited_s` says how long
    the sender waited for it)."""
    total, rate, per_prompt, window = spec["frames"], spec["rate"], max(spec["per_prompt"], 20), spec.get("window", 20)
    steps = (per_prompt - 11) // 2
    sent = 0
    prompts = 0
    ids = []
    waited = 0.0
    t0 = time.monotonic() + 0.2

    async def send(text, execution=True):
        nonlocal sent
        await pace(t0, sent, rate)
        if execution:
            await state.broadcast(text, execution=True)
        else:
            await state.broadcast(text)
        sent += 1

    last = None
    while sent < total:
        if len(ids) >= window and ids[-window] not in state.looked_up:
            paused = time.monotonic()
            while ids[-window] not in state.looked_up and time.monotonic() - paused < 60:
                await asyncio.sleep(0.002)
            waited += time.monotonic() - paused
            t0 += time.monotonic() - paused  # keep the pace from here on, no burst to catch up
        start = now_ms()
        built = state.factory.entry(state.next_number(), template=TEMPLATE, workflow=False, start_ms=start, end_ms=start + int(1000 * per_prompt / rate))
        pid = built.id
        state.running = [built]
        await send('{"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 1}}}}', execution=False)
        await send(timed_event("execution_start", pid))
        await send(timed_event("execution_cached", pid, '"nodes": [], '))
        await send(executing(pid, "1"))
        await send(progress_state(pid, 1, 1))
        await send(executing(pid, "2"))
        for step in range(1, steps + 1):
            await send(progress_state(pid, step, steps))
            await send('{"type": "progress", "data": {"value": %d, "max": %d, "prompt_id": "%s", "node": "2"}}' % (step, steps, pid))
        await send(executing(pid, "3"))
        await send('{"type": "executed", "data": {"node": "3", "display_node": "3", "output": {"images": [{"filename": "ComfyUI_temp_bench_%05d_.png", '
                   '"subfolder": "", "type": "temp"}]}, "prompt_id": "%s"}}' % (prompts % 100000, pid))
        await send(timed_event("execution_success", pid))
        state.add_history(built)
        state.running = []
        await send('{"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 0}}}}', execution=False)
        await send(executing(pid, None))
        prompts += 1
        last = pid
        ids.append(pid)
        state.script_status.update(sent=sent, prompts=prompts, last=last, waited_s=round(waited, 1))


async def run(state, spec):
    name = spec["name"]
    started = time.time()
    try:
        await {"busy": busy, "latency": latency, "load": load}[name](state, spec)
        state.script_status.update(done=True, seconds=time.time() - started)
    except asyncio.CancelledError:
        state.script_status.update(done=True, cancelled=True)
        raise
    except Exception as error:  # reported to the harness, which prints it
        state.script_status.update(done=True, error=repr(error))
