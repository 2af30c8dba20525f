"""replay: `kymon replay dump.json --format jsonl > /dev/null` on a small and a big history dump,
with and without --fast-skip, beside `cat` (the ceiling), the Python json reference and jq, all in
the same run."""
import json
import os
import subprocess

import datagen
import measure
import report
from servers import LIB

MIB = 1 << 20


def mem_available_kib():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1])
    return 0


def repeated(ctx, argv, **kw):
    """Median wall time and largest peak RSS of up to --repeat runs (one run when it is slow)."""
    runs = []
    for _ in range(ctx.args.repeat):
        result = measure.timed(argv, **kw)
        runs.append(result)
        if result.skipped or result.status != 0 or result.wall > 30:
            break
    ok = [r for r in runs if not r.skipped and r.status == 0]
    if not ok:
        return runs[-1]
    best = measure.Timed(measure.median([r.wall for r in ok]), max(r.rss_kib or 0 for r in ok), 0)
    best.runs = [round(r.wall, 3) for r in ok]
    return best


def reference(ctx, name, argv, size, memory_factor, out=subprocess.DEVNULL):
    """Runs a slow reference unless told not to, or it would not fit in memory; says why not."""
    if ctx.args.skip_references:
        return measure.Timed(skipped="--skip-references")
    if name == "jq" and "jq" in ctx.missing:
        return measure.Timed(skipped="jq is not installed")
    need = size * memory_factor / 1024
    available = mem_available_kib()
    if need > 0.8 * available:
        return measure.Timed(skipped="needs about %.1f GiB of memory, %.1f GiB available" % (need / MIB, available / MIB))
    return measure.timed(argv, stdout=out, timeout=ctx.args.reference_timeout)


def check_correctness(ctx, dump, python_out):
    """kymon's infos for the small dump against the (id, status) pairs the Python reference implies."""
    kymon_out = os.path.join(ctx.work, "replay-small.kymon.jsonl")
    with open(kymon_out, "w") as out:
        subprocess.run([ctx.kymon, "replay", dump, "--format", "jsonl"], stdout=out, check=False, env=ctx.kymon_env(), cwd=ctx.cwd)
    if not os.path.exists(python_out) or os.path.getsize(python_out) == 0:
        subprocess.run([ctx.python, os.path.join(LIB, "reference_extract.py"), dump, python_out], check=True)

    def pairs(path):
        with open(path) as f:
            return [(d["id"], d["status"]) for d in map(json.loads, f)]

    mine, theirs = pairs(kymon_out), pairs(python_out)
    same = sorted(mine) == sorted(theirs)
    fast_out = os.path.join(ctx.work, "replay-small.kymon-fast-skip.jsonl")
    with open(fast_out, "w") as out:
        subprocess.run([ctx.kymon, "replay", dump, "--format", "jsonl", "--fast-skip"], stdout=out, check=False, env=ctx.kymon_env(), cwd=ctx.cwd)
    with open(kymon_out, "rb") as checked, open(fast_out, "rb") as fast:
        fast_same = checked.read() == fast.read()
    detail = {"kymon_items": len(mine), "reference_items": len(theirs), "equal": same, "fast_skip_output_equal": fast_same}
    if not same:
        detail["only_kymon"] = sorted(set(mine) - set(theirs))[:5]
        detail["only_reference"] = sorted(set(theirs) - set(mine))[:5]
    return detail


