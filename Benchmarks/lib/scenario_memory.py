"""memory: `kymon watch` RSS while the fake server plays a long stream of socket frames (prompts
that start and finish, progress frames dominating), sampled from /proc/<pid>/status VmRSS."""
import time

import measure
import report
from scenario_watch import wait_startup
from servers import FakeServer, Watch


def run(ctx):
    frames, rate = ctx.args.memory_events, ctx.args.memory_rate
    samples = []  # [seconds since start, frames sent, prompts kymon reported completed, VmRSS KiB, RssAnon KiB]
    with FakeServer(ctx, "memory", history=100, bridge=True) as server, Watch(ctx, "memory", server.url) as watch:
        wait_startup(ctx, server, watch)
        start_rss = measure.status_kib(watch.pid)
        cpu0, t0 = measure.cpu_ticks(watch.pid), time.monotonic()

        def sample(status):
            samples.append([round(time.monotonic() - t0, 1), status.get("sent", 0), len(watch.follow()), measure.status_kib(watch.pid),
                            measure.status_kib(watch.pid, "RssAnon")])
        sample({})
        server.play("load", frames=frames, rate=rate, per_prompt=200, window=20)
        status = server.wait_script(timeout=frames / 1000 + 120, poll=1.0, on_poll=sample)
        sent_done = time.monotonic()
        caught_up = measure.wait_until(lambda: status.get("last") in watch.follow() or not watch.alive(), timeout=120, interval=0.5)
        caught_up = status.get("last") in watch.follow()
        lag = time.monotonic() - sent_done
        end_rss = measure.status_kib(watch.pid)
        sample(status)
        time.sleep(5)
        settled_rss = measure.status_kib(watch.pid)
        # What the RSS is made of: kymon's own heap and stacks (anonymous) vs the pages of its
        # binary and libraries (file-backed, shared with every other kymon and clean).
        settled_anon, settled_file = measure.status_kib(watch.pid, "RssAnon"), measure.status_kib(watch.pid, "RssFile")
        peak = measure.status_kib(watch.pid, "VmHWM")
        breakdown = measure.resident_breakdown(watch.pid)
        cpu1 = measure.cpu_ticks(watch.pid)
        events = sum(1 for _ in open(watch.events_path))
        completed = len(watch.follow())
        alive = watch.alive()
    sent = status.get("sent", 0)

    def at(fraction, column=3):
        """The first sample taken once `fraction` of the frames were sent."""
        return next((s[column] for s in samples if sent and s[1] >= fraction * sent), None)

    marks = {"start": start_rss, "25%": at(0.25), "50%": at(0.5), "75%": at(0.75), "end": end_rss, "settled_5s": settled_rss}
    rss_values = [s[3] for s in samples if s[3]] + [settled_rss or 0]
    # The target is about a watch that has run for a while: judged from 25% of the frames on,
    # past start-up (whose code pages kymon drops a few seconds in).
    running_values = [s[3] for s in samples if s[3] and sent and s[1] >= 0.25 * sent] + [settled_rss or 0]
    growth = None if marks["25%"] is None or settled_rss is None else settled_rss - marks["25%"]
    # The part of that growth that is kymon's own heap and stacks; the rest is code pages first
    # touched later in the run.
    anon_at_25 = at(0.25, column=4)
    anon_growth = None if anon_at_25 is None or settled_anon is None else settled_anon - anon_at_25
    result = {"frames_sent": sent, "prompts": status.get("prompts"), "rate_asked": rate,
              "rate_achieved": round(sent / max(0.001, status.get("seconds", 0)), 0), "sender_waited_s": status.get("waited_s"),
              "completed_reported": completed, "kymon_caught_up": caught_up,
              "catch_up_seconds": round(lag, 1), "rss_kib": marks, "peak_rss_kib": peak, "max_sampled_rss_kib": max(rss_values), "max_rss_after_25pct_kib": max(running_values),
              "settled_breakdown_kib": breakdown,
              "growth_after_25pct_kib": growth, "anon_growth_after_25pct_kib": anon_growth, "settled_rss_anon_kib": settled_anon, "settled_rss_file_kib": settled_file, "events_written": events, "kymon_alive": alive,
              "cpu_seconds": None if cpu0 is None or cpu1 is None else round((cpu1 - cpu0) / measure.CLOCK_TICKS, 1), "samples": samples}
    ctx.results["memory"] = result
    print("memory: %d frames (%d prompts) at %s/s; RSS %s; peak %s; growth after 25%%: %s (anonymous %s); caught up: %s (%.1f s after the last frame)"
          % (sent, status.get("prompts") or 0, result["rate_achieved"], ", ".join("%s %s" % (k, report.mib(v)) for k, v in marks.items()),
             report.mib(peak), report.mib(growth), report.mib(anon_growth), caught_up, lag), flush=True)
    ctx.row("watch memory (%d frames)" % sent, "RSS start/50%/end", "%s / %s / %s" % (report.mib(marks["start"]), report.mib(marks["50%"]), report.mib(settled_rss)),
            "", "", report.mib(peak), "growth after 25%%: %s (anonymous %s); at the end %s anonymous + %s file-backed (code); %s events; caught up %s"
            % (report.mib(growth), report.mib(anon_growth), report.mib(settled_anon), report.mib(settled_file), events, caught_up))
    small = max(running_values) <= 20 * 1024
    flat = growth is not None and growth <= max(1024, 0.05 * (marks["25%"] or 0))
    parts = "" if not breakdown else "; at the end: binary code %s, rest of the binary %s, libraries %s, anonymous %s" % (
        report.mib(breakdown["binary_code"]), report.mib(breakdown["binary_other"]), report.mib(breakdown["libraries"]), report.mib(breakdown["anonymous"]))
    ctx.target("watch RSS <= 20 MiB", small, "max sampled from 25%% of the frames on %s (during start-up %s, VmHWM %s)%s"
               % (report.mib(max(running_values)), report.mib(max(rss_values)), report.mib(peak), parts))
    ctx.target("watch RSS does not grow", None if growth is None else flat,
               "%s from 25%% of the frames to the end (+5 s), of it anonymous %s%s"
               % (report.mib(growth), report.mib(anon_growth), "" if caught_up else "; kymon did not catch up"))
