#!/usr/bin/env python3
"""Scores `radar extract` on the held-out extraction set (tests/fixtures/extract-heldout).

For every PAGE.html with its PAGE.json ground truth, runs
    radar extract [--source SOURCE] --url URL PAGE.html
and checks title, pretitle, author, published (day; minute when both give one),
body start, body end, furniture kept out of the body, and the body's character
F1 (bag of non-space characters, the measure of article-extraction-benchmark).
Prints one line per page, then the totals.

    bench/extract-heldout.py [--radar PATH] [--generic] [--verbose] [DIR]

--generic gives no source and a neutral URL, so the generic extractor alone is measured.
The ground-truth format is described in DIR/README.md.
"""
import argparse
import collections
import json
import pathlib
import re
import subprocess
import sys

WS = re.compile(r"[\s\u3000\u00a0]+")


def norm(s):
    return WS.sub(" ", s or "").strip()


def lines(s):
    return [norm(x) for x in (s or "").split("\n") if norm(x)]


def char_f1(pred, gold):
    p = collections.Counter(WS.sub("", pred or ""))
    g = collections.Counter(WS.sub("", gold or ""))
    common = sum((p & g).values())
    if not p and not g:
        return 1.0
    if common == 0:
        return 0.0
    prec, rec = common / sum(p.values()), common / sum(g.values())
    return 2 * prec * rec / (prec + rec)


def author_ok(pred, gt):
    pred = norm(pred)
    if not gt["author_names"]:
        return pred == ""
    if re.fullmatch(r"(L_)?\d+", pred):
        return False
    return all(n in pred for n in gt["author_names"])


def published_ok(pred, gt):
    pred = norm(pred)
    if pred[:10] != gt["published"][:10]:
        return False
    m = re.search(r"[T ](\d{2}:\d{2})", pred)
    return not m or m.group(1) == gt["published"][11:16]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", nargs="?", default="tests/fixtures/extract-heldout")
    ap.add_argument("--radar", default="target/debug/radar")
    ap.add_argument("--generic", action="store_true")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    checks = ["title", "pretitle", "author", "published", "start", "end", "clean"]
    ok = collections.Counter()
    f1s = []
    pages = sorted(pathlib.Path(a.dir).glob("*.json"))
    for gtp in pages:
        gt = json.loads(gtp.read_text(encoding="utf-8"))
        if a.generic:  # a neutral URL: no source is recognised from it, as in examples/extract_eval.rs
            cmd = [a.radar, "extract", "--url", "http://localhost/eval.html", str(gtp.with_name(gt["page"]))]
        else:
            cmd = [a.radar, "extract", "--source", gt["source"], "--url", gt["url"], str(gtp.with_name(gt["page"]))]
        out = subprocess.run(cmd, capture_output=True, text=True)
        try:
            pred = json.loads(out.stdout[: out.stdout.rindex("}") + 1])
        except ValueError:
            print(f"{gt['page']}: no JSON from radar: {out.stderr.strip()[:200]}")
            f1s.append(0.0)
            continue
        body = pred.get("body") or pred.get("text") or ""
        pl, gl = lines(body), lines(gt["body"])
        opt = {norm(x) for x in gt.get("optional_lines", [])}
        gl_req = [x for x in gl if x not in opt]
        pl_req = [x for x in pl if x not in opt]
        res = {
            "title": norm(pred.get("title")) == norm(gt["title"]),
            "pretitle": norm(pred.get("pretitle")) == norm(gt["pretitle"]),
            "author": author_ok(pred.get("author"), gt),
            "published": published_ok(pred.get("published"), gt),
            "start": bool(pl) and pl[0] == gl[0],
            "end": bool(pl_req) and pl_req[-1] == gl_req[-1],
            "clean": not any(norm(f) in norm(body) for f in gt["furniture"]),
        }
        f1 = char_f1("\n".join(pl), "\n".join(gl))
        f1s.append(f1)
        for k, v in res.items():
            ok[k] += v
        bad = [k for k in checks if not res[k]]
        print(f"{gt['page']:24s} {gt['template']:15s} F1 {f1:.3f}  {'ok' if not bad else 'wrong: ' + ', '.join(bad)}")
        if a.verbose and bad:
            print(f"    author {pred.get('author')!r} (truth {gt['author']!r}); pretitle {pred.get('pretitle')!r} (truth {gt['pretitle']!r})")
            print(f"    start {pl[:1]!r}\n    end   {pl[-1:]!r}")
    n = len(pages)
    print(f"{n} pages: " + "  ".join(f"{k} {ok[k]}/{n}" for k in checks) + f"  body char-F1 {sum(f1s) / max(n, 1):.3f}")


if __name__ == "__main__":
    sys.exit(main())
