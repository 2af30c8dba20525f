"""watch steady state against the fake server with a big history.

idle: after start-up, the bytes on the wire each way (HTTP and WebSocket, counted by the proxy)
and kymon's CPU time (utime + stime from /proc/<pid>/stat), per second; every request target is
logged, and a full-history read after start-up is flagged.
busy: a prompt finishes every second, with and without the bridge: wire and HTTP bytes per
finished prompt, and whether kymon reported each one as completed."""
import time

import measure
import report
from servers import FakeServer, Watch


def wait_startup(ctx, server, watch, settle=3.0, timeout=60.0):
    """Waits for kymon's socket and its server_up event (it follows the first queue read), then
    `settle` s; returns stats()."""
    def ready():
        if not watch.alive():
            raise RuntimeError("kymon watch exited with status %s: %s" % (watch.proc.poll(), watch.stderr_tail()))
        stats = server.stats()
        socket = any(s.startswith("kymon-") for s in stats["sockets"])
        up = socket and any(e.get("event") == "server_up" for e in watch.events())
        return up and stats
    if not measure.wait_until(ready, timeout, interval=0.2):
        raise RuntimeError("kymon watch did not start within %d s: %s" % (timeout, watch.stderr_tail()))
    time.sleep(settle)
    return server.stats()


def history_reads(requests):
    """Requests that read the history window or all of it (not /history/{id})."""
    return [r[2] for r in requests if r[2] == "/history" or r[2].startswith("/history?") or r[2].startswith("/api/history?")]


def run_idle(ctx):
    seconds = ctx.args.idle_seconds
    with FakeServer(ctx, "idle", history=ctx.args.server_history) as server, Watch(ctx, "idle", server.url) as watch:
        before = wait_startup(ctx, server, watch)
        startup_requests = before["requests"]
        cpu0, t0 = measure.cpu_ticks(watch.pid), time.monotonic()
        rss = []
        while time.monotonic() - t0 < seconds and watch.alive():
            time.sleep(min(5.0, max(0.1, seconds - (time.monotonic() - t0))))
            rss.append(measure.status_kib(watch.pid))
        cpu1, t1 = measure.cpu_ticks(watch.pid), time.monotonic()
        after = server.stats(since=before["request_count"])
        alive = watch.alive()
    elapsed = t1 - t0
    c2s = after["counters"]["c2s"] - before["counters"]["c2s"]
    s2c = after["counters"]["s2c"] - before["counters"]["s2c"]
    cpu = None if cpu0 is None or cpu1 is None else (cpu1 - cpu0) / measure.CLOCK_TICKS / elapsed * 100
    idle_requests = [r[2] for r in after["requests"]]
    full = history_reads(after["requests"])
    result = {"seconds": round(elapsed, 1), "bytes_from_server": s2c, "bytes_to_server": c2s, "bytes_per_s": round((s2c + c2s) / elapsed, 1),
              "cpu_percent_of_core": None if cpu is None else round(cpu, 3), "cpu_ticks": None if cpu is None else cpu1 - cpu0,
              "clock_ticks_per_s": measure.CLOCK_TICKS, "requests_after_startup": idle_requests, "history_reads_after_startup": full,
              "startup_requests": [r[2] for r in startup_requests], "startup_bytes_from_server": before["counters"]["s2c"],
              "rss_kib": rss, "kymon_alive": alive, "bridge": False, "history_entries": ctx.args.server_history}
    ctx.results["idle"] = result
    print("idle %.0f s: %.1f B/s on the wire (%d B in, %d B out), CPU %s%% of a core, requests after start-up: %s, full history reads: %s"
          % (elapsed, result["bytes_per_s"], s2c, c2s, result["cpu_percent_of_core"], idle_requests or "none", full or "none"), flush=True)
    ctx.row("watch idle (%.0f s, no bridge)" % elapsed, "wire bytes/s", "%.1f B/s" % result["bytes_per_s"], "", "",
            report.mib(max([r for r in rss if r] or [None], key=lambda v: v or 0)),
            "in %.1f B/s, out %.1f B/s; %d requests after start-up; start-up read %.1f MB"
            % (s2c / elapsed, c2s / elapsed, len(idle_requests), result["startup_bytes_from_server"] / 1e6))
    ctx.row("", "CPU % of one core", "%s %%" % result["cpu_percent_of_core"], "", "", "",
            "%s ticks of 1/%d s; resolution %.3f %%" % (result["cpu_ticks"], measure.CLOCK_TICKS, 100.0 / measure.CLOCK_TICKS / elapsed))
    ctx.target("watch idle <= 2 KB/s", (s2c + c2s) / elapsed <= 2000, "%.1f B/s over %.0f s%s" % (
        result["bytes_per_s"], elapsed, "" if seconds >= 600 else " (the issue asks for 600 s: --idle-seconds 600)"))
    ctx.target("watch idle <= 0.1% of a core", None if cpu is None else cpu <= 0.1, "%s %% over %.0f s" % (result["cpu_percent_of_core"], elapsed))
    ctx.target("watch never reads the full history after start-up", not full and alive, "history reads after start-up: %s" % (full or "none"))


