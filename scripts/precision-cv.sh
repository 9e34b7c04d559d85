#!/usr/bin/env bash
# The accuracy effect of --precision bf16 and int8 beside fp32, in the K-fold cross-validation that
# scripts/cross-validate.sh trained: scripts/variant-cv.sh judges each precision (int8 calibrated on each fold's
# validation split), and OUT/precision.md gets its figures (network alone and combined), mean +- sd over the folds,
# with each precision's difference from fp32.
#
#   scripts/precision-cv.sh DATASET CV_OUT      e.g. scripts/precision-cv.sh data/all cv/all
set -euo pipefail
if [ $# -ne 2 ]; then echo "usage: $0 DATASET CV_OUT  (DATASET from perseus prepare --folds K, CV_OUT from scripts/cross-validate.sh)" >&2; exit 2; fi
data=$1 out=$2
for precision in fp32 bf16 int8; do
    "$(dirname "$0")/variant-cv.sh" "$data" "$out" --precision "$precision" > /dev/null
done
python3 - "$out" <<'PY'
import json, os, statistics as st, sys
out = sys.argv[1]
metrics = ['bright', 'balanced', 'f1', 'spectroscopic']
figures = {p: json.load(open(os.path.join(out, f'variant-precision-{p}', 'variant.json'))) for p in ['fp32', 'bf16', 'int8']}
lines = ['| model | precision | ' + ' | '.join(metrics) + ' |', '|---|---|' + '---|' * len(metrics)]
for model in ['alone', 'combined']:
    base = figures['fp32'][model]
    for precision in ['fp32', 'bf16', 'int8']:
        s = figures[precision][model]
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
