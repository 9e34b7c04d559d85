"""Expected metric values for Tests/EvaluationTests, computed with scikit-learn.

Run with a Python that has scikit-learn (for example a venv outside the repository):
    python scripts/sklearn_expected.py
and copy the printed values into Tests/EvaluationTests/SklearnCases.swift.
"""
import json

import sklearn
from sklearn.metrics import (balanced_accuracy_score, classification_report, confusion_matrix,
                             roc_auc_score)

CASES = {
    # Binary, some mistakes each way.
    "binary": dict(
        truth=[0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 1, 0],
        predicted=[0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 1, 0, 1, 1, 1, 0, 1, 0, 1, 0, 1, 1, 1],
        scores=[0.1, 0.2, 0.3, 0.7, 0.2, 0.4, 0.6, 0.1, 0.3, 0.9, 0.8, 0.4, 0.7, 0.6, 0.8, 0.3, 0.9, 0.2, 0.7,
                0.1, 0.6, 0.95, 0.6],
        names=["background", "member"],
    ),
    # Binary where class 1 is never predicted (precision 0/0 -> 0).
    "no_member_predicted": dict(
        truth=[0, 1, 1, 0, 1, 0, 0],
        predicted=[0, 0, 0, 0, 0, 0, 0],
        scores=[0.2, 0.4, 0.4, 0.1, 0.3, 0.4, 0.2],
        names=None,
    ),
    # Three classes; class 2 is never predicted.
    "three_classes": dict(
        truth=[0, 1, 2, 2, 1, 0, 0, 1, 2, 1, 0],
        predicted=[0, 1, 1, 0, 1, 0, 1, 1, 0, 0, 0],
        scores=None,
        names=None,
    ),
}

print(f"# scikit-learn {sklearn.__version__}")
for name, case in CASES.items():
    truth, predicted = case["truth"], case["predicted"]
    labels = sorted(set(truth) | set(predicted) | {0, 1})
    out = {
        "text": classification_report(truth, predicted, labels=labels, zero_division=0),
        "text_named_3digits": classification_report(truth, predicted, labels=labels, zero_division=0, digits=3,
                                                    target_names=case["names"]) if case["names"] else None,
        "dict": classification_report(truth, predicted, labels=labels, zero_division=0, output_dict=True),
        "confusion_matrix": confusion_matrix(truth, predicted, labels=labels).tolist(),
        "balanced_accuracy": balanced_accuracy_score(truth, predicted),
        "roc_auc": roc_auc_score(truth, case["scores"]) if case["scores"] else None,
    }
    # The --json layout of `perseus evaluate`: output_dict plus the confusion matrix, as one line.
    out["json"] = json.dumps({**out["dict"], "confusion_matrix": out["confusion_matrix"]})
    print(f"== {name}")
    print(json.dumps(out, indent=1))
