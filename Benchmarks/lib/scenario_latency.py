"""latency: from the fake server sending a progress_state/executing frame (the bridge mirrors
them) to a Redis subscriber receiving kymon's event for it, through `kymon watch --channel redis`
and a private redis-server. Matched by prompt id and node id / node_progress value."""
import json
import os
import subprocess
import time

import measure
import report
from scenario_watch import wait_startup
from servers import LIB, FakeServer, Redis, Watch

CHANNEL = "comfyui_monitor"


def match(sent_path, received_path):
    """(latencies in ms, frames without an event, frames superseded by their prompt's end, rate).

    A frame is superseded when kymon had already confirmed its prompt's end (from HTTP) before it
    read the frame: the end event is sent and the stale progress is not; it still arrives."""
    received, ended = {}, {}
    with open(received_path) as f:
        for line in f:
            t, event, prompt_id, node, value = json.loads(line)
            if event == "node" and node is not None:
                received.setdefault((prompt_id, "node", str(node)), t)
            elif event == "progress" and value is not None:
                received.setdefault((prompt_id, "progress", float(value)), t)
            elif event in ("completed", "failed", "interrupted", "removed", "lost"):
                ended.setdefault(prompt_id, t)
    latencies, missing, superseded, times = [], 0, 0, []
    with open(sent_path) as f:
        for line in f:
            t, prompt_id, kind, key = json.loads(line)
            times.append(t)
            key = str(key) if kind == "node" else float(key)
            got = received.get((prompt_id, kind, key))
            if got is not None:
                latencies.append((got - t) / 1e6)
            elif prompt_id in ended:
                superseded += 1
            else:
                missing += 1
    rate = (len(times) - 1) / ((times[-1] - times[0]) / 1e9) if len(times) > 1 and times[-1] > times[0] else None
    return latencies, missing, superseded, rate


def run(ctx):
    frames, rate = ctx.args.latency_frames, ctx.args.latency_rate
    if "redis-server" in ctx.missing or "redis-cli" in ctx.missing:
        reason = "redis-server and redis-cli are needed"
        ctx.results["latency"] = {"skipped": reason}
        ctx.row("event latency", "-", "skipped", note=reason)
        ctx.target("event latency p99 <= 5 ms", None, reason)
        return
    sent_path = os.path.join(ctx.work, "latency-sent.jsonl")
    received_path = os.path.join(ctx.work, "latency-received.jsonl")
    for path in (sent_path, received_path):
        if os.path.exists(path):
            os.unlink(path)
    env = {"KY_MONITOR_REDIS_URL": None, "KY_MONITOR_PROGRESS_EVENTS_PER_SECOND": "1000000"}
    with Redis(ctx) as redis, FakeServer(ctx, "latency", history=100, bridge=True) as server:
        env["KY_MONITOR_REDIS_URL"] = redis.url
        subscriber = measure.start([ctx.python, os.path.join(LIB, "redis_sub.py"), str(redis.port), CHANNEL, received_path], stdout=subprocess.PIPE)
        try:
            if subscriber.stdout.readline().strip() != b"ready":
                raise RuntimeError("the Redis subscriber did not subscribe")
            with Watch(ctx, "latency", server.url, extra=["--channel", "redis"], env=env) as watch:
                wait_startup(ctx, server, watch, settle=2.0)
                server.play("latency", frames=frames, rate=rate, per_prompt=100, log=sent_path)
                status = server.wait_script(timeout=frames / rate * 3 + 60)
                time.sleep(3.0)  # let the last events through
                rss = measure.status_kib(watch.pid, "VmHWM")
            redis.cli("PUBLISH", CHANNEL, "__bench_stop__")
            subscriber.wait(timeout=30)
        finally:
            measure.stop_group(subscriber)
    have = os.path.exists(received_path) and os.path.exists(sent_path)
    latencies, missing, superseded, achieved = match(sent_path, received_path) if have else ([], frames, 0, None)
    stats = {"frames": frames, "rate_per_s": rate, "rate_achieved": achieved and round(achieved), "matched": len(latencies), "missing": missing,
             "superseded": superseded, "script": status, "kymon_peak_rss_kib": rss}
    if latencies:
        stats.update(p50_ms=round(measure.percentile(latencies, 50), 3), p99_ms=round(measure.percentile(latencies, 99), 3),
                     max_ms=round(max(latencies), 3), min_ms=round(min(latencies), 3))
    ctx.results["latency"] = stats
    print("latency: %d frames at %s/s (asked %d/s), %d matched, %d superseded by their prompt's end, %d missing; p50 %s ms, p99 %s ms, max %s ms"
          % (frames, stats["rate_achieved"], rate, len(latencies), superseded, missing, stats.get("p50_ms"), stats.get("p99_ms"), stats.get("max_ms")),
          flush=True)
    ctx.row("event latency (%d frames)" % frames, "p50 / p99 / max",
            "%s / %s / %s ms" % (stats.get("p50_ms"), stats.get("p99_ms"), stats.get("max_ms")), "", "", report.mib(rss),
            "frame sent -> Redis subscriber, %s frames/s; %d matched, %d superseded by their prompt's end, %d missing"
            % (stats["rate_achieved"], len(latencies), superseded, missing))
    p99 = stats.get("p99_ms")
    ctx.target("event latency p99 <= 5 ms", None if p99 is None else p99 <= 5 and missing == 0,
               "p99 %s ms, %d of %d frames without an event" % (p99, missing, frames))
