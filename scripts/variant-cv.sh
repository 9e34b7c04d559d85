#!/usr/bin/env bash
# One variant's figures in the K-fold cross-validation that scripts/cross-validate.sh trained, with the study's
# definitions: each fold's run judges its own test fold and the spectroscopic objects (holdout), the network alone
# and combined with the catalogue model, and OUT/variant.md gets bright accuracy (r <= 19.4, spectroscopic objects
# included), all-magnitude balanced accuracy, member F1 and spectroscopic accuracy (mean +- sd over the folds), and
# member recall / precision per r-magnitude bin summed over the folds (and OUT/variant.json: each fold's figures).
# Extra options go to `perseus evaluate` (e.g. --tta, --precision int8); they name the output folder
# (OUT/variant-tta, ...), so variants of one run sit side by side.
#
#   scripts/variant-cv.sh DATASET CV_OUT [perseus evaluate options...]   e.g. scripts/variant-cv.sh data/all cv/all --tta
set -euo pipefail
if [ $# -lt 2 ]; then echo "usage: $0 DATASET CV_OUT [perseus evaluate options...]" >&2; exit 2; fi
data=$1 out=$2
shift 2
perseus=${PERSEUS:-$(dirname "$0")/../.build/release/perseus}
folds=$(find "$data" -maxdepth 1 -type d -name 'fold-*' | sort -V)
tag=$(echo "variant $*" | tr -c 'A-Za-z0-9\n' '-' | sed 's/-\+/-/g; s/-$//')
mkdir -p "$out/$tag"
for fold in $folds; do
    name=$(basename "$fold")
    for split in test holdout; do
        for model in combined alone; do
            file="$out/$tag/$name-$split-$model.csv"
            [ -f "$file" ] && continue
            extra=()
            [ "$model" = alone ] && extra=(--no-catalogue-model)
            echo "== $name $split $model"
            "$perseus" evaluate --run "$out/runs/$name" --data "$fold" --split "$split" "${extra[@]}" "$@" \
                --predictions "$file.part" > "$out/$tag/$name-$split-$model.txt"
            mv "$file.part" "$file"
        done
    done
done
python3 - "$out/$tag" $folds <<'PY'
import csv, json, os, statistics as st, sys
out, folds = sys.argv[1], sys.argv[2:]
def rows(path): return list(csv.DictReader(open(path)))
bins = [(-1e9, 19.4, 'r <= 19.4'), (19.4, 20.5, '19.4-20.5'), (20.5, 21.5, '20.5-21.5'), (21.5, 1e9, 'r > 21.5')]
def judged(fold, model):
    magnitude = {r['id']: float(r['magnitude']) if r['magnitude'] else float('inf') for r in rows(os.path.join(fold, 'objects.csv'))}
    name = os.path.basename(fold)
    read = lambda split: [(int(r['true_label']), int(r['label']), magnitude.get(r['id'], float('inf')))
                          for r in rows(f"{out}/{name}-{split}-{model}.csv")]
    return read('test'), read('holdout')
def scores(fold, model):
    test, spec = judged(fold, model)
    acc = lambda rs: sum(t == p for t, p, _ in rs) / len(rs)
    tp = sum(t == 1 and p == 1 for t, p, _ in test); fn = sum(t == 1 and p == 0 for t, p, _ in test)
    tn = sum(t == 0 and p == 0 for t, p, _ in test); fp = sum(t == 0 and p == 1 for t, p, _ in test)
    recall, specificity, precision = tp / max(tp + fn, 1), tn / max(tn + fp, 1), tp / max(tp + fp, 1)
    return dict(bright=acc([r for r in test + spec if r[2] <= 19.4]), balanced=(recall + specificity) / 2,
                f1=2 * precision * recall / (precision + recall) if tp else 0.0, spectroscopic=acc(spec))
metrics = ['bright', 'balanced', 'f1', 'spectroscopic']
lines = ['| model | ' + ' | '.join(metrics) + ' |', '|---|' + '---|' * len(metrics)]
for model, label in [('alone', 'network alone'), ('combined', 'combined (catalogue)')]:
    s = [scores(f, model) for f in folds]
    lines.append(f"| {label} | " + ' | '.join(
        f"{st.mean(x[m] for x in s):.3f} ± {st.stdev([x[m] for x in s]) if len(s) > 1 else 0:.3f}" for m in metrics) + ' |')
lines += ['', '| model | ' + ' | '.join(b[2] for b in bins) + ' |', '|---|' + '---|' * len(bins)]
for model, label in [('alone', 'network alone'), ('combined', 'combined (catalogue)')]:
    test = [r for f in folds for r in judged(f, model)[0]]
    cells = []
    for lo, hi, _ in bins:
        inbin = [(t, p) for t, p, m in test if lo < m <= hi]
        tp = sum(t == 1 and p == 1 for t, p in inbin)
        cells.append(f"{tp / max(sum(t == 1 for t, _ in inbin), 1):.3f} / {tp / max(sum(p == 1 for _, p in inbin), 1):.3f}")
    lines.append(f"| {label} (member recall / precision) | " + ' | '.join(cells) + ' |')
text = '\n'.join(lines) + '\n'
open(os.path.join(out, 'variant.md'), 'w').write(text)
# Per fold, for scripts that set variants side by side (precision-cv.sh).
json.dump({model: [scores(f, model) for f in folds] for model in ('alone', 'combined')},
          open(os.path.join(out, 'variant.json'), 'w'), indent=1)
print(text)
PY
