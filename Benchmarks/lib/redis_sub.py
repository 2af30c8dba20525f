"""A tiny RESP subscriber: SUBSCRIBE to a channel, stamp every message with CLOCK_MONOTONIC at
receipt (the clock the fake server stamps its sends with), stop at the message "__bench_stop__",
then write [t_ns, event, prompt id, current node id, node_progress value] lines.

Usage: redis_sub.py PORT CHANNEL OUT.jsonl   (prints "ready" once subscribed)
"""
import json
import socket
import sys
import time

STOP = b"__bench_stop__"


def parse(buffer, start):
    """One RESP value at buffer[start:]: (value, next index), or None when incomplete."""
    end = buffer.find(b"\r\n", start)
    if end < 0:
        return None
    kind, head = buffer[start:start + 1], buffer[start + 1:end]
    if kind == b"*":
        items, index = [], end + 2
        for _ in range(int(head)):
            parsed = parse(buffer, index)
            if parsed is None:
                return None
            value, index = parsed
            items.append(value)
        return items, index
    if kind == b"$":
        length = int(head)
        if length < 0:
            return None, end + 2
        if len(buffer) < end + 2 + length + 2:
            return None
        return bytes(buffer[end + 2:end + 2 + length]), end + 4 + length
    if kind == b":":
        return int(head), end + 2
    return bytes(head), end + 2  # + simple string, - error


def main():
    port, channel, out_path = int(sys.argv[1]), sys.argv[2].encode(), sys.argv[3]
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(b"*2\r\n$9\r\nSUBSCRIBE\r\n$%d\r\n%s\r\n" % (len(channel), channel))
    buffer = bytearray()
    received = []
    subscribed = False
    while True:
        chunk = sock.recv(1 << 20)
        now = time.monotonic_ns()
        if not chunk:
            break
        buffer += chunk
        index = 0
        stop = False
        while True:
            parsed = parse(buffer, index)
            if parsed is None:
                break
            value, index = parsed
            if isinstance(value, list) and value and value[0] == b"subscribe" and not subscribed:
                subscribed = True
                print("ready", flush=True)
            elif isinstance(value, list) and len(value) == 3 and value[0] == b"message":
                if value[2] == STOP:
                    stop = True
                else:
                    received.append((now, value[2]))
        del buffer[:index]
        if stop:
            break
    with open(out_path, "w") as out:
        for t, payload in received:
            try:
                doc = json.loads(payload)
            except ValueError:
                continue
            info = doc.get("info") or {}
            node = (info.get("current_node") or {}).get("id")
            progress = (info.get("node_progress") or {}).get("value")
            out.write(json.dumps([t, doc.get("event"), info.get("id"), node, progress]) + "\n")


if __name__ == "__main__":
    main()
