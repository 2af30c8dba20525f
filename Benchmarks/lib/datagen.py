"""Deterministic test data built from the real ComfyUI captures.

History entries are clones of the captured ones (success, error, interrupted) with new prompt
ids, queue numbers and timestamps, and a generated browser UI workflow (LiteGraph shape: id,
nodes with pos/size/widgets_values, links, groups, ...) under prompt[3].extra_pnginfo.workflow.
Everything comes from a seeded random.Random, so the same arguments give the same bytes.
"""
import json
import os
import random
import uuid

GENERATOR_VERSION = 3
CAPTURES = os.path.join("Tests", "KyQueryTests", "Captures")
STREAMS = os.path.join("Tests", "KyWatchTests", "Streams")
BASE_TIME_MS = 1795900000000  # the captures' clock reads 2026
WORKFLOW_PLACEHOLDER = '"__KYMON_BENCH_WORKFLOW__"'

NODE_TYPES = [
    ("CheckpointLoaderSimple", [], ["MODEL", "CLIP", "VAE"], lambda r: [r.choice(["sd_xl_base_1.0.safetensors", "dreamshaper_8.safetensors", "flux1-dev-fp8.safetensors"])]),
    ("CLIPTextEncode", ["CLIP"], ["CONDITIONING"], lambda r: [prompt_text(r)]),
    ("KSampler", ["MODEL", "CONDITIONING", "CONDITIONING", "LATENT"], ["LATENT"],
     lambda r: [r.getrandbits(48), "randomize", r.randint(8, 60), round(r.uniform(1, 12), 1), r.choice(["euler", "dpmpp_2m", "uni_pc"]), "karras", 1]),
    ("EmptyLatentImage", [], ["LATENT"], lambda r: [r.choice([512, 768, 1024]), r.choice([512, 768, 1024]), 1]),
    ("VAEDecode", ["LATENT", "VAE"], ["IMAGE"], lambda r: []),
    ("SaveImage", ["IMAGE"], [], lambda r: ["ComfyUI_%05d" % r.randint(0, 99999)]),
    ("LoraLoader", ["MODEL", "CLIP"], ["MODEL", "CLIP"], lambda r: ["lora_%d.safetensors" % r.randint(1, 40), round(r.uniform(0, 1), 2), round(r.uniform(0, 1), 2)]),
    ("ImageScale", ["IMAGE"], ["IMAGE"], lambda r: ["bilinear", r.randint(256, 2048), r.randint(256, 2048), "disabled"]),
    ("ControlNetApplyAdvanced", ["CONDITIONING", "CONDITIONING", "CONTROL_NET", "IMAGE"], ["CONDITIONING", "CONDITIONING"], lambda r: [round(r.uniform(0, 1), 2), 0, 1]),
    ("Note", [], [], lambda r: [prompt_text(r) * 3]),
]
WORDS = ("a photo of an astronaut riding a horse, cinematic lighting, 35mm, masterpiece, best quality, "
         "highly detailed, \"sharp focus\", bokeh, ultra-wide, golden hour, watercolor, 夕焼け, ☀️ ,\n"
         "negative: blurry, lowres, jpeg artifacts, watermark, text, bad anatomy").split(" ")


def prompt_text(rng):
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 80)))


