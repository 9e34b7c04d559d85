#!/usr/bin/env bash
# Fine-tuning against training from scratch, as the number of labels grows (issue 19's learning curve).
#
#   scripts/learning-curve.sh DATASET OUT [N ...]        (default N: 50 100 200 400 800 all)
#
# DATASET is a prepared membership dataset (perseus prepare ... --max-mag none). Its objects (held-out ones
# excepted) are halved by object, stratified by class (seed 1): half A pretrains one network (the default recipe,
# network alone); half B gives a fixed test third and a pool of labels. For each N, N labels drawn from the pool
# (stratified, 75/25 training/validation) train two networks with the same recipe and the same number of steps: one
# from random weights, one from the half-A network's weights (--init). Both are judged on the same test third;
# OUT/curve.md lists balanced accuracy and member F1. Small sets get more epochs (at least 4800 images drawn, at most
# 200 epochs) so neither network stops before it has seen enough steps. Finished runs are reused.
set -euo pipefail
if [ $# -lt 2 ]; then echo "usage: $0 DATASET OUT [N ...]" >&2; exit 2; fi
data=$1 out=$2
shift 2
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(50 100 200 400 800 all)
perseus=${PERSEUS:-$(dirname "$0")/../.build/release/perseus}
mkdir -p "$out"

# The datasets: OUT/pretrain, OUT/n-N (each N's labels plus the test third).
python3 - "$data" "$out" "${sizes[@]}" <<'EOF'
import csv, os, random, sys
data, out, sizes = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(os.path.join(data, "objects.csv"), newline="") as f:
    reader = csv.DictReader(f)
    columns, objects = reader.fieldnames, [r for r in reader if r["split"] != "holdout"]
rng = random.Random(1)
by_label = {}
for o in objects:
    by_label.setdefault(o["label"], []).append(o)
half_a, test, pool = [], [], []
for label, members in sorted(by_label.items()):
    rng.shuffle(members)
    half = len(members) // 2
    half_a += members[:half]
    b = members[half:]
    test += b[:len(b) // 3]
    pool += b[len(b) // 3:]

def stratified(objects, n):
    """n objects in the classes' proportions (at least 2 of each), as a list."""
    if n >= len(objects):
        return list(objects)
    groups = {}
    for o in objects:
        groups.setdefault(o["label"], []).append(o)
    chosen = []
    for label, members in sorted(groups.items()):
        k = max(2, round(n * len(members) / len(objects)))
        chosen += rng.sample(members, min(k, len(members)))
    return chosen

def write(name, train_validation, test_objects):
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    rows = []
    groups = {}
    for o in train_validation:
        groups.setdefault(o["label"], []).append(o)
    for label, members in sorted(groups.items()):
        members = sorted(members, key=lambda o: o["id"])
        rng.shuffle(members)
        v = max(1, round(len(members) * 0.25))
        rows += [dict(o, split="validation") for o in members[:v]] + [dict(o, split="train") for o in members[v:]]
    rows += [dict(o, split="test") for o in test_objects]
    with open(os.path.join(folder, "objects.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns)
        w.writeheader()
        w.writerows(rows)
    for extra in ("classes.txt",):
        src = os.path.join(data, extra)
        if os.path.exists(src):
            open(os.path.join(folder, extra), "w").write(open(src).read())
    open(os.path.join(folder, "cleaning.txt"), "w").write(f"learning curve ({name}) from {data}\n")
    train = sum(1 for r in rows if r["split"] == "train")
    epochs = min(200, max(12, -(-4800 // max(train, 1))))
    open(os.path.join(folder, "epochs"), "w").write(f"{epochs}\n")
    print(f"{name}: {len(train_validation)} labels ({sum(1 for o in train_validation if o['label'] == '1')} members), "
          f"test {len(test_objects)}, {epochs} epochs")

write("pretrain", half_a, [])
for n in sizes:
    write(f"n-{n}", stratified(pool, len(pool) if n == "all" else int(n)), test)
EOF

train() {  # DATASET RUN [extra options]
    local dataset=$1 run=$2
    shift 2
    [ -f "$run.finished" ] && return 0
    printf "catalogueModel: false\nepochs: %s\n" "$(cat "$dataset/epochs")" > "$dataset/recipe.yaml"
    "$perseus" train --data "$dataset" --out "$run" --config "$dataset/recipe.yaml" --force "$@" > "$run.log" 2>&1
    touch "$run.finished"
}
mkdir -p "$out/runs"
train "$out/pretrain" "$out/runs/pretrain"
echo "| labels | from scratch: balanced accuracy / member F1 | fine-tuned: balanced accuracy / member F1 |" > "$out/curve.md"
echo "|---|---|---|" >> "$out/curve.md"
for n in "${sizes[@]}"; do
    row="| $n"
    for start in scratch fine-tuned; do
        run="$out/runs/$start-$n"
        if [ "$start" = fine-tuned ]; then
            train "$out/n-$n" "$run" --init "$out/runs/pretrain/best.safetensors"
        else
            train "$out/n-$n" "$run"
        fi
        "$perseus" evaluate --run "$run" --data "$out/n-$n" --json "$run.json" > "$run.txt"
        row="$row | $(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print('%.3f / %.3f' % (r['macro avg']['recall'], r.get('member', r.get('1'))['f1-score']))" "$run.json")"
    done
    echo "$row |" | tee -a "$out/curve.md"
done
echo "wrote $out/curve.md"
