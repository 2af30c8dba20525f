"""The closing report: the machine, a table of every scenario, the issue targets; also as JSON."""
import json
import os
import platform
import subprocess
import time


def mib(kib):
    return "-" if kib is None else "%.1f MiB" % (kib / 1024)


def machine():
    info = {"nproc": os.cpu_count(), "kernel": platform.release(), "python": platform.python_version()}
    try:
        with open("/proc/cpuinfo") as f:
            info["cpu"] = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "unknown")
        with open("/proc/meminfo") as f:
            info["ram_gib"] = round(int(f.readline().split()[1]) / (1 << 20), 1)
    except OSError:
        pass
    try:
        out = subprocess.run(["swift", "--version"], capture_output=True, text=True, timeout=30)
        info["swift"] = (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        info["swift"] = "not available"
    return info


def table(rows):
    header = ["scenario", "measure", "kymon", "reference", "ratio", "kymon peak RSS", "note"]
    rows = [[str(c) for c in r] for r in rows]
    widths = [min(48, max([len(header[i])] + [len(r[i]) for r in rows])) for i in range(len(header) - 1)]
    lines = []
    for r in [header] + rows:
        cells = [r[i][:widths[i]].ljust(widths[i]) for i in range(len(widths))] + [r[-1]]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths) + "  ----")
    return "\n".join(lines)


def finish(ctx):
    info = machine()
    kymon = ctx.results.get("kymon", {})
    print("\n== summary ==")
    print("machine: %s cores, %s, %s GiB RAM, kernel %s; %s" % (info.get("nproc"), info.get("cpu"), info.get("ram_gib"), info.get("kernel"), info.get("swift")))
    print("kymon: %s (%s build, version %s)%s\n" % (kymon.get("binary"), kymon.get("build"), kymon.get("version"),
                                                  "  -- DEBUG BUILD: figures are not representative" if kymon.get("build") == "debug" else ""))
    print(table(ctx.rows))
    print("\nissue targets:")
    for t in ctx.targets:
        mark = {True: "MET   ", False: "MISSED", None: "n/a   "}[t["met"]]
        print("  [%s] %-48s %s" % (mark, t["target"], t["detail"]))
    path = os.path.join(ctx.work, "results.json")
    document = {"generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "quick": ctx.quick, "machine": info,
                "results": ctx.results, "targets": ctx.targets, "table": ctx.rows}
    with open(path, "w") as f:
        json.dump(document, f, indent=1, default=str)
    print("\nresults: %s (run took %.0f s)" % (path, ctx.results.get("run_seconds", 0)))
