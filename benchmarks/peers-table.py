#!/usr/bin/env python3
"""Turns the JSON files of benchmarks/run-peers.sh into the Markdown tables of docs/benchmarks.md.
usage: peers-table.py OUT_DIR [python-timings.json]
Each cell is the best (lowest) of the per-round medians: every tool ran in every round, interleaved per image, so the
minimum is the round least disturbed by other processes on the shared machine. The spread across rounds is shown too."""
import glob, json, os, sys

out = sys.argv[1]
earlier = json.load(open(sys.argv[2])) if len(sys.argv) > 2 else None

def rounds(pattern):
    return [json.load(open(p)) for p in sorted(glob.glob(os.path.join(out, pattern)))]

def best(values):
    return min(values)

def spread(values):
    return f"{min(values):.1f}–{max(values):.1f}" if len(values) > 1 else f"{values[0]:.1f}"

def images():
    names = []
    for p in sorted(glob.glob(os.path.join(out, "tessera-qwen2vl-*-1.json"))):
        names.append(os.path.basename(json.load(open(p))["results"][0]["image"]))
    return names

def tessera(pipeline, stem):
    rs = [r["results"][0] for r in rounds(f"tessera-{pipeline}-{stem}-*.json")]
    return {k: [r[k] for r in rs] for k in ("decode_ms", "preprocess_ms", "floor_ms", "allocated_bytes")} | {"w": rs[0]["width"], "h": rs[0]["height"]}

def python(stem):
    rs = [r["results"][0] for r in rounds(f"python-{stem}-*.json")]
    return {k: [r[k] for r in rs] for k in ("decode_ms", "preprocess_ms")}

def tjs(stem):
    rs = [r["results"][0] for r in rounds(f"tjs-{stem}-*.json")]
    return {k: [r[k]["median_ms"] for r in rs] for k in ("decode", "process", "full")}

names = images()
print("### Qwen2-VL, side by side (ms; best of the per-round medians, range across rounds in brackets)\n")
print("| image | size | Tessera decode | Tessera preprocess | alloc B | floor | Python decode | Python preprocess | t.js decode | t.js processor | t.js decode+processor |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
rows = []
for name in names:
    stem = os.path.splitext(name)[0]
    t, p, j = tessera("qwen2vl", stem), python(stem), tjs(stem)
    rows.append((name, t, p, j))
    print(f"| {name} | {t['w']}×{t['h']} | {best(t['decode_ms']):.2f} ({spread(t['decode_ms'])}) | {best(t['preprocess_ms']):.2f} ({spread(t['preprocess_ms'])}) "
          f"| {max(t['allocated_bytes'])} | {best(t['floor_ms']):.2f} | {best(p['decode_ms']):.2f} ({spread(p['decode_ms'])}) | {best(p['preprocess_ms']):.2f} ({spread(p['preprocess_ms'])}) "
          f"| {best(j['decode']):.1f} | {best(j['process']):.1f} ({spread(j['process'])}) | {best(j['full']):.1f} |")

print("\n### Qwen2-VL ratios (peer time / Tessera time, from the best-round values above)\n")
print("| image | vs Python, preprocess only | vs Python, decode + preprocess | vs t.js, processor only | vs t.js, decode + processor |")
print("|---|---:|---:|---:|---:|")
for name, t, p, j in rows:
    td, tp = best(t["decode_ms"]), best(t["preprocess_ms"])
    print(f"| {name} | {best(p['preprocess_ms']) / tp:.1f}× | {(best(p['decode_ms']) + best(p['preprocess_ms'])) / (td + tp):.1f}× "
          f"| {best(j['process']) / tp:.1f}× | {best(j['full']) / (td + tp):.1f}× |")

print("\n### InternVL (model card: 448-px tiles, max_num 12, thumbnail)\n")
print("Python columns: `python-timings.json`, an earlier run of the real upstream processors on the same kind of VM — NOT side by side.\n")
print("| image | size | Tessera decode | Tessera preprocess | alloc B | floor | Python decode (earlier) | Python InternVL (earlier) | preprocess ratio | decode+preprocess ratio |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
prior = {r["file"]: r for r in earlier["results"]} if earlier else {}
for name in names:
    stem = os.path.splitext(name)[0]
    t = tessera("internvl", stem)
    td, tp = best(t["decode_ms"]), best(t["preprocess_ms"])
    e = prior.get(name)
    if e and "internvl" in e:
        ed, ei = e["decode"]["median_ms"], e["internvl"]["median_ms"]
        tail = f"{ed:.2f} | {ei:.2f} | {ei / tp:.1f}× | {(ed + ei) / (td + tp):.1f}×"
    else:
        tail = "– | – | – | –"
    print(f"| {name} | {t['w']}×{t['h']} | {td:.2f} ({spread(t['decode_ms'])}) | {tp:.2f} ({spread(t['preprocess_ms'])}) | {max(t['allocated_bytes'])} | {best(t['floor_ms']):.2f} | {tail} |")
