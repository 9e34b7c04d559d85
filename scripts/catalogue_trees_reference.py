"""The catalogue alone, no image, in outside libraries: XGBoost and scikit-learn's HistGradientBoostingClassifier
fitted on each `perseus study --folds 3` fold's train split (the magnitude and the PCC's fields 6-19, missing values
as NaN), judged on its test split with the study's definitions (bright: r <= 19.4; spectroscopic: a redshift).
Beside the study's own row "catalogue alone, no image" (the project's trees, `Sources/Tabular/BoostedTrees.swift`).

    python -m venv venv && venv/bin/pip install xgboost scikit-learn     # outside the repository
    venv/bin/python scripts/catalogue_trees_reference.py CV_ROOT 1 2 3   # the folds to score"""
import csv
import sys

import numpy as np
import xgboost as xgb
from sklearn.ensemble import HistGradientBoostingClassifier

FIELDS = [f'field{i}' for i in range(6, 20)]
MODELS = {
    'xgboost, defaults': lambda: xgb.XGBClassifier(n_jobs=1, random_state=0),
    'xgboost, depth 3, 300 rounds, learning rate 0.05': lambda: xgb.XGBClassifier(
        n_jobs=1, random_state=0, max_depth=3, n_estimators=300, learning_rate=0.05),
    'scikit-learn HistGradientBoosting, defaults': lambda: HistGradientBoostingClassifier(random_state=0),
}


def number(text):
    return float(text) if text else np.nan


def load(root, k):
    rows = list(csv.DictReader(open(f'{root}/data/cv-fold{k}/objects.csv')))
    x = np.array([[number(r['magnitude'])] + [number(r.get(f, '')) for f in FIELDS] for r in rows])
    return (x, np.array([int(r['label']) for r in rows]), np.array([r['split'] for r in rows]),
            np.array([r['redshift'] != '' for r in rows]))


def score(p, y, magnitude, spectroscopic):
    predicted = (p >= 0.5).astype(int)
    tp = ((predicted == 1) & (y == 1)).sum(); tn = ((predicted == 0) & (y == 0)).sum()
    fp = ((predicted == 1) & (y == 0)).sum(); fn = ((predicted == 0) & (y == 1)).sum()
    recall, specificity, precision = tp / (tp + fn), tn / (tn + fp), tp / (tp + fp)
    bright = ~np.isnan(magnitude) & (magnitude <= 19.4)
    return ((predicted[bright] == y[bright]).mean(), (recall + specificity) / 2,
            2 * precision * recall / (precision + recall), (predicted[spectroscopic] == y[spectroscopic]).mean())


root = sys.argv[1]
for k in [int(a) for a in sys.argv[2:]]:
    x, y, split, spectroscopic = load(root, k)
    train, test = split == 'train', split == 'test'
    for name, make in MODELS.items():
        model = make().fit(x[train], y[train])
        bright, balanced, f1, spec = score(model.predict_proba(x[test])[:, 1], y[test], x[test, 0], spectroscopic[test])
        print(f'fold {k}, {name}: bright acc {bright:.3f} | balanced acc {balanced:.3f} / member F1 {f1:.3f} | '
              f'spectroscopic acc {spec:.3f}')
