"""The processes the live scenarios run: the fake ComfyUI, a private redis-server, kymon watch.
Each is a context manager that stops its whole process group on the way out."""
import json
import os
import subprocess
import time
import urllib.request

import measure

LIB = os.path.dirname(os.path.abspath(__file__))


class FakeServer:
    """fakeserver.py in its own process. `url` goes through the byte-counting proxy."""

    def __init__(self, ctx, name, history, queue="empty", bridge=False, workflow_bytes=None):
        self.ctx, self.name = ctx, name
        self.argv = [ctx.python, os.path.join(LIB, "fakeserver.py"), "--repo", ctx.repo, "--history", str(history), "--queue", queue,
                     "--workflow-bytes", str(ctx.args.server_workflow_bytes if workflow_bytes is None else workflow_bytes), "--seed", str(ctx.args.seed)]
        if bridge:
            self.argv.append("--bridge")
        self.proc = None

    def __enter__(self):
        self.log = open(os.path.join(self.ctx.work, "fakeserver-%s.log" % self.name), "w")
        self.proc = measure.start(self.argv, stdout=subprocess.PIPE, stderr=self.log)
        line = self.proc.stdout.readline()
        if not line:
            self.__exit__(None, None, None)
            raise RuntimeError("the fake server did not start; see %s" % self.log.name)
        info = json.loads(line)
        self.control = "http://127.0.0.1:%d" % info["port"]
        self.url = "http://127.0.0.1:%d" % info["proxy_port"]
        self.port = info["proxy_port"]
        return self

    def __exit__(self, *exc):
        measure.stop_group(self.proc)
        self.log.close()

    def _call(self, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.control + path, data=data, method="POST" if data is not None else "GET",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    def stats(self, since=0):
        return self._call("/_bench/stats?since=%d" % since)

    def play(self, name, **spec):
        spec["name"] = name
        return self._call("/_bench/script", spec)

    def wait_script(self, timeout, poll=0.5, on_poll=None):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.stats(since=10**9)["script"]
            if on_poll:
                on_poll(status)
            if status.get("done"):
                return status
            time.sleep(poll)
        self._call("/_bench/stop", {})
        status = self.stats(since=10**9)["script"]
        status["timed_out"] = True
        return status


class Redis:
    """A private redis-server on a free loopback port: no persistence, stopped on exit."""

    def __init__(self, ctx):
        self.ctx = ctx

    def __enter__(self):
        self.port = measure.free_port()
        folder = os.path.join(self.ctx.work, "redis")
        os.makedirs(folder, exist_ok=True)
        self.proc = measure.start(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                   "--dir", folder, "--daemonize", "no", "--protected-mode", "yes", "--loglevel", "warning"])
        ok = measure.wait_until(lambda: self.cli("PING") == "PONG", timeout=10, interval=0.1)
        if not ok:
            self.__exit__(None, None, None)
            raise RuntimeError("redis-server did not answer on port %d" % self.port)
        self.url = "redis://127.0.0.1:%d/0" % self.port
        return self

    def cli(self, *command):
        result = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(self.port)] + list(command), capture_output=True, text=True, timeout=10)
        return result.stdout.strip()

    def __exit__(self, *exc):
        measure.stop_group(self.proc)


class Watch:
    """`kymon watch` with its events in a file; `pid` for /proc sampling."""

    def __init__(self, ctx, name, server_url, extra=(), env=None):
        self.ctx, self.name = ctx, name
        self.argv = [ctx.kymon, "watch", "--server", server_url, "--format", "jsonl"] + list(extra)
        self.env = ctx.kymon_env(env or {})
        self.events_path = os.path.join(ctx.work, "watch-%s.jsonl" % name)

    def __enter__(self):
        self.out = open(self.events_path, "w")
        self.err = open(self.events_path + ".stderr", "w")
        self.proc = measure.start(self.argv, stdout=self.out, stderr=self.err, env=self.env, cwd=self.ctx.cwd)
        self.pid = self.proc.pid
        return self

    def __exit__(self, *exc):
        self.exit_status = measure.stop_group(self.proc)
        self.out.close()
        self.err.close()

    def alive(self):
        return self.proc.poll() is None

    def events(self):
        """The kymon.event/1 documents written so far."""
        found = []
        with open(self.events_path) as f:
            for line in f:
                if line.endswith("\n"):
                    try:
                        found.append(json.loads(line))
                    except ValueError:
                        pass
        return found

    def follow(self):
        """Reads the events written since the last call; returns the ids reported completed so far."""
        state = getattr(self, "_follow", None) or {"offset": 0, "completed": set()}
        self._follow = state
        with open(self.events_path, "rb") as f:
            f.seek(state["offset"])
            for line in f:
                if not line.endswith(b"\n"):
                    break
                state["offset"] += len(line)
                if b'"event":"completed"' in line:
                    state["completed"].add(json.loads(line)["info"]["id"])
        return state["completed"]

    def stderr_tail(self, limit=1500):
        with open(self.events_path + ".stderr", errors="replace") as f:
            return f.read()[-limit:]
