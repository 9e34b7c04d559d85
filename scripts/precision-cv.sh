#!/usr/bin/env bash
# The accuracy effect of --precision bf16 and int8 beside fp32, in the K-fold cross-validation that
# scripts/cross-validate.sh trained: each fold's run judges its own test fold and the spectroscopic objects (holdout)
# in every precision (int8 calibrated on the fold's validation split), the network alone and combined with the
# catalogue model, and OUT/precision.md gets bright (r <= 19.4, spectroscopic objects included), all-magnitude
# balanced accuracy, member F1 and spectroscopic accuracy, mean +- sd over the folds, with each precision's
# difference from fp32.
#
#   scripts/precision-cv.sh DATASET CV_OUT      e.g. scripts/precision-cv.sh data/all cv/all
set -euo pipefail
if [ $# -ne 2 ]; then echo "usage: $0 DATASET CV_OUT  (DATASET from perseus prepare --folds K, CV_OUT from scripts/cross-validate.sh)" >&2; exit 2; fi
data=$1 out=$2
perseus=${PERSEUS:-$(dirname "$0")/../.build/release/perseus}
folds=$(find "$data" -maxdepth 1 -type d -name 'fold-*' | sort -V)
mkdir -p "$out/precision"
for fold in $folds; do
    name=$(basename "$fold")
    for precision in fp32 bf16 int8; do
        for split in test holdout; do
            for model in combined alone; do
                file="$out/precision/$name-$precision-$split-$model.csv"
                [ -f "$file" ] && continue
                extra=()
                [ "$model" = alone ] && extra=(--no-catalogue-model)
                echo "== $name $precision $split $model"
                "$perseus" evaluate --run "$out/runs/$name" --data "$fold" --split "$split" --precision "$precision" \
                    "${extra[@]}" --predictions "$file.part" > "$out/precision/$name-$precision-$split-$model.txt"
                mv "$file.part" "$file"
            done
        done
    done
done
python3 - "$out" $folds <<'PY'
import csv, os, statistics as st, sys
out, folds = sys.argv[1], sys.argv[2:]
def rows(path): return list(csv.DictReader(open(path)))
def scores(fold, precision, model):
    magnitude = {r['id']: float(r['magnitude']) if r['magnitude'] else float('inf') for r in rows(os.path.join(fold, 'objects.csv'))}
    name = os.path.basename(fold)
    test = rows(f"{out}/precision/{name}-{precision}-test-{model}.csv")
    spec = rows(f"{out}/precision/{name}-{precision}-holdout-{model}.csv")
    pair = lambda r: (int(r['true_label']), int(r['label']))
    def acc(rs): return sum(t == p for t, p in map(pair, rs)) / len(rs)
    t = [pair(r) for r in test]
    tp = sum(a == 1 and b == 1 for a, b in t); fn = sum(a == 1 and b == 0 for a, b in t)
    tn = sum(a == 0 and b == 0 for a, b in t); fp = sum(a == 0 and b == 1 for a, b in t)
    recall, specificity = tp / max(tp + fn, 1), tn / max(tn + fp, 1)
    precision_ = tp / max(tp + fp, 1)
    f1 = 2 * precision_ * recall / (precision_ + recall) if tp else 0.0
    bright = [r for r in test + spec if magnitude.get(r['id'], float('inf')) <= 19.4]
    return dict(bright=acc(bright), balanced=(recall + specificity) / 2, f1=f1, spectroscopic=acc(spec))
metrics = ['bright', 'balanced', 'f1', 'spectroscopic']
lines = ['| model | precision | ' + ' | '.join(metrics) + ' |', '|---|---|' + '---|' * len(metrics)]
for model in ['alone', 'combined']:
    base = [scores(f, 'fp32', model) for f in folds]
    for precision in ['fp32', 'bf16', 'int8']:
        s = [scores(f, precision, model) for f in folds]
        cells = []
        for m in metrics:
            values = [x[m] for x in s]
            cell = f"{st.mean(values):.3f} ± {st.stdev(values) if len(values) > 1 else 0:.3f}"
            if precision != 'fp32':
                cell += f" ({st.mean(x[m] - b[m] for x, b in zip(s, base)):+.3f})"
            cells.append(cell)
        lines.append(f"| {'network alone' if model == 'alone' else 'combined'} | {precision} | " + ' | '.join(cells) + ' |')
text = '\n'.join(lines) + '\n'
open(os.path.join(out, 'precision.md'), 'w').write(text)
print(text)
PY
