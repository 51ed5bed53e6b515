#!/usr/bin/env python3
"""Side-by-side: trafilatura (PyPI) and ours on the generated benchmark pages.

    EXTRACT_BENCH_DUMP=/tmp/xpages cargo bench --bench extract
    python3 bench/extract-trafilatura.py /tmp/xpages [--limit N] [--scorer PATH/score_body.py]

Runs trafilatura's bare_extraction (with metadata) on every page in one
process, times it (pages/s on one core), then scores trafilatura and our two
paths (ours-selectors.jsonl, ours-generic.jsonl written by the bench) on the
same truth: title exact match, date exact match, and body F1/P/R with the
article-extraction-benchmark scorer (--tokens cjk).
"""
import argparse
import json
import os
import subprocess
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("dir")
ap.add_argument("--limit", type=int, default=0)
ap.add_argument("--scorer", default="/work/shared/eval/magic-html-zh/score_body.py")
args = ap.parse_args()

import trafilatura  # noqa: E402

truth = [json.loads(l) for l in open(os.path.join(args.dir, "truth.jsonl"), encoding="utf-8")]
if args.limit:
    truth = truth[: args.limit]
files = {t["file"] for t in truth}

pred = []
start = time.perf_counter()
for t in truth:
    html = open(os.path.join(args.dir, t["file"]), encoding="utf-8").read()
    doc = trafilatura.bare_extraction(html, url=t["url"], with_metadata=True)
    if doc is None:
        pred.append({"file": t["file"], "text": "", "title": "", "date": None})
        continue
    d = doc.as_dict() if hasattr(doc, "as_dict") else doc
    pred.append({"file": t["file"], "text": d.get("text") or "", "title": d.get("title") or "",
                 "date": (d.get("date") or None)})
secs = time.perf_counter() - start
traf_path = os.path.join(args.dir, "trafilatura.jsonl")
with open(traf_path, "w", encoding="utf-8") as f:
    for p in pred:
        f.write(json.dumps(p, ensure_ascii=False) + "\n")
print(f"trafilatura {trafilatura.__version__}: {len(truth)} pages in {secs:.1f} s = {len(truth) / secs:.0f} pages/s (one core)")

ground = os.path.join(args.dir, "ground.json")
json.dump({t["file"][:-5]: {"articleBody": t["body"]} for t in truth}, open(ground, "w", encoding="utf-8"),
          ensure_ascii=False)
by_file = {t["file"]: t for t in truth}


def score(name, path):
    rows = [json.loads(l) for l in open(path, encoding="utf-8")]
    rows = [r for r in rows if r["file"] in files]
    sub = path + ".sub"
    with open(sub, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    body = json.loads(subprocess.check_output([sys.executable, args.scorer, "--truth", ground, "--pred", sub,
                                               "--tokens", "cjk"]))
    title = sum(r["title"] == by_file[r["file"]]["title"] for r in rows) / len(rows)
    date = sum((r.get("date") or "") == by_file[r["file"]]["date"] for r in rows) / len(rows)
    print(f"{name:16} title exact {title:.3f}  date exact {date:.3f}  body F1 {body['f1']:.4f} "
          f"P {body['precision']:.4f} R {body['recall']:.4f}  exact bodies {body['accuracy']:.3f}")


for name, fname in [("ours selectors", "ours-selectors.jsonl"), ("ours generic", "ours-generic.jsonl"),
                    ("trafilatura", "trafilatura.jsonl")]:
    score(name, os.path.join(args.dir, fname))
