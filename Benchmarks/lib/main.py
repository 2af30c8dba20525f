"""Entry point of Benchmarks/run: options, the kymon binary, the work dir, the scenarios, the report."""
import argparse
import os
import shutil
import subprocess
import sys
import time
import traceback

import report
import scenario_latency
import scenario_memory
import scenario_replay
import scenario_snapshot
import scenario_watch

SCENARIOS = {
    "replay": scenario_replay.run,
    "snapshot": scenario_snapshot.run,
    "idle": scenario_watch.run_idle,
    "busy": scenario_watch.run_busy,
    "latency": scenario_latency.run,
    "memory": scenario_memory.run,
}
NEEDS_WATCH = {"idle", "busy", "latency", "memory"}


def parse_args(argv):
    p = argparse.ArgumentParser(prog="Benchmarks/run", description="kymon benchmarks (see Benchmarks/README.md)")
    p.add_argument("--quick", action="store_true", help="smaller data and shorter runs (about 3 minutes)")
    p.add_argument("--only", action="append", default=[], metavar="NAME",
                   help="run only this scenario (repeatable or comma-separated): " + ", ".join(SCENARIOS))
    p.add_argument("--kymon", help="kymon binary (default .build-static/release/kymon, what `make install` installs; built if missing)")
    p.add_argument("--build", action="store_true", help="run `make build` first, even if the binary exists")
    p.add_argument("--work-dir", help="where data and results go (default .build/bench)")
    p.add_argument("--seed", type=int, default=20261129, help="seed of all generated data")
    p.add_argument("--repeat", type=int, help="timed runs of kymon/cat per measurement, median reported (default 3, --quick 2)")
    p.add_argument("--replay-entries", type=int, help="entries of the big dump (default 5000 ≈ 1 GB, --quick 500 ≈ 100 MB); the small one has a tenth")
    p.add_argument("--workflow-bytes", type=int, default=200_000, help="UI workflow size per dump entry (default 200000)")
    p.add_argument("--server-history", type=int, default=10_000, help="entries of the fake server's big history (default 10000)")
    p.add_argument("--server-workflow-bytes", type=int, default=20_000,
                   help="UI workflow size per entry of the fake server's history (default 20000: 10,000 entries ≈ 200 MB, "
                        "under kymon's 256 MiB answer limit)")
    p.add_argument("--skip-references", action="store_true", help="replay: skip the Python and jq references")
    p.add_argument("--reference-timeout", type=int, help="replay: give up on a reference after this many seconds (default 900, --quick 180)")
    p.add_argument("--no-comfy-cli", action="store_true", help="snapshot: do not install or run comfy-cli")
    p.add_argument("--idle-seconds", type=float, help="idle measurement (default 60, --quick 15; the issue asks for 600)")
    p.add_argument("--busy-prompts", type=int, help="busy: prompts finished, one a second (default 30, --quick 10)")
    p.add_argument("--latency-frames", type=int, help="latency: frames sent (default 10000, --quick 2000)")
    p.add_argument("--latency-rate", type=int, default=1000, help="latency: frames per second (default 1000)")
    p.add_argument("--memory-events", type=int, help="memory: socket frames replayed (default 1000000, --quick 100000)")
    p.add_argument("--memory-rate", type=int, default=20000, help="memory: frames per second (default 20000)")
    args = p.parse_args(argv)
    q = args.quick
    defaults = dict(repeat=2 if q else 3, replay_entries=500 if q else 5000, reference_timeout=180 if q else 900,
                    idle_seconds=15.0 if q else 60.0, busy_prompts=10 if q else 30, latency_frames=2000 if q else 10_000,
                    memory_events=100_000 if q else 1_000_000)
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    names = [n for item in args.only for n in item.split(",") if n]
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        p.error("unknown scenario %s (choose from %s)" % (", ".join(unknown), ", ".join(SCENARIOS)))
    args.only = names or list(SCENARIOS)
    return args


