"""snapshot: `kymon snapshot --format json` against the fake server, beside curl + jq doing the
same extraction and comfy-cli's `comfy --json jobs ls`, for a 30-entry and a big history."""
import json
import os
import subprocess

import measure
import report
from scenario_replay import repeated
from servers import LIB, FakeServer

COMFY_CLI = "comfy-cli==1.23.*"
CURL_JQ = """set -eo pipefail
(curl -sf "$1/queue" | jq -c -f "$3/queue.jq" > /dev/null) &
curl -sf "$1/history?max_items=$2" | jq -c -f "$3/extract.jq" > /dev/null
wait $!
"""
# The floor for any client: the same two answers, downloaded and thrown away.
CURL_ONLY = """set -eo pipefail
curl -sf -o /dev/null "$1/queue" &
curl -sf -o /dev/null "$1/history?max_items=$2"
wait $!
"""


def install_comfy_cli(ctx):
    """comfy-cli in a throwaway venv under the work dir: (path of `comfy`, None) or (None, why not)."""
    if ctx.args.no_comfy_cli:
        return None, "--no-comfy-cli"
    venv = os.path.join(ctx.work, "comfy-cli-venv")
    comfy = os.path.join(venv, "bin", "comfy")
    env = comfy_env(ctx)
    probe = lambda: subprocess.run([comfy, "--version"], capture_output=True, text=True, env=env, timeout=60)  # noqa: E731
    if os.path.exists(comfy) and probe().returncode == 0:
        return comfy, None
    print("installing %s into %s ..." % (COMFY_CLI, venv), flush=True)
    steps = [["python3", "-m", "venv", venv], [os.path.join(venv, "bin", "pip"), "install", "--quiet", "--disable-pip-version-check", COMFY_CLI]]
    for step in steps:
        try:
            done = subprocess.run(step, capture_output=True, text=True, timeout=900)
        except (OSError, subprocess.TimeoutExpired) as error:
            return None, "%s: %s" % (" ".join(step[:3]), error)
        if done.returncode != 0:
            return None, "%s failed: %s" % (" ".join(step[:3]), (done.stderr or done.stdout).strip()[-300:])
    result = probe()
    if result.returncode != 0:
        return None, "comfy --version failed: %s" % result.stderr.strip()[-300:]
    return comfy, None


def comfy_env(ctx):
    home = os.path.join(ctx.work, "comfy-home")  # its config and job state stay in the work dir
    os.makedirs(home, exist_ok=True)
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "LANG": "C.UTF-8", "NO_COLOR": "1", "TERM": "dumb"}


def wire(server, before):
    """Bytes the server sent since `before` (a stats() answer), and the requests [t, method, target, status, bytes]."""
    after = server.stats(since=before["request_count"])
    return after["counters"]["s2c"] - before["counters"]["s2c"], after["requests"]


def last_line(path, pick):
    """pick() of the last JSON document in path, or None."""
    try:
        with open(path) as f:
            lines = [line for line in f if line.strip()]
        return pick(json.loads(lines[-1]))
    except (OSError, IndexError, ValueError, KeyError, TypeError):
        return None


def run(ctx):
    comfy, comfy_skip = install_comfy_cli(ctx)
    if comfy_skip:
        print("comfy-cli skipped: " + comfy_skip)
    results = {"comfy_cli": {"skipped": comfy_skip} if comfy_skip else {"version": COMFY_CLI}}
    for history in (30, ctx.args.server_history):
        with FakeServer(ctx, "snapshot-%d" % history, history=history, queue="captured") as server:
            results[str(history)] = one_case(ctx, server, history, comfy, comfy_skip)
    ctx.results["snapshot"] = results
    judge(ctx, results)