def run(ctx):
    big_entries = ctx.args.replay_entries
    dumps = {}
    for label, entries in (("small", max(1, big_entries // 10)), ("big", big_entries)):
        path = os.path.join(ctx.work, "history-%d-%d.json" % (entries, ctx.args.workflow_bytes))
        print("generating %s dump: %d entries ..." % (label, entries), flush=True)
        manifest = datagen.write_history_dump(ctx.repo, path, entries, ctx.args.workflow_bytes, ctx.args.seed)
        dumps[label] = (path, manifest)

    results = {}
    for label, (path, manifest) in dumps.items():
        size = manifest["bytes"]
        subprocess.run(["cat", path], stdout=subprocess.DEVNULL)  # page cache warm for everyone
        env, cwd = ctx.kymon_env(), ctx.cwd
        kymon = repeated(ctx, [ctx.kymon, "replay", path, "--format", "jsonl"], env=env, cwd=cwd)
        fast = repeated(ctx, [ctx.kymon, "replay", path, "--format", "jsonl", "--fast-skip"], env=env, cwd=cwd)
        cat = repeated(ctx, ["cat", path])
        python_out = os.path.join(ctx.work, "replay-%s.python.jsonl" % label)
        python = reference(ctx, "python", [ctx.python, os.path.join(LIB, "reference_extract.py"), path, python_out], size, 8)
        jq = reference(ctx, "jq", ["jq", "-c", "-f", os.path.join(LIB, "extract.jq"), path], size, 12)
        entry = {"file": os.path.basename(path), "bytes": size, "entries": manifest["entries"], "kinds": manifest["kinds"],
                 "kymon": kymon.as_dict(), "kymon_fast_skip": fast.as_dict(), "cat": cat.as_dict(), "python": python.as_dict(), "jq": jq.as_dict()}
        for key, result in (("kymon", kymon), ("kymon_fast_skip", fast)):
            if result.wall and not result.skipped and result.status == 0:
                entry[key]["mb_per_s"] = round(size / result.wall / 1e6, 1)
        if kymon.status not in (0, None):
            entry["kymon"]["stderr"] = getattr(kymon, "stderr", "")
        results[label] = entry
        print_line(label, size, kymon, fast, cat, python, jq)
        add_rows(ctx, label, size, kymon, fast, cat, python, jq)
        if label == "small":
            results["correctness"] = check_correctness(ctx, path, python_out)
            print("correctness (small dump): %s" % json.dumps(results["correctness"]))
    ctx.results["replay"] = results
    judge(ctx, results)


def print_line(label, size, kymon, fast, cat, python, jq):
    def show(name, r):
        if r.skipped:
            return "%s skipped (%s)" % (name, r.skipped)
        if r.status != 0:
            return "%s failed (exit %s)" % (name, r.status)
        return "%s %.2fs %s" % (name, r.wall, report.mib(r.rss_kib))
    print("%s dump %.0f MB: %s" % (label, size / 1e6, "; ".join(show(n, r) for n, r in (("kymon", kymon), ("kymon --fast-skip", fast), ("cat", cat), ("python", python), ("jq", jq)))), flush=True)


def add_rows(ctx, label, size, kymon, fast, cat, python, jq):
    head = "replay %s (%.0f MB)" % (label, size / 1e6)
    ok = not kymon.skipped and kymon.status == 0
    ctx.row(head, "wall s / throughput", "%.2f s, %.0f MB/s" % (kymon.wall, size / kymon.wall / 1e6) if ok else "failed", "", "",
            report.mib(kymon.rss_kib) if ok else "")
    fast_ok = not fast.skipped and fast.status == 0
    ctx.row("", "with --fast-skip", "%.2f s, %.0f MB/s" % (fast.wall, size / fast.wall / 1e6) if fast_ok else "failed", "", "",
            report.mib(fast.rss_kib) if fast_ok else "")
    for name, r in (("cat (ceiling)", cat), ("python json", python), ("jq", jq)):
        if r.skipped:
            ctx.row("", "vs " + name, "", "skipped", "", "", r.skipped)
        elif r.status != 0:
            ctx.row("", "vs " + name, "", "failed (exit %s)" % r.status)
        else:
            ratio = "kymon %.1fx %s" % ((r.wall / kymon.wall, "faster") if r.wall >= kymon.wall else (kymon.wall / r.wall, "slower")) if ok else ""
            ctx.row("", "vs " + name, "", "%.2f s, %s" % (r.wall, report.mib(r.rss_kib)), ratio)


def judge(ctx, results):
    small, big = results["small"]["kymon"], results["big"]["kymon"]
    for name, key in (("replay >= 1 GB/s (big dump, every byte checked)", "kymon"), ("replay --fast-skip >= 1 GB/s (big dump)", "kymon_fast_skip")):
        speed = results["big"][key].get("mb_per_s")
        ctx.target(name, None if speed is None else speed >= 1000, "%s MB/s on %.0f MB" % (speed, results["big"]["bytes"] / 1e6))
    rss = [max(r.get("peak_rss_kib") or 0, f.get("peak_rss_kib") or 0) for r, f in
           ((small, results["small"]["kymon_fast_skip"]), (big, results["big"]["kymon_fast_skip"])) if r.get("peak_rss_kib")]
    ctx.target("replay peak RSS <= 64 MiB", None if len(rss) < 2 else max(rss) <= 64 * 1024,
               "small %s, big %s; with --fast-skip %s, %s" % (report.mib(small.get("peak_rss_kib")), report.mib(big.get("peak_rss_kib")),
                                                              report.mib(results["small"]["kymon_fast_skip"].get("peak_rss_kib")),
                                                              report.mib(results["big"]["kymon_fast_skip"].get("peak_rss_kib"))))
    if len(rss) == 2:
        grows = rss[1] - rss[0]
        independent = grows <= max(4 * 1024, 0.15 * rss[0])
        extra = results["big"]["entries"] - results["small"]["entries"]
        ctx.target("replay RSS independent of size", independent,
                   "%.0fx the input, RSS %+.1f MiB (%s -> %s, %+.0f bytes per extra entry)"
                   % (results["big"]["bytes"] / results["small"]["bytes"], grows / 1024, report.mib(rss[0]), report.mib(rss[1]),
                      grows * 1024 / max(1, extra)))
    else:
        ctx.target("replay RSS independent of size", None, "not measured")
    c = results.get("correctness", {})
    ctx.target("check: replay (id, status) set = Python reference", c.get("equal"),
               "%s infos vs %s reference entries, same (id, status) set: %s" % (c.get("kymon_items"), c.get("reference_items"), c.get("equal")))
    ctx.target("check: replay --fast-skip output = replay output", c.get("fast_skip_output_equal"),
               "small dump, byte for byte: %s" % c.get("fast_skip_output_equal"))
