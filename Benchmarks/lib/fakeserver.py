"""A fake ComfyUI 0.8 server for the benchmarks (aiohttp, 127.0.0.1, port 0).

Serves /queue, /history (max_items/offset as ComfyUI does: the newest N), /history/{id},
/api/jobs (limit, offset, status filter, newest first), /system_stats, /prompt, /ws (status
frames, and execution frames when --bridge says the kymon bridge is installed) and, with
--bridge, /kymon/state. A byte-counting TCP proxy in front of it measures what a client sends
and receives on the wire. /_bench/* (not through the proxy, not logged) lets the harness read
counters and request logs and start the drivers in drivers.py.

Prints one JSON line {"port", "proxy_port", "history"} once it listens; stops on SIGTERM.
"""
import argparse
import asyncio
import json
import os
import signal
import sys
import time

from aiohttp import WSMsgType, web

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import datagen  # noqa: E402
import drivers  # noqa: E402

JOB_STATUSES = ("pending", "in_progress", "completed", "failed")


class State:
    def __init__(self, repo, bridge, factory):
        self.repo = repo
        self.bridge = bridge
        self.factory = factory
        self.history_ids = []
        self.history = {}  # id -> b'"id": {...}'
        self.jobs = {}  # id -> summary of a finished prompt
        self.looked_up = set()  # ids asked for as /history/{id}
        self.running = []  # Built
        self.pending = []
        self.sockets = {}  # ws -> client id
        self.requests = []  # [t, method, target, status, body bytes]
        self.counters = {"c2s": 0, "s2c": 0, "connections": 0}
        self.script = None
        self.script_status = {}
        self.number = 0
        self.system_stats = datagen.captured_bytes(repo, "s00-idle-baseline", "05-system-stats.json")

    # --- history and queue ---
    def add_history(self, built):
        piece = ('"%s": %s' % (built.id, built.entry_text)).encode()
        if built.id not in self.history:
            self.history_ids.append(built.id)
        self.history[built.id] = piece
        self.jobs[built.id] = built.job

    def history_body(self, max_items=None, offset=-1):
        ids = self.history_ids
        if offset < 0 and max_items is not None:
            offset = max(0, len(ids) - max_items)
        offset = max(offset, 0)
        chosen = ids[offset:] if max_items is None else ids[offset:offset + max_items]
        return b"{" + b", ".join(self.history[i] for i in chosen) + b"}"

    def queue_body(self):
        running = ", ".join(b.queue_text for b in self.running)
        pending = ", ".join(b.queue_text for b in self.pending)
        return ('{"queue_running": [%s], "queue_pending": [%s]}' % (running, pending)).encode()

    def next_number(self):
        self.number += 1
        return self.number

    def queue_remaining(self):
        return len(self.running) + len(self.pending)

    # --- socket ---
    async def broadcast(self, text, execution=False):
        """status goes to every socket; execution events only reach kymon through the bridge."""
        if execution and not self.bridge:
            return
        for ws in list(self.sockets):
            if not ws.closed:
                try:
                    await ws.send_str(text)
                except (ConnectionError, RuntimeError):
                    pass

    async def send_status(self):
        await self.broadcast('{"type": "status", "data": {"status": {"exec_info": {"queue_remaining": %d}}}}' % self.queue_remaining())


def json_response(body, status=200):
    return web.Response(body=body, status=status, content_type="application/json", charset="utf-8")