def run_busy(ctx):
    results = {}
    for bridge in (True, False):
        label = "bridge" if bridge else "no-bridge"
        results[label] = busy_case(ctx, bridge, label)
    ctx.results["busy"] = results
    complete = all(r.get("all_completed") for r in results.values())
    ctx.target("busy: every finished prompt reported completed", complete,
               "; ".join("%s %s/%s" % (k, r.get("completed_reported"), r.get("finished")) for k, r in results.items()))


def busy_case(ctx, bridge, label):
    count = ctx.args.busy_prompts
    with FakeServer(ctx, "busy-" + label, history=ctx.args.server_history, bridge=bridge) as server, \
            Watch(ctx, "busy-" + label, server.url) as watch:
        before = wait_startup(ctx, server, watch)
        cpu0, t0 = measure.cpu_ticks(watch.pid), time.monotonic()
        server.play("busy", count=count, period=1.0)
        status = server.wait_script(timeout=count * 1.0 + 60)
        finished = status.get("finished", [])

        def all_reported():
            done = {e["info"]["id"] for e in watch.events() if e.get("event") == "completed" and e.get("info")}
            return set(finished) <= done and done
        measure.wait_until(all_reported, timeout=15, interval=0.5)
        cpu1, t1 = measure.cpu_ticks(watch.pid), time.monotonic()
        after = server.stats(since=before["request_count"])
        events = watch.events()
    completed = {e["info"]["id"] for e in events if e.get("event") == "completed" and e.get("info")}
    reported = len(set(finished) & completed)
    wire = (after["counters"]["s2c"] - before["counters"]["s2c"]) + (after["counters"]["c2s"] - before["counters"]["c2s"])
    http_body = sum(r[4] for r in after["requests"])
    kinds = {}
    for r in after["requests"]:
        key = r[2] if r[2].startswith("/api/jobs?") else r[2].split("?")[0]
        key = "/history/{id}" if key.startswith("/history/") else key
        kinds[key] = kinds.get(key, 0) + 1
    n = max(1, len(finished))
    result = {"finished": len(finished), "completed_reported": reported, "all_completed": reported == len(finished) and finished != [],
              "wire_bytes_per_prompt": round(wire / n), "http_body_bytes_per_prompt": round(http_body / n),
              "requests_per_prompt": {k: round(v / n, 2) for k, v in sorted(kinds.items())},
              "history_reads": history_reads(after["requests"]), "events": len(events),
              "cpu_percent_of_core": None if cpu0 is None or cpu1 is None else round((cpu1 - cpu0) / measure.CLOCK_TICKS / (t1 - t0) * 100, 2),
              "script": {k: v for k, v in status.items() if k != "finished"}}
    print("busy (%s): %d prompts, %d reported completed, %.1f KB on the wire and %.1f KB of HTTP bodies per prompt, requests per prompt %s, CPU %s%%"
          % (label, len(finished), reported, wire / n / 1e3, http_body / n / 1e3, result["requests_per_prompt"], result["cpu_percent_of_core"]), flush=True)
    ctx.row("watch busy, %s (1 prompt/s)" % label, "HTTP bytes per prompt", "%.1f KB" % (http_body / n / 1e3), "", "", "",
            "wire %.1f KB/prompt; %s/%s reported completed; CPU %s %%" % (wire / n / 1e3, reported, len(finished), result["cpu_percent_of_core"]))
    return result
