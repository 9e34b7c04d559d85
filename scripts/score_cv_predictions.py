"""Scores out-of-fold predictions of `perseus study --folds 3` folds with the study's definitions: bright is
r <= 19.4 (spectroscopic objects included), spectroscopic objects are those with a redshift; member recall and
precision per magnitude bin. Mean ± sample standard deviation over the folds present.

    python3 scripts/score_cv_predictions.py CV_ROOT 'V-{k}.csv'     # {k}: the fold number; plain Python 3

where CV_ROOT holds data/cv-fold1..3 (the study's --out) and the CSVs are `evaluate --predictions` or the study's
own `predictions/cv-fold{k}-*.csv` (id, member_probability, true_label)."""
import csv
import statistics as st
import sys

root, pattern = sys.argv[1], sys.argv[2]
BINS = [('r <= 19.4', None, 19.4), ('19.4 < r <= 20.5', 19.4, 20.5), ('20.5 < r <= 21.5', 20.5, 21.5), ('r > 21.5', 21.5, None)]


def metrics(pairs):
    tp = sum(t == 1 and p == 1 for t, p in pairs); tn = sum(t == 0 and p == 0 for t, p in pairs)
    fp = sum(t == 0 and p == 1 for t, p in pairs); fn = sum(t == 1 and p == 0 for t, p in pairs)
    nan = float('nan')
    rec = tp / (tp + fn) if tp + fn else nan
    spec = tn / (tn + fp) if tn + fp else nan
    prec = tp / (tp + fp) if tp + fp else nan
    f1 = 2 * prec * rec / (prec + rec) if tp else 0.0
    return dict(acc=(tp + tn) / len(pairs) if pairs else nan, bal=(rec + spec) / 2, P=prec, R=rec, F1=f1, n=len(pairs))


scores = {}
for k in (1, 2, 3):
    try:
        objects = {r['id']: r for r in csv.DictReader(open(f'{root}/data/cv-fold{k}/objects.csv'))}
        predictions = list(csv.DictReader(open(pattern.format(k=k))))
    except FileNotFoundError:
        continue
    rows = []
    for r in predictions:
        o = objects[r['id']]
        rows.append((int(r['true_label']), int(float(r['member_probability']) >= 0.5),
                     float(o['magnitude']) if o['magnitude'] else None, o['redshift'] != ''))
    subsets = {'all': rows, 'spectroscopic': [x for x in rows if x[3]]}
    for name, lo, hi in BINS:
        subsets[name] = [x for x in rows if x[2] is not None and (lo is None or x[2] > lo) and (hi is None or x[2] <= hi)]
    for name, subset in subsets.items():
        scores.setdefault(name, []).append(metrics([(t, p) for t, p, *_ in subset]))


def summary(name, key):
    values = [m[key] for m in scores[name]]
    return f'{st.mean(values):.3f} ± {st.stdev(values):.3f}' if len(values) > 1 else f'{values[0]:.3f}'


print(f'{pattern}: {len(scores.get("all", []))} folds')
if scores:
    print(f'  bright acc {summary("r <= 19.4", "acc")} | all-magnitude balanced acc {summary("all", "bal")} / member F1 '
          f'{summary("all", "F1")} | spectroscopic acc {summary("spectroscopic", "acc")}')
    for name, _, _ in BINS:
        print(f'  {name}: member recall {summary(name, "R")}, precision {summary(name, "P")} (objects {scores[name][0]["n"]})')
