// Expected values from scikit-learn (scikit-learn 1.9.1), printed by scripts/sklearn_expected.py. Regenerate there, never edit by hand.

struct SklearnCase {
    var truth: [Int]
    var predicted: [Int]
    var scores: [Double]?
    var names: [String]?
    var classCount: Int
    var text: String
    var textNamed3Digits: String?
    var json: String
    var balancedAccuracy: Double
    var rocAUC: Double?
}

enum SklearnCases {
    static let binary = SklearnCase(
        truth: [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 1, 0],
        predicted: [0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 1, 0, 1, 1, 1, 0, 1, 0, 1, 0, 1, 1, 1],
        scores: [0.1, 0.2, 0.3, 0.7, 0.2, 0.4, 0.6, 0.1, 0.3, 0.9, 0.8, 0.4, 0.7, 0.6, 0.8, 0.3, 0.9, 0.2, 0.7, 0.1, 0.6, 0.95, 0.6],
        names: ["background", "member"],
        classCount: 2,
        text: #"""
              precision    recall  f1-score   support

           0       0.82      0.75      0.78        12
           1       0.75      0.82      0.78        11

    accuracy                           0.78        23
   macro avg       0.78      0.78      0.78        23
weighted avg       0.79      0.78      0.78        23

"""#,
        textNamed3Digits: #"""
              precision    recall  f1-score   support

  background      0.818     0.750     0.783        12
      member      0.750     0.818     0.783        11

    accuracy                          0.783        23
   macro avg      0.784     0.784     0.783        23
weighted avg      0.786     0.783     0.783        23

"""#,
        json: #"{"0": {"precision": 0.8181818181818182, "recall": 0.75, "f1-score": 0.782608695652174, "support": 12.0}, "1": {"precision": 0.75, "recall": 0.8181818181818182, "f1-score": 0.782608695652174, "support": 11.0}, "accuracy": 0.782608695652174, "macro avg": {"precision": 0.7840909090909092, "recall": 0.7840909090909092, "f1-score": 0.782608695652174, "support": 23.0}, "weighted avg": {"precision": 0.7855731225296444, "recall": 0.782608695652174, "f1-score": 0.782608695652174, "support": 23.0}, "confusion_matrix": [[9, 3], [2, 9]]}"#,
        balancedAccuracy: 0.7840909090909092,
        rocAUC: 0.8977272727272727)

    static let noMemberPredicted = SklearnCase(
        truth: [0, 1, 1, 0, 1, 0, 0],
        predicted: [0, 0, 0, 0, 0, 0, 0],
        scores: [0.2, 0.4, 0.4, 0.1, 0.3, 0.4, 0.2],
        names: nil,
        classCount: 2,
        text: #"""
              precision    recall  f1-score   support

           0       0.57      1.00      0.73         4
           1       0.00      0.00      0.00         3

    accuracy                           0.57         7
   macro avg       0.29      0.50      0.36         7
weighted avg       0.33      0.57      0.42         7

"""#,
        textNamed3Digits: nil,
        json: #"{"0": {"precision": 0.5714285714285714, "recall": 1.0, "f1-score": 0.7272727272727273, "support": 4.0}, "1": {"precision": 0.0, "recall": 0.0, "f1-score": 0.0, "support": 3.0}, "accuracy": 0.5714285714285714, "macro avg": {"precision": 0.2857142857142857, "recall": 0.5, "f1-score": 0.36363636363636365, "support": 7.0}, "weighted avg": {"precision": 0.32653061224489793, "recall": 0.5714285714285714, "f1-score": 0.4155844155844156, "support": 7.0}, "confusion_matrix": [[4, 0], [3, 0]]}"#,
        balancedAccuracy: 0.5,
        rocAUC: 0.8333333333333334)

    static let threeClasses = SklearnCase(
        truth: [0, 1, 2, 2, 1, 0, 0, 1, 2, 1, 0],
        predicted: [0, 1, 1, 0, 1, 0, 1, 1, 0, 0, 0],
        scores: nil,
        names: nil,
        classCount: 3,
        text: #"""
              precision    recall  f1-score   support

           0       0.50      0.75      0.60         4
           1       0.60      0.75      0.67         4
           2       0.00      0.00      0.00         3

    accuracy                           0.55        11
   macro avg       0.37      0.50      0.42        11
weighted avg       0.40      0.55      0.46        11

"""#,
        textNamed3Digits: nil,
        json: #"{"0": {"precision": 0.5, "recall": 0.75, "f1-score": 0.6, "support": 4.0}, "1": {"precision": 0.6, "recall": 0.75, "f1-score": 0.6666666666666666, "support": 4.0}, "2": {"precision": 0.0, "recall": 0.0, "f1-score": 0.0, "support": 3.0}, "accuracy": 0.5454545454545454, "macro avg": {"precision": 0.3666666666666667, "recall": 0.5, "f1-score": 0.4222222222222222, "support": 11.0}, "weighted avg": {"precision": 0.4, "recall": 0.5454545454545454, "f1-score": 0.4606060606060606, "support": 11.0}, "confusion_matrix": [[3, 1, 0], [1, 3, 0], [2, 1, 0]]}"#,
        balancedAccuracy: 0.5,
        rocAUC: nil)

    static let all = [binary, noMemberPredicted, threeClasses]
}
