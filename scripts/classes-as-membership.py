#!/usr/bin/env python3
"""Membership figures from a K-class cross-validation (scripts/cross-validate.sh), to set beside a binary run's.

A K-class run's member probability is the sum of its member classes' probabilities (for the PCC's seven: the likely
and possible dE/ETG cluster candidates); objects whose true class is in neither group (the PCC's mergers, which the
binary labels leave out) are left out here too. Prints, per fold and as mean +- sd: accuracy, balanced accuracy and
member precision, recall and F1 over all magnitudes, and accuracy on the bright objects (r <= 19.4).

    scripts/classes-as-membership.py CV DATASET --member "Likely dE/ETGcluster candidate" \
        --member "Possible dE/ETGcluster candidate" --left-out "Likely merging system"
"""
import argparse, csv, glob, os, statistics

parser = argparse.ArgumentParser()
parser.add_argument("cv", help="the cross-validation folder (fold-K-predictions.csv)")
parser.add_argument("dataset", help="the dataset prepared with --folds (its objects.csv gives the magnitudes)")
parser.add_argument("--member", action="append", required=True, help="a class that counts as member")
parser.add_argument("--left-out", action="append", default=[], help="a true class to leave out")
parser.add_argument("--bright", type=float, default=19.4)
args = parser.parse_args()

magnitude = {}
with open(os.path.join(args.dataset, "objects.csv"), newline="") as f:
    for row in csv.DictReader(f):
        magnitude[row["id"]] = float(row["magnitude"]) if row["magnitude"] else None

def figures(rows):
    tp = sum(1 for p, y in rows if p and y); fp = sum(1 for p, y in rows if p and not y)
    fn = sum(1 for p, y in rows if not p and y); tn = sum(1 for p, y in rows if not p and not y)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    specificity = tn / (tn + fp) if tn + fp else 0.0
    return {"objects": len(rows), "members": tp + fn, "accuracy": (tp + tn) / len(rows),
            "balanced": (recall + specificity) / 2, "precision": precision, "recall": recall,
            "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0}

folds = []
for path in sorted(glob.glob(os.path.join(args.cv, "fold-*-predictions.csv"))):
    rows, bright = [], []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["true_label"] in args.left_out:
                continue
            p = sum(float(row["p_" + c]) for c in args.member)
            judged = (p >= 0.5, row["true_label"] in args.member)
            rows.append(judged)
            m = magnitude.get(row["id"])
            if m is not None and m <= args.bright:
                bright.append(judged)
    all_, b = figures(rows), figures(bright)
    folds.append((all_, b))
    print(f"{os.path.basename(path)}: all {all_['objects']} ({all_['members']} members): accuracy {all_['accuracy']:.3f}, "
          f"balanced {all_['balanced']:.3f}, member P/R/F1 {all_['precision']:.3f}/{all_['recall']:.3f}/{all_['f1']:.3f}; "
          f"bright {b['objects']}: accuracy {b['accuracy']:.3f}")

def ms(xs):
    return f"{statistics.mean(xs):.3f} ± {statistics.stdev(xs) if len(xs) > 1 else 0:.3f}"
print(f"mean over {len(folds)} folds: accuracy {ms([a['accuracy'] for a, _ in folds])}, "
      f"balanced {ms([a['balanced'] for a, _ in folds])}, member P {ms([a['precision'] for a, _ in folds])}, "
      f"R {ms([a['recall'] for a, _ in folds])}, F1 {ms([a['f1'] for a, _ in folds])}; "
      f"bright accuracy {ms([b['accuracy'] for _, b in folds])}")
