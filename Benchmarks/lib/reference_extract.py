"""The Python reference for `kymon replay dump.json --format jsonl`: json.load a /history
document, then for each entry print id, status, queue number, create/start/end times and the
error type and message, one JSON object per line.

Usage: reference_extract.py HISTORY.json [OUT.jsonl]
"""
import json
import sys


def extract(prompt_id, entry):
    status = entry.get("status") or {}
    prompt = entry.get("prompt") or []
    extra = prompt[3] if len(prompt) > 3 and isinstance(prompt[3], dict) else {}
    info = {"id": prompt_id, "status": "completed" if status.get("status_str") == "success" else "failed",
            "number": prompt[0] if prompt else None, "create_time": extra.get("create_time")}
    for name, data in status.get("messages") or []:
        if name == "execution_start":
            info["start_time"] = data.get("timestamp")
        elif name in ("execution_success", "execution_error", "execution_interrupted"):
            info["end_time"] = data.get("timestamp")
        if name == "execution_interrupted":
            info["status"] = "interrupted"
        elif name == "execution_error":
            info["error_type"] = data.get("exception_type")
            info["error_message"] = (data.get("exception_message") or "").rstrip("\n")
    return info


def main():
    with open(sys.argv[1], "rb") as f:
        history = json.load(f)
    out = open(sys.argv[2], "w") if len(sys.argv) > 2 else sys.stdout
    for prompt_id, entry in history.items():
        out.write(json.dumps(extract(prompt_id, entry)) + "\n")
    out.close()


if __name__ == "__main__":
    main()