def repeated_on_server(ctx, server, argv, **kwargs):
    """repeated() runs of argv against server: the result, and its figures with the bytes the server
    sent per run and the request targets."""
    before = server.stats()
    result = repeated(ctx, argv, **kwargs)
    sent, targets = wire(server, before)
    runs = max(1, len(getattr(result, "runs", [1])))
    return result, dict(result.as_dict(), bytes_received=sent // runs, requests=sorted(set(r[2] for r in targets)))


def one_case(ctx, server, n, comfy, comfy_skip):
    env, cwd = ctx.kymon_env(), ctx.cwd
    case = {"history_entries": n}
    kymon_argv = [ctx.kymon, "snapshot", "--server", server.url, "--format", "json", "--history-max-items", str(n)]
    out_path = os.path.join(ctx.work, "snapshot-%d.kymon.json" % n)
    with open(out_path, "w") as out:  # one line per run
        kymon, case["kymon"] = repeated_on_server(ctx, server, kymon_argv, env=env, cwd=cwd, stdout=out)
    case["kymon"]["items"] = last_line(out_path, lambda doc: len(doc["items"]))
    if kymon.status not in (0, None):
        case["kymon"]["stderr"] = getattr(kymon, "stderr", "")
    _, case["curl_jq"] = repeated_on_server(ctx, server, ["bash", "-c", CURL_JQ, "curl+jq", server.url, str(n), LIB])
    _, case["curl_only"] = repeated_on_server(ctx, server, ["bash", "-c", CURL_ONLY, "curl", server.url, str(n)])

    if comfy:
        argv = [comfy, "--json", "jobs", "ls", "--host", "127.0.0.1", "--port", str(server.port), "--limit", str(n)]
        before = server.stats()
        out_path = os.path.join(ctx.work, "snapshot-%d.comfy-cli.json" % n)
        with open(out_path, "w") as out:
            result = measure.timed(argv, env=comfy_env(ctx), timeout=900, stdout=out)
        sent, targets = wire(server, before)
        listed = last_line(out_path, lambda doc: doc["data"]["count"])
        case["comfy_cli"] = dict(result.as_dict(), bytes_received=sent, requests=[r[2] for r in targets], jobs_listed=listed)
        full = max([r[4] for r in targets if r[2] == "/history"] or [0])
        if listed is not None and listed < n:
            note = "listed %d jobs, asked for %d" % (listed, n)
            if full > 64 << 20:
                note += " (the full /history it reads, %.0f MB, is over its 64 MiB cap: it counts as empty)" % (full / 1e6)
            case["comfy_cli"]["note"] = note
    else:
        case["comfy_cli"] = {"skipped": comfy_skip}
    show(ctx, case)
    return case


def show(ctx, case):
    n = case["history_entries"]
    k = case["kymon"]
    head = "snapshot, %d-entry history" % n
    ok = k.get("exit") == 0
    ctx.row(head, "wall s (asks max_items=%d)" % n, "%.3f s" % k["wall_s"] if ok else "failed: %s" % k.get("stderr", k.get("skipped", ""))[-80:],
            "", "", report.mib(k.get("peak_rss_kib")) if ok else "", "%s items, %.1f MB received" % (k.get("items"), k["bytes_received"] / 1e6))
    for name, key, asks in (("curl + jq", "curl_jq", "max_items=%d" % n), ("curl alone (download only)", "curl_only", "max_items=%d" % n),
                            ("comfy-cli jobs ls", "comfy_cli", "full /history")):
        r = case[key]
        if r.get("skipped"):
            ctx.row("", "vs " + name, "", "skipped", "", "", r["skipped"][:100])
            continue
        if r.get("exit") != 0:
            ctx.row("", "vs " + name, "", "failed (exit %s)" % r.get("exit"))
            continue
        ratio = "kymon %.1fx faster" % (r["wall_s"] / k["wall_s"]) if ok and r["wall_s"] >= k["wall_s"] else \
            "kymon %.1fx slower" % (k["wall_s"] / r["wall_s"]) if ok else ""
        note = "asks %s, %.1f MB received" % (asks, r["bytes_received"] / 1e6)
        if r.get("note"):
            note += "; " + r["note"]
        ctx.row("", "vs " + name, "", "%.3f s, %s" % (r["wall_s"], report.mib(r.get("peak_rss_kib"))), ratio, "", note)
    print("%d entries: kymon %s; curl+jq %s; curl alone %s; comfy-cli %s" % (n, brief(k), brief(case["curl_jq"]), brief(case["curl_only"]),
                                                                          brief(case["comfy_cli"])), flush=True)


def brief(r):
    if r.get("skipped"):
        return "skipped (%s)" % r["skipped"][:80]
    if r.get("exit") != 0:
        return "failed (exit %s)" % r.get("exit")
    return "%.3f s %s %.1f MB" % (r["wall_s"], report.mib(r.get("peak_rss_kib")), r.get("bytes_received", 0) / 1e6)


def judge(ctx, results):
    for key in ("30", str(ctx.args.server_history)):
        case = results.get(key, {})
        k, c, q = case.get("kymon", {}), case.get("comfy_cli", {}), case.get("curl_jq", {})
        ok = k.get("exit") == 0
        if ok and c.get("exit") == 0:
            ctx.target("snapshot <= 1/30 of comfy-cli (%s entries)" % key, k["wall_s"] * 30 <= c["wall_s"],
                       "kymon %.3f s, comfy-cli %.3f s (%.1fx)" % (k["wall_s"], c["wall_s"], c["wall_s"] / k["wall_s"]))
        else:
            ctx.target("snapshot <= 1/30 of comfy-cli (%s entries)" % key, None, c.get("skipped") or "a run failed")
        if ok and q.get("exit") == 0:
            ctx.target("snapshot no slower than curl+jq (%s entries)" % key, k["wall_s"] <= q["wall_s"],
                       "kymon %.3f s, curl+jq %.3f s" % (k["wall_s"], q["wall_s"]))
        else:
            ctx.target("snapshot no slower than curl+jq (%s entries)" % key, None, "a run failed")