def make_uuid(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def ui_workflow(rng, target_bytes):
    """A LiteGraph UI workflow of roughly target_bytes, serialized (its "id" comes first)."""
    nodes, links = [], []
    size = 0
    node_id = 0
    while size < target_bytes:
        node_id += 1
        kind, inputs, outputs, widgets = rng.choice(NODE_TYPES)
        node = {
            "id": node_id, "type": kind,
            "pos": [round(rng.uniform(-2000, 4000), 3), round(rng.uniform(-2000, 4000), 3)],
            "size": [round(rng.uniform(200, 500), 1), round(rng.uniform(60, 600), 1)],
            "flags": {"collapsed": rng.random() < 0.1} if rng.random() < 0.3 else {},
            "order": node_id - 1, "mode": 0 if rng.random() < 0.9 else 4,
            "inputs": [], "outputs": [],
            "properties": {"Node name for S&R": kind, "cnr_id": "comfy-core", "ver": "0.3.%d" % rng.randint(10, 70)},
            "widgets_values": widgets(rng),
        }
        for slot, typ in enumerate(inputs):
            link = None
            if node_id > 1 and rng.random() < 0.8:
                link = len(links) + 1
                links.append([link, rng.randint(1, node_id - 1), rng.randint(0, 2), node_id, slot, typ])
            node["inputs"].append({"name": typ.lower(), "type": typ, "link": link})
        for slot, typ in enumerate(outputs):
            node["outputs"].append({"name": typ, "type": typ, "links": [], "slot_index": slot})
        if rng.random() < 0.2:
            node["color"], node["bgcolor"] = "#232", "#353"
        nodes.append(node)
        size += len(json.dumps(node)) + 30
    groups = [{"id": g + 1, "title": "Group %d" % (g + 1), "bounding": [rng.randint(-2000, 4000), rng.randint(-2000, 4000), 800, 600],
               "color": "#3f789e", "font_size": 24, "flags": {}} for g in range(rng.randint(1, 6))]
    body = {"revision": 0, "last_node_id": node_id, "last_link_id": len(links), "nodes": nodes, "links": links, "groups": groups,
            "config": {}, "extra": {"ds": {"scale": round(rng.uniform(0.3, 1.5), 3), "offset": [rng.randint(-900, 900), rng.randint(-900, 900)]},
                                   "frontendVersion": "1.35.9", "VHS_latentpreview": False}, "version": 0.4}
    return json.dumps(body)[1:]  # '"revision": ...}' — the caller puts '{"id": "<uuid>", ' in front


class WorkflowPool:
    """A few distinct workflows; each use gets a fresh workflow id. next() gives (id, text)."""

    def __init__(self, rng, target_bytes, count=8):
        self.rng = rng
        self.tails = [ui_workflow(rng, target_bytes) for _ in range(count)] if target_bytes > 0 else []

    def next(self):
        workflow_id = make_uuid(self.rng)
        if not self.tails:
            return workflow_id, '{"id": "%s", "nodes": [], "links": []}' % workflow_id
        return workflow_id, '{"id": "%s", %s' % (workflow_id, self.rng.choice(self.tails))


def load_captured_history(repo):
    with open(os.path.join(repo, CAPTURES, "s09-final-snapshots", "01-history-all.json")) as f:
        return json.load(f)


def entry_kind(entry):
    names = [m[0] for m in entry["status"].get("messages", [])]
    if "execution_interrupted" in names:
        return "interrupted"
    if "execution_error" in names:
        return "failed"
    return "completed"


class Built:
    """One generated prompt: its history entry, its queue item and its /api/jobs summary."""

    def __init__(self, prompt_id, kind, number, entry_text, queue_text, job):
        self.id, self.kind, self.number = prompt_id, kind, number
        self.entry_text, self.queue_text, self.job = entry_text, queue_text, job


class EntryFactory:
    """Builds history entries (and queue items) from the captured templates."""

    # completed / failed / interrupted mix of a busy server
    WEIGHTS = {"completed": 0.85, "failed": 0.1, "interrupted": 0.05}

    def __init__(self, repo, seed, workflow_bytes):
        self.rng = random.Random(seed)
        captured = load_captured_history(repo)
        self.by_id = {k: json.dumps(v) for k, v in captured.items()}
        self.templates = {"completed": [], "failed": [], "interrupted": []}
        for prompt_id, entry in captured.items():
            self.templates[entry_kind(entry)].append(prompt_id)
        self.workflows = WorkflowPool(self.rng, workflow_bytes)
        self.clock = BASE_TIME_MS

    def pick_kind(self):
        x, acc = self.rng.random(), 0.0
        for kind, weight in self.WEIGHTS.items():
            acc += weight
            if x < acc:
                return kind
        return "completed"

    def entry(self, number, kind=None, template=None, workflow=True, start_ms=None, end_ms=None):
        """A new prompt numbered `number`, cloned from a captured entry (`template`, else one of
        `kind`, else one picked by WEIGHTS); `start_ms`/`end_ms` pin its start and end times."""
        if template is None:
            kind = kind or self.pick_kind()
            template = self.rng.choice(self.templates[kind])
        entry = json.loads(self.by_id[template])
        kind = entry_kind(entry)
        new_id = make_uuid(self.rng)
        messages = entry["status"]["messages"]
        first = next((d["timestamp"] for _, d in messages if "timestamp" in d), 0)
        if start_ms is None:
            self.clock += self.rng.randint(500, 20000)
            create = self.clock
            start_ms = create + self.rng.randint(1, 3000)
        else:
            create = start_ms - self.rng.randint(1, 50)
        for name, data in messages:
            if "timestamp" in data:
                data["timestamp"] += start_ms - first
                if end_ms is not None and name in ("execution_success", "execution_error", "execution_interrupted"):
                    data["timestamp"] = end_ms
        self.clock = max([self.clock] + [d.get("timestamp", 0) for _, d in messages])
        entry["prompt"][0] = number
        extra = entry["prompt"][3]
        extra["create_time"] = create
        workflow_id, workflow_text = self.workflows.next() if workflow else (None, None)
        if workflow:
            extra["extra_pnginfo"] = {"workflow": "__KYMON_BENCH_WORKFLOW__"}
        else:
            extra.pop("extra_pnginfo", None)
        job = job_summary(new_id, entry, kind, workflow_id)
        entry_text = json.dumps(entry).replace(template, new_id)
        queue_text = json.dumps(entry["prompt"]).replace(template, new_id)
        if workflow:
            entry_text = entry_text.replace(WORKFLOW_PLACEHOLDER, workflow_text, 1)
            queue_text = queue_text.replace(WORKFLOW_PLACEHOLDER, workflow_text, 1)
        return Built(new_id, kind, number, entry_text, queue_text, job)


def job_summary(prompt_id, entry, kind, workflow_id):
    """The /api/jobs list item ComfyUI 0.8 serves for a finished prompt (see the captures)."""
    messages = entry["status"]["messages"]
    times = {name: data.get("timestamp") for name, data in messages}
    job = {"id": prompt_id, "status": "completed" if kind == "completed" else "failed", "priority": entry["prompt"][0],
           "create_time": entry["prompt"][3].get("create_time"), "execution_start_time": times.get("execution_start"),
           "execution_end_time": times.get("execution_success") or times.get("execution_error") or times.get("execution_interrupted")}
    if "execution_error" in times:
        job["execution_error"] = json.loads(json.dumps(dict(messages)["execution_error"]).replace(entry["prompt"][1], prompt_id))
    files = [(node, item) for node, out in entry.get("outputs", {}).items() for item in out.get("images", [])]
    job["outputs_count"] = len(files)
    if files:
        node, item = files[0]
        job["preview_output"] = dict(item, nodeId=node, mediaType="images")
    if workflow_id:
        job["workflow_id"] = workflow_id
    return job


def write_history_dump(repo, path, entries, workflow_bytes, seed):
    """Writes a /history document of `entries` entries; reuses an identical earlier one."""
    manifest_path = path + ".manifest.json"
    manifest = {"generator": GENERATOR_VERSION, "entries": entries, "workflow_bytes": workflow_bytes, "seed": seed}
    if os.path.exists(path) and os.path.exists(manifest_path):
        with open(manifest_path) as f:
            old = json.load(f)
        if {k: old.get(k) for k in manifest} == manifest and old.get("bytes") == os.path.getsize(path):
            return old
    factory = EntryFactory(repo, seed, workflow_bytes)
    counts = {"completed": 0, "failed": 0, "interrupted": 0}
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as out:
        out.write("{")
        for number in range(entries):
            built = factory.entry(number)
            counts[built.kind] += 1
            out.write('%s"%s": %s' % (", " if number else "", built.id, built.entry_text))
        out.write("}")
    os.replace(tmp, path)
    manifest.update(bytes=os.path.getsize(path), kinds=counts)
    with open(manifest_path, "w") as f:
        json.dump(manifest, f)
    return manifest


def captured_json(repo, scenario, name):
    with open(os.path.join(repo, CAPTURES, scenario, name)) as f:
        return json.load(f)


def captured_bytes(repo, scenario, name):
    with open(os.path.join(repo, CAPTURES, scenario, name), "rb") as f:
        return f.read()
