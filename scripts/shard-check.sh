#!/bin/bash
# End-to-end check of survey-scale prediction, recorded in docs/scale.md:
#  - a ROWS-row catalogue (default 100,000) whose rows point cyclically at the 200 cutouts of a `perseus demo` field
#    (64x64 PNGs; a ResNet-10 trained one epoch at 32x32 on the demo's dataset), every 101st row naming a cutout that does not exist;
#  - one unsharded `perseus predict`;
#  - 4 shards as 4 processes through scripts/slurm/predict.sbatch (Slurm's variables set by hand), shard 3
#    SIGKILLed after an eighth of the rows and started again; then the script's merge step;
#  - the merged table compared byte for byte with the unsharded one;
#  - peak memory of a 1/4 shard of a 10^4-row and of the 10^5-row catalogue.
# Usage: scripts/shard-check.sh [WORK_DIR]   (PERSEUS=path/to/perseus, ROWS=N)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PERSEUS=${PERSEUS:-$ROOT/.build/release/perseus}
WORK=${1:-$(mktemp -d /tmp/shard-check.XXXXXX)}
ROWS=${ROWS:-100000}
mkdir -p "$WORK"
[ -x "$PERSEUS" ] || { echo "build first: swift build -c release --product perseus" >&2; exit 1; }

[ -d "$WORK/demo/run" ] || "$PERSEUS" demo --out "$WORK/demo" --epochs 1 --objects 200 > "$WORK/demo.log"
# The demo trains at 64x64; a ResNet-10 at 32x32 on its dataset keeps 2 x 10^5 inferences affordable on 2 cores.
[ -f "$WORK/run32/best.safetensors" ] || "$PERSEUS" train --data "$WORK/demo/dataset" --out "$WORK/run32" --model resnet10 \
    --size 32 --epochs 1 --augmentation none --force > "$WORK/train32.log"
RUN=$WORK/run32
IMAGES=$WORK/demo/field

source "$ROOT/scripts/cyclic-catalogue.sh"
catalogue "$IMAGES/cutouts" "$ROWS" "$WORK/catalogue.csv"
catalogue "$IMAGES/cutouts" 10000 "$WORK/catalogue-1e4.csv"
echo "catalogue: $ROWS rows, $(du -h "$WORK/catalogue.csv" | cut -f1), cutouts from $IMAGES/cutouts ($(ls "$IMAGES/cutouts" | wc -l) files)"

common=(--run "$RUN" --images "$IMAGES" --image-column file --quiet)
echo "== unsharded (1 process, 2 threads)"
/usr/bin/time -f "wall %e s, max RSS %M kB" "$PERSEUS" predict "${common[@]}" --catalog "$WORK/catalogue.csv" \
    --out "$WORK/whole.csv" --threads 2   # no --force: a rerun of this script resumes it

echo "== 4 shards as a Slurm array (4 processes, 1 thread each), shard 3 killed and restarted"
rm -f "$WORK"/pred-*-of-4.csv*
export RUN IMAGES CATALOG=$WORK/catalogue.csv OUT=$WORK/pred SHARDS=4 IMAGE_COLUMN=file PERSEUS
task() { SLURM_JOB_ID=local SLURM_ARRAY_TASK_ID=$1 SLURM_CPUS_PER_TASK=1 bash "$ROOT/scripts/slurm/predict.sbatch" \
    > "$WORK/task-$1.log" 2>&1; }
start=$(date +%s)
pids=()
for i in 1 2 3 4; do task "$i" & pids+=($!); done
until [ -f "$OUT-3-of-4.csv.progress" ] && \
    [ "$(sed 's/.*"rows":\([0-9]*\).*/\1/' "$OUT-3-of-4.csv.progress")" -ge $((ROWS / 8)) ]; do sleep 0.2; done
pkill -KILL -P "${pids[2]}" 2>/dev/null || kill -KILL "${pids[2]}"
wait "${pids[2]}" || true
echo "shard 3 killed at: $(cat "$OUT-3-of-4.csv.progress")"
task 3 & pids[2]=$!
for p in "${pids[@]}"; do wait "$p"; done
echo "shards done in $(( $(date +%s) - start )) s"
grep -h "resuming\|rows of\|rows/s\|peak" "$WORK"/task-*.log
SLURM_JOB_ID=local MERGE=1 bash "$ROOT/scripts/slurm/predict.sbatch"

if cmp -s "$OUT.csv" "$WORK/whole.csv"; then
    echo "merged table IDENTICAL to the unsharded run ($(($(wc -l < "$OUT.csv") - 1)) rows, $(cut -d, -f8 "$OUT.csv" | sort | uniq -c | tr -s ' ' | tr '\n' ';'))"
else
    echo "merged table DIFFERS from the unsharded run"; exit 1
fi
awk -F, 'NR > 1 { if ($1 != NR - 2) { print "row " $1 " at position " NR - 2; bad = 1; exit } } END { exit bad }' "$OUT.csv" \
    && echo "rows 0..$((ROWS - 1)) each exactly once, in order"

echo "== peak memory of one 1/4 shard (1 thread)"
for cat in "$WORK/catalogue-1e4.csv" "$WORK/catalogue.csv"; do
    echo "$(basename "$cat"): $("$PERSEUS" predict "${common[@]}" --catalog "$cat" --out "$WORK/mem.csv" --shard 1/4 \
        --threads 1 --force | grep -h "rows of\|peak" | tr '\n' ' ')"
done