class Context:
    def __init__(self, args, repo):
        self.args, self.repo, self.quick = args, repo, args.quick
        self.work = os.path.abspath(args.work_dir or os.path.join(repo, ".build", "bench"))
        self.cwd = os.path.join(self.work, "cwd")  # empty: no config.json is picked up
        for folder in (self.work, self.cwd, os.path.join(self.work, "home")):
            os.makedirs(folder, exist_ok=True)
        venv_python = os.path.join(repo, ".venv", "bin", "python")
        self.python = venv_python if os.path.exists(venv_python) else sys.executable
        self.kymon = None
        self.watch_support = None
        self.results = {}
        self.rows = []
        self.targets = []

    def kymon_env(self, extra=None):
        """A clean environment: no KY_MONITOR_* of the caller's, no config file, no colour."""
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.path.join(self.work, "home"), "LANG": "C.UTF-8",
               "NO_COLOR": "1", "TERM": "dumb"}
        env.update(extra or {})
        return env

    def target(self, name, met, detail):
        """An issue target: met is True, False, or None when it could not be measured."""
        self.targets.append({"target": name, "met": met, "detail": detail})

    def row(self, scenario, measure, kymon, reference="", ratio="", rss="", note=""):
        self.rows.append([scenario, measure, kymon, reference, ratio, rss, note])


def find_kymon(ctx):
    if ctx.args.kymon:
        path = os.path.abspath(ctx.args.kymon)
    else:
        path = os.path.join(ctx.repo, ".build-static", "release", "kymon")
        if ctx.args.build or not os.path.exists(path):
            print("building the release binary as `make install` does: make build", flush=True)
            subprocess.run(["make", "build"], cwd=ctx.repo, check=True)
    if not os.access(path, os.X_OK):
        sys.exit("kymon binary not found or not executable: %s" % path)
    ctx.kymon = path
    probe = subprocess.run([path, "watch", "--help"], capture_output=True, text=True, env=ctx.kymon_env(), cwd=ctx.cwd)
    ctx.watch_support = probe.returncode == 0 and "USAGE: kymon watch" in probe.stdout
    build = "debug" if "/debug/" in path else "release" if "/release/" in path else "unknown"
    ctx.results["kymon"] = {"binary": os.path.relpath(path, ctx.repo) if path.startswith(ctx.repo) else os.path.basename(path),
                            "build": build, "has_watch": ctx.watch_support,
                            "version": subprocess.run([path, "--version"], capture_output=True, text=True).stdout.strip()}


def main(argv):
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    args = parse_args(argv)
    ctx = Context(args, repo)
    find_kymon(ctx)
    missing = [tool for tool in ("jq", "redis-server", "redis-cli", "curl") if not shutil.which(tool)]
    if not os.path.exists("/usr/bin/time"):
        missing.append("/usr/bin/time")
    started = time.time()
    print("kymon benchmarks: %s (%s build)%s; work dir %s" % (ctx.results["kymon"]["binary"], ctx.results["kymon"]["build"],
                                                            ", --quick" if ctx.quick else "", ctx.work), flush=True)
    if missing:
        print("missing tools: %s (scenarios that need them are skipped)" % ", ".join(missing))
    ctx.missing = missing
    for name in args.only:
        print("\n== %s ==" % name, flush=True)
        if name in NEEDS_WATCH and not ctx.watch_support:
            reason = "this kymon binary has no watch subcommand (an old build? try --build)"
            print("skipped: " + reason)
            ctx.results[name] = {"skipped": reason}
            ctx.row(name, "-", "skipped", note=reason)
            continue
        t0 = time.time()
        try:
            SCENARIOS[name](ctx)
        except Exception as error:  # a broken scenario must not hide the others' figures
            traceback.print_exc()
            ctx.results[name] = dict(ctx.results.get(name, {}), error=repr(error))
            ctx.row(name, "-", "error", note=repr(error)[:120])
        ctx.results.setdefault(name, {})["scenario_seconds"] = round(time.time() - t0, 1)
    ctx.results["run_seconds"] = round(time.time() - started, 1)
    report.finish(ctx)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
