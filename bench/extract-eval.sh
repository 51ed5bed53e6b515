#!/usr/bin/env bash
# Score the generic extractor on the Chinese magic-html set (59 pages with
# ground truth). Pages stay outside the repository.
#   bench/extract-eval.sh [EVAL_DIR]     (default /work/shared/eval/magic-html-zh)
set -euo pipefail
EVAL=${1:-/work/shared/eval/magic-html-zh}
cd "$(dirname "$0")/.."
OUT=$(mktemp -d)
cargo run --quiet --release --example extract_eval -- "$EVAL/htmls" > "$OUT/pred.jsonl"
python3 "$EVAL/score_body.py" --truth "$EVAL/ground-truth.json" --pred "$OUT/pred.jsonl" --tokens cjk \
  | python3 -c 'import json,sys; r=json.load(sys.stdin); print("generic extractor: F1 {f1:.4f}  P {precision:.4f}  R {recall:.4f}  ({docs} docs, {missing_predictions} missing)".format(**r))'
if [ -f "$EVAL/baseline-trafilatura.jsonl" ]; then
  python3 "$EVAL/score_body.py" --truth "$EVAL/ground-truth.json" --pred "$EVAL/baseline-trafilatura.jsonl" --tokens cjk \
    | python3 -c 'import json,sys; r=json.load(sys.stdin); print("trafilatura baseline: F1 {f1:.4f}  P {precision:.4f}  R {recall:.4f}".format(**r))'
fi
echo "predictions: $OUT/pred.jsonl"
