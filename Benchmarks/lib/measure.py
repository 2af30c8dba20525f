"""Running and measuring processes: wall time, peak RSS, CPU ticks, VmRSS; clean shutdown."""
import os
import signal
import socket
import subprocess
import tempfile
import time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
TIME = "/usr/bin/time"


class Timed:
    """One command's figures: wall seconds, peak RSS (KiB), exit status; skipped has the reason."""

    def __init__(self, wall=None, rss_kib=None, status=None, skipped=None):
        self.wall, self.rss_kib, self.status, self.skipped = wall, rss_kib, status, skipped

    def as_dict(self):
        return {"wall_s": self.wall, "peak_rss_kib": self.rss_kib, "exit": self.status, "skipped": self.skipped}


def timed(argv, stdout=subprocess.DEVNULL, timeout=None, env=None, cwd=None, time_file=None):
    """Runs argv under /usr/bin/time -f '%e %M'; wall time from perf_counter (10 ms resolution of
    %e is too coarse for sub-second runs), peak RSS from %M (the largest process of the tree)."""
    if time_file is None:
        fd, time_file = tempfile.mkstemp(prefix="kymon-bench-time.")
        os.close(fd)
    command = [TIME, "-f", "%e %M", "-o", time_file, "--"] + list(argv)
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=stdout, stderr=subprocess.PIPE, env=env, cwd=cwd, start_new_session=True)
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop_group(proc)
        return Timed(skipped="timed out after %d s" % timeout)
    wall = time.perf_counter() - start
    try:
        with open(time_file) as f:
            last = [line for line in f.read().splitlines() if line.strip()][-1].split()
        rss = int(last[1])
    except (OSError, IndexError, ValueError):
        rss = None
    finally:
        if os.path.exists(time_file):
            os.unlink(time_file)
    result = Timed(wall, rss, proc.returncode)
    if proc.returncode != 0:
        result.stderr = err.decode(errors="replace")[-2000:]
    return result


def start(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=None, cwd=None, stdin=subprocess.DEVNULL):
    """Starts a long-running process in its own process group (stopped with stop_group)."""
    return subprocess.Popen(argv, stdout=stdout, stderr=stderr, env=env, cwd=cwd, stdin=stdin, start_new_session=True)


def stop_group(proc, sig=signal.SIGTERM, grace=15.0):
    """Signals the process group of proc, waits, then kills what is left. Returns the exit status."""
    if proc is None:
        return None
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # anything the leader left behind
    except ProcessLookupError:
        pass
    try:
        return proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        return None


def cpu_ticks(pid):
    """utime + stime of pid (all threads), in clock ticks; None when it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return None


def status_kib(pid, key="VmRSS"):
    """A /proc/<pid>/status figure in KiB (VmRSS, VmHWM); None when it is gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def resident_breakdown(pid):
    """Resident KiB of a process by kind, from /proc/<pid>/smaps: the executable's code (r-x), the
    rest of the executable, shared libraries, and anonymous memory (heap, stacks); None if unreadable."""
    try:
        exe = os.readlink("/proc/%d/exe" % pid)
        lines = open("/proc/%d/smaps" % pid).read().splitlines()
    except OSError:
        return None
    kinds = {"binary_code": 0, "binary_other": 0, "libraries": 0, "anonymous": 0}
    kind = None
    for line in lines:
        fields = line.split()
        if fields and "-" in fields[0] and ":" not in fields[0]:
            path = fields[5] if len(fields) > 5 else ""
            if path == exe:
                kind = "binary_code" if "x" in fields[1] else "binary_other"
            elif path.startswith("/"):
                kind = "libraries"
            else:
                kind = "anonymous"
        elif kind and fields and fields[0] == "Rss:":
            kinds[kind] += int(fields[1])
    return kinds


def free_port():
    """A loopback port that was free a moment ago (for programs that cannot take port 0)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


def median(values):
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def percentile(values, p):
    values = sorted(values)
    if not values:
        return None
    k = (len(values) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)