def make_app(state):
    routes = web.RouteTableDef()

    @web.middleware
    async def log_requests(request, handler):
        response = await handler(request)
        if not request.path.startswith("/_bench/"):
            size = len(response.body) if isinstance(response, web.Response) and response.body is not None else 0
            state.requests.append([time.time(), request.method, request.path_qs, response.status, size])
        return response

    @routes.get("/queue")
    @routes.get("/api/queue")
    async def queue(request):
        return json_response(state.queue_body())

    @routes.get("/history")
    @routes.get("/api/history")
    async def history(request):
        max_items = request.query.get("max_items")
        offset = int(request.query.get("offset", -1))
        return json_response(state.history_body(int(max_items) if max_items else None, offset))

    @routes.get("/history/{prompt_id}")
    @routes.get("/api/history/{prompt_id}")
    async def history_entry(request):
        state.looked_up.add(request.match_info["prompt_id"])
        piece = state.history.get(request.match_info["prompt_id"])
        return json_response(b"{" + piece + b"}" if piece else b"{}")

    @routes.get("/api/jobs")
    async def jobs(request):
        wanted = [s for s in request.query.get("status", "").split(",") if s]
        bad = [s for s in wanted if s not in JOB_STATUSES]
        if bad:
            return json_response(json.dumps({"error": "Invalid status value(s): %s. Valid values: %s" % (", ".join(bad), ", ".join(JOB_STATUSES))}).encode(), 400)
        items = [active_job(b, "in_progress") for b in state.running] + [active_job(b, "pending") for b in state.pending]
        items += list(state.jobs.values())
        if wanted:
            items = [j for j in items if j["status"] in wanted]
        items.sort(key=lambda j: j.get("create_time") or 0, reverse=True)
        offset = int(request.query.get("offset", 0))
        limit = request.query.get("limit")
        limit = int(limit) if limit else None
        page = items[offset:] if limit is None else items[offset:offset + limit]
        pagination = {"offset": offset, "limit": limit, "total": len(items), "has_more": offset + len(page) < len(items)}
        return json_response(json.dumps({"jobs": page, "pagination": pagination}).encode())

    @routes.get("/api/jobs/{prompt_id}")
    async def job(request):
        prompt_id = request.match_info["prompt_id"]
        found = state.jobs.get(prompt_id) or next((active_job(b, s) for s, group in (("in_progress", state.running), ("pending", state.pending))
                                                   for b in group if b.id == prompt_id), None)
        if not found:
            return json_response(b'{"error": "Job not found"}', 404)
        return json_response(json.dumps(found).encode())

    @routes.get("/system_stats")
    @routes.get("/api/system_stats")
    async def system_stats(request):
        return json_response(state.system_stats)

    @routes.get("/prompt")
    @routes.get("/api/prompt")
    async def prompt(request):
        return json_response(json.dumps({"exec_info": {"queue_remaining": state.queue_remaining()}}).encode())

    @routes.get("/kymon/state")
    @routes.get("/api/kymon/state")
    async def kymon_state(request):
        if not state.bridge:
            raise web.HTTPNotFound()
        return json_response(b'{"bridge":"kymon","version":1,"running":[]}')

    @routes.get("/ws")
    async def websocket(request):
        ws = web.WebSocketResponse(autoping=True, max_msg_size=1 << 20)
        await ws.prepare(request)
        client_id = request.query.get("clientId", "anonymous")
        state.sockets[ws] = client_id
        await ws.send_str(json.dumps({"type": "status", "data": {"status": {"exec_info": {"queue_remaining": state.queue_remaining()}}, "sid": client_id}}))
        try:
            async for message in ws:
                if message.type in (WSMsgType.ERROR, WSMsgType.CLOSE):
                    break
        finally:
            state.sockets.pop(ws, None)
        return ws

    @routes.get("/_bench/stats")
    async def stats(request):
        since = int(request.query.get("since", 0))
        return web.json_response({"counters": state.counters, "requests": state.requests[since:], "request_count": len(state.requests),
                                  "sockets": list(state.sockets.values()), "script": state.script_status, "history": len(state.history_ids)})

    @routes.post("/_bench/script")
    async def script(request):
        spec = await request.json()
        if state.script and not state.script.done():
            return web.json_response({"error": "a script is running"}, status=409)
        state.script_status = {"name": spec["name"], "done": False}
        state.script = asyncio.ensure_future(drivers.run(state, spec))
        return web.json_response({"started": spec["name"]})

    @routes.post("/_bench/stop")
    async def stop_script(request):
        if state.script and not state.script.done():
            state.script.cancel()
        return web.json_response({"stopped": True})

    app = web.Application(middlewares=[log_requests], client_max_size=1 << 20)
    app.add_routes(routes)
    return app


def active_job(built, status):
    job = {"id": built.id, "status": status, "priority": built.number, "create_time": built.job.get("create_time"), "outputs_count": 0}
    if built.job.get("workflow_id"):
        job["workflow_id"] = built.job["workflow_id"]
    return job


async def start_proxy(state, backend_port):
    """A TCP proxy to the server that counts the bytes each way (the client's wire traffic)."""

    async def pump(reader, writer, key):
        try:
            while True:
                data = await reader.read(1 << 16)
                if not data:
                    break
                state.counters[key] += len(data)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            try:
                writer.close()
            except RuntimeError:
                pass

    async def accept(client_reader, client_writer):
        state.counters["connections"] += 1
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", backend_port)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pump(client_reader, server_writer, "c2s"), pump(server_reader, client_writer, "s2c"))

    return await asyncio.start_server(accept, "127.0.0.1", 0)


def load_history(state, entries):
    for number in range(entries):
        state.add_history(state.factory.entry(state.next_number()))


def load_queue(state, kind):
    """`captured`: the 1 running + 3 pending prompts of capture s06 (in heap order, as served)."""
    if kind != "captured":
        return
    queue = datagen.captured_json(state.repo, "s06-queue-delete", "05-queue-1-running-3-pending.json")
    for group, target in (("queue_running", state.running), ("queue_pending", state.pending)):
        for item in queue[group]:
            job = {"id": item[1], "create_time": item[3].get("create_time")}
            target.append(datagen.Built(item[1], "queued", item[0], None, json.dumps(item), job))


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", required=True)
    parser.add_argument("--history", type=int, default=30)
    parser.add_argument("--workflow-bytes", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--queue", choices=["empty", "captured"], default="empty")
    parser.add_argument("--bridge", action="store_true")
    args = parser.parse_args()

    factory = datagen.EntryFactory(args.repo, args.seed, args.workflow_bytes)
    state = State(args.repo, args.bridge, factory)
    load_history(state, args.history)
    load_queue(state, args.queue)

    runner = web.AppRunner(make_app(state), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    proxy = await start_proxy(state, port)
    proxy_port = proxy.sockets[0].getsockname()[1]
    print(json.dumps({"port": port, "proxy_port": proxy_port, "history": len(state.history_ids)}), flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    if state.script:
        state.script.cancel()
    for ws in list(state.sockets):
        await ws.close()
    proxy.close()
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
