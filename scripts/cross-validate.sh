#!/usr/bin/env bash
# K-fold cross-validation of any dataset that `perseus prepare --folds K` wrote: trains one run per fold (the default
# recipe, or whatever extra `perseus train` options follow), judges each on its own test fold with `perseus evaluate
# --json`, and writes OUT/summary.md: every class's precision, recall and F1 as mean +- standard deviation over the
# folds, and the confusion matrix summed over them (every object judged once, by the run that did not see it).
# Runs that exist are resumed, so an interrupted cross-validation continues.
#
#   scripts/cross-validate.sh DATASET OUT [perseus train options...]
#   e.g. scripts/cross-validate.sh data/pcc7 cv/pcc7 --config no-catalogue.yaml
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "usage: $0 DATASET OUT [perseus train options...]  (DATASET from perseus prepare --folds K)" >&2
    exit 2
fi
data=$1 out=$2
shift 2
perseus=${PERSEUS:-$(dirname "$0")/../.build/release/perseus}
folds=$(find "$data" -maxdepth 1 -type d -name 'fold-*' | sort -V)
if [ -z "$folds" ]; then
    echo "$data has no fold-1, fold-2, ...: prepare it with perseus prepare --folds K" >&2
    exit 2
fi
mkdir -p "$out"
for fold in $folds; do
    name=$(basename "$fold")
    run="$out/runs/$name"
    resume=()
    [ -f "$run/config.yaml" ] && resume=(--resume)
    echo "== $name: train"
    "$perseus" train --data "$fold" --out "$run" --seed "${name#fold-}" "${resume[@]}" "$@"
    echo "== $name: evaluate"
    "$perseus" evaluate --run "$run" --data "$fold" --json "$out/$name.json" \
        --predictions "$out/$name-predictions.csv" > "$out/$name.txt"
done
python3 - "$out" $folds <<'EOF'
import json, statistics, sys, os
out, folds = sys.argv[1], [os.path.basename(f) for f in sys.argv[2:]]
reports = [json.load(open(os.path.join(out, f + ".json"))) for f in folds]
first = reports[0]
classes = [k for k, v in first.items() if isinstance(v, dict) and "f1-score" in v and k not in ("macro avg", "weighted avg")]
def ms(xs): return f"{statistics.mean(xs):.3f} ± {statistics.stdev(xs) if len(xs) > 1 else 0:.3f}"
lines = [f"# {len(folds)}-fold cross-validation of {out}", "",
         "| class | objects per fold | precision | recall | F1 |", "|---|---|---|---|---|"]
for c in classes:
    lines.append(f"| {c} | {statistics.mean(r[c]['support'] for r in reports):.0f} | "
                 + " | ".join(ms([r[c][m] for r in reports]) for m in ("precision", "recall", "f1-score")) + " |")
lines.append(f"| accuracy | {statistics.mean(r['weighted avg']['support'] for r in reports):.0f} | | | {ms([r['accuracy'] for r in reports])} |")
lines.append(f"| macro avg | | {ms([r['macro avg']['precision'] for r in reports])} | {ms([r['macro avg']['recall'] for r in reports])} | {ms([r['macro avg']['f1-score'] for r in reports])} |")
n = len(classes)
summed = [[sum(r["confusion_matrix"][i][j] for r in reports) for j in range(n)] for i in range(n)]
lines += ["", "Confusion matrix summed over the folds (rows: true class, columns: predicted):", "",
          "| true \\ predicted | " + " | ".join(classes) + " |", "|---" * (n + 1) + "|"]
lines += [f"| {classes[i]} | " + " | ".join(str(x) for x in summed[i]) + " |" for i in range(n)]
text = "\n".join(lines) + "\n"
open(os.path.join(out, "summary.md"), "w").write(text)
print(text)
EOF
echo "wrote $out/summary.md"
