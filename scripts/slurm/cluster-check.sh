#!/bin/bash
# The Slurm scripts on a real Slurm: scripts/slurm/local-cluster.sh's one-node cluster (started here if it is not
# running, and stopped again at the end if this script started it). Recorded in docs/scale.md.
#
#  1. train.sbatch, twice, with real sbatch: run A uninterrupted; run B requeued (`scontrol requeue`, what
#     preemption does) after its third epoch, so its second run resumes. B's weights must equal A's byte for byte.
#  2. predict.sbatch, submitting itself with real sbatch: a 4-task array over a ROWS-row catalogue (default 10^5,
#     rows pointing cyclically at the 200 cutouts of a `perseus demo` field, as in scripts/shard-check.sh) plus the
#     merge job that depends on each task. Task 2 is killed (`scancel --signal=KILL`) once an eighth of its rows are
#     written, then requeued (`scontrol requeue`) and the merge's dependency re-armed (`scontrol update`); task 4 is
#     requeued while it runs, as Slurm requeues a task after a node failure or preemption. Both resume; the merge runs.
#  3. The one-shard run (predict.sbatch as a 1-task array, SHARDS=1): the merged table must equal it byte for byte,
#     with every row exactly once.
#  4. A task that hits its time limit: SHARDS=1 over a 10^6-row catalogue with --time=1; it is killed at the limit
#     (TIMEOUT), run again with the same sbatch command, resumes at the row where it stopped, and is cancelled
#     after two more flushes; every row written is checked against the one-shard run's prediction for its cutout.
#  5. sacct (the job-completion log, `sacct --completion`) must show every job and array task, the kill, the
#     requeues and the time-out.
# It prints the #SBATCH lines, the sbatch commands (including the ones predict.sbatch ran) and the sacct lines it
# relied on, and ends with one summary line: "cluster-check: PASS ..." or "cluster-check: FAIL ...".
#
# Usage: bash scripts/slurm/cluster-check.sh [WORK_DIR]   (as root; PERSEUS=path/to/perseus, ROWS=N,
#        KEEP_CLUSTER=1 leaves a cluster this script started running; without WORK_DIR a temporary folder is used
#        and removed after a pass unless KEEP_WORK=1). About 6 minutes on 2 cores, plus the apt-get install once.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PERSEUS=${PERSEUS:-$ROOT/.build/release/perseus}
TEMP_WORK=0; [ -n "${1:-}" ] || TEMP_WORK=1
WORK=${1:-$(mktemp -d /tmp/cluster-check.XXXXXX)}
ROWS=${ROWS:-100000}
LIMIT_ROWS=1000000
KILL_TASK=2
REQUEUE_TASK=4
T0=$(date +%s)
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)

say() { printf '[%3ds] %s\n' $(( $(date +%s) - T0 )) "$*"; }
fail() { say "FAIL: $*"; FAILED="$*"; exit 1; }
FAILED=""
SUBMITTED=()   # every job id submitted, for clean-up on failure
STARTED_CLUSTER=0

finish() {
    local rc=$?
    if [ $rc -ne 0 ]; then
        [ -n "$FAILED" ] || FAILED="line ${BASH_LINENO[0]}: exit $rc"
        if [ -n "${SLURM_CONF:-}" ] && [ -f "$SLURM_CONF" ]; then
            echo "--- squeue"; squeue 2>&1 || true
            echo "--- slurmctld.log (end)"; tail -n 15 "$(dirname "$SLURM_CONF")/log/slurmctld.log" 2>/dev/null || true
            for f in "$WORK"/perseus-*.log; do [ -f "$f" ] && { echo "--- $f (end)"; tail -n 5 "$f"; }; done
            [ ${#SUBMITTED[@]} -gt 0 ] && scancel "${SUBMITTED[@]}" 2>/dev/null || true
        fi
    fi
    if [ "$STARTED_CLUSTER" = 1 ] && [ "${KEEP_CLUSTER:-0}" != 1 ]; then bash "$HERE/local-cluster.sh" stop >/dev/null 2>&1 || true; fi
    if [ $rc -ne 0 ]; then
        echo "cluster-check: FAIL after $(( $(date +%s) - T0 )) s: $FAILED (work folder $WORK)"
    fi
}
trap finish EXIT
trap 'exit 143' TERM INT

# --- the binary and the cluster
if [ ! -x "$PERSEUS" ]; then
    say "no $PERSEUS: building it"
    bash "$ROOT/scripts/install-deps.sh"
    (cd "$ROOT" && swift build -c release --product perseus)
fi
STATE=${PERSEUS_SLURM_DIR:-/tmp/perseus-slurm}
export SLURM_CONF=$STATE/slurm.conf
if ! { [ -f "$SLURM_CONF" ] && scontrol ping 2>/dev/null | grep -q UP; }; then STARTED_CLUSTER=1; fi
bash "$HERE/local-cluster.sh" start
say "cluster: $(sinfo -h -o '%P partition, %D node, %c CPUs, %T'); Slurm $(sinfo -V | cut -d' ' -f2); SLURM_CONF=$SLURM_CONF"

# Every sbatch, ours and predict.sbatch's own, goes through this shim, which records the command line.
SBATCH_REAL=$(command -v sbatch)
mkdir -p "$WORK/bin"
printf '#!/bin/bash\nprintf "%%s\\n" "sbatch $*" >> "%s/sbatch-commands.log"\nexec %s "$@"\n' "$WORK" "$SBATCH_REAL" > "$WORK/bin/sbatch"
chmod +x "$WORK/bin/sbatch"
export PATH=$WORK/bin:$PATH
cd "$WORK"   # job logs (perseus-*.log) land in the submission folder
rm -rf "$WORK"/train-a "$WORK"/train-b "$WORK"/pred* "$WORK"/whole* "$WORK"/limit* "$WORK"/perseus-*.log "$WORK/sbatch-commands.log"

# --- helpers
job() { scontrol show job -o "$1" 2>/dev/null | head -1; }
jstate() { job "$1" | grep -o 'JobState=[A-Z_]*' | cut -d= -f2; }
jfield() { job "$1" | tr ' ' '\n' | grep "^$2=" | head -1 | cut -d= -f2-; }
queued() { squeue -h -j "$1" -o %i 2>/dev/null | grep -q .; }
wait_until() {  # wait_until SECONDS DESCRIPTION COMMAND...
    local limit=$1 deadline=$(( $(date +%s) + $1 )) what=$2; shift 2
    until "$@"; do [ "$(date +%s)" -lt "$deadline" ] || fail "waited $limit s for $what"; sleep 0.5; done
}
gone() { ! queued "$1"; }
running() { [ "$(jstate "$1")" = RUNNING ]; }
ended() { case "$(jstate "$1")" in RUNNING|COMPLETING|"") return 1 ;; *) return 0 ;; esac; }
progress() { sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p" "$1" 2>/dev/null; }   # progress FILE KEY
rows_at_least() { local n; n=$(progress "$1" rows); [ -n "$n" ] && [ "$n" -ge "$2" ]; }
epochs_at_least() { [ -f "$1/metrics.csv" ] && [ $(( $(wc -l < "$1/metrics.csv") - 1 )) -ge "$2" ]; }
submit() { local id; id=$(sbatch --parsable "$@"); echo "${id%%;*}"; }   # then SUBMITTED+=(id), outside $(...)

# --- data: a small demo field (200 cutouts), catalogues that point at its cutouts cyclically
[ -d "$WORK/demo/dataset" ] || "$PERSEUS" demo --out "$WORK/demo" --epochs 1 --objects 200 > "$WORK/demo.log" 2>&1
IMAGES=$WORK/demo/field
source "$ROOT/scripts/cyclic-catalogue.sh"
[ -f "$WORK/catalogue.csv" ] && [ "$(wc -l < "$WORK/catalogue.csv")" -eq $((ROWS + 1)) ] || catalogue "$IMAGES/cutouts" "$ROWS" "$WORK/catalogue.csv"
[ -f "$WORK/catalogue-1e6.csv" ] || catalogue "$IMAGES/cutouts" "$LIMIT_ROWS" "$WORK/catalogue-1e6.csv"
CUTOUTS=$(ls "$IMAGES/cutouts" | wc -l)
say "data: $CUTOUTS cutouts; catalogues of $ROWS and $LIMIT_ROWS rows"

echo "== the #SBATCH lines sbatch reads"
grep -H '^#SBATCH' "$HERE/predict.sbatch" "$HERE/train.sbatch" | sed "s|$ROOT/||"

# --- 1. training: A uninterrupted, B requeued after epoch 3; one CPU each (so the same thread count)
echo "== train.sbatch: run A uninterrupted, run B requeued mid-run"
export PERSEUS DATA=$WORK/demo/dataset
TRAIN_ARGS="--model resnet10 --size 32 --epochs 6 --augmentation online --seed 7"
export TRAIN_ARGS
TA=$(OUT=$WORK/train-a submit --cpus-per-task=1 --export=ALL "$HERE/train.sbatch")
TB=$(OUT=$WORK/train-b submit --cpus-per-task=1 --export=ALL "$HERE/train.sbatch")
SUBMITTED+=("$TA" "$TB")
say "submitted training A $TA and B $TB: $(jfield "$TB" JobName), TimeLimit=$(jfield "$TB" TimeLimit), Requeue=$(jfield "$TB" Requeue), NumCPUs=$(jfield "$TB" NumCPUs)"
wait_until 300 "training B's third epoch" epochs_at_least "$WORK/train-b" 3
scontrol requeue "$TB"
say "requeued training B ($TB) after epoch $(( $(wc -l < "$WORK/train-b/metrics.csv") - 1 )): $(jstate "$TB"), Restarts=$(jfield "$TB" Restarts)"
wait_until 600 "training A to finish" gone "$TA"
[ "$(jstate "$TA")" = COMPLETED ] || fail "training A ended $(jstate "$TA")"
say "training A $(jstate "$TA") in $(jfield "$TA" RunTime)"
RUN=$WORK/train-a

# --- 2-4. prediction jobs
common=(RUN="$RUN" IMAGES="$IMAGES" IMAGE_COLUMN=file PERSEUS="$PERSEUS")
echo "== predict.sbatch: one-shard run, time-limited task, 4-task array + merge"
# Submitted longest first, so that two CPUs finish together: the one-shard run (the whole catalogue in one task),
# then the time-limited task (the documented rerun command, with --time=1 minute), then the array.
R=$(env "${common[@]}" CATALOG="$WORK/catalogue.csv" OUT="$WORK/whole" SHARDS=1 \
    sbatch --parsable --array=1 --cpus-per-task=1 --export=ALL "$HERE/predict.sbatch" | cut -d';' -f1); SUBMITTED+=("$R")
limit_submit() { env "${common[@]}" CATALOG="$WORK/catalogue-1e6.csv" OUT="$WORK/limit" SHARDS=1 \
    sbatch --parsable --array=1 --time=1 --cpus-per-task=1 --export=ALL "$HERE/predict.sbatch" | cut -d';' -f1; }
L1=$(limit_submit); SUBMITTED+=("$L1")
# The array and its merge, as a user submits them: predict.sbatch run on the login node submits itself.
line=$(env "${common[@]}" CATALOG="$WORK/catalogue.csv" OUT="$WORK/pred" SHARDS=4 SBATCH_ARGS="--cpus-per-task=1" \
    bash "$HERE/predict.sbatch")
echo "$line"
A=$(echo "$line" | sed -n 's/.*predict array \([0-9]*\) .*/\1/p'); M=$(echo "$line" | sed -n 's/.*merge job \([0-9]*\).*/\1/p')
[ -n "$A" ] && [ -n "$M" ] || fail "could not read the job ids from: $line"
SUBMITTED+=("$A" "$M")
say "submitted: one-shard run ${R}_1, time-limited task ${L1}_1, array $A (tasks 1-4), merge $M"
say "array task ${A}_1 as sbatch read it: $(job "${A}_1" | tr ' ' '\n' | grep -E '^(JobName|ArrayTaskId|TimeLimit|Requeue|NumCPUs|MinMemoryNode|StdOut)=' | tr '\n' ' ')"
say "merge $M: $(jfield "$M" JobName) Dependency=$(jfield "$M" Dependency | cut -c1-90)..."
squeue

# Three things happen while the jobs run, in whatever order this machine's speed gives them:
#  2. task KILL_TASK, once an eighth of its rows are written: scancel --signal=KILL, scontrol requeue, and the merge
#     job's dependency re-armed (Slurm marked it failed when the task died);
#     task REQUEUE_TASK likewise: scontrol requeue while it runs, as Slurm does after a node failure or preemption
#     (the dependency stays intact);
#  4. the time-limited task ends TIMEOUT; it is run again with the same command and must resume where it stopped.
KP=$WORK/pred-$KILL_TASK-of-4.csv.progress
QP=$WORK/pred-$REQUEUE_TASK-of-4.csv.progress
LP=$WORK/limit-1-of-1.csv.progress
killed=0 requeued=0 limited=0 rerun=0 L2=""
deadline=$(( $(date +%s) + 1500 ))
resumed_and_past() { grep -q "resuming .* at row $N1 " "$WORK/perseus-predict-${L2}_1.log" 2>/dev/null \
    && [ "$(progress "$LP" nextRow)" -ge $(( N1 + 2048 )) ]; }
until [ $killed = 1 ] && [ $requeued = 1 ] && [ $rerun = 1 ]; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "waited 1500 s (killed=$killed requeued=$requeued limited=$limited rerun=$rerun)"
    if [ $killed = 0 ] && rows_at_least "$KP" $(( ROWS / 4 / 8 )) && running "${A}_$KILL_TASK"; then
        scancel --signal=KILL "${A}_$KILL_TASK"
        wait_until 60 "the killed task to end" ended "${A}_$KILL_TASK"
        KILLED_AT=$(progress "$KP" nextRow)
        say "scancel --signal=KILL ${A}_$KILL_TASK at row $KILLED_AT: $(jstate "${A}_$KILL_TASK") ExitCode=$(jfield "${A}_$KILL_TASK" ExitCode)"
        scontrol requeue "${A}_$KILL_TASK"
        say "scontrol requeue ${A}_$KILL_TASK: $(jstate "${A}_$KILL_TASK"), Restarts=$(jfield "${A}_$KILL_TASK" Restarts), eligible $(jfield "${A}_$KILL_TASK" EligibleTime)"
        say "merge $M now: $(jfield "$M" Reason) Dependency=$(jfield "$M" Dependency)"
        scontrol update jobid="$M" dependency="afterok$(seq 1 4 | sed "s/^/:${A}_/" | tr -d '\n')"
        say "scontrol update jobid=$M dependency=afterok$(seq 1 4 | sed "s/^/:${A}_/" | tr -d '\n'): $(jfield "$M" Reason) Dependency=$(jfield "$M" Dependency)"
        killed=1
    fi
    if [ $requeued = 0 ] && rows_at_least "$QP" $(( ROWS / 4 / 8 )) && running "${A}_$REQUEUE_TASK"; then
        REQUEUED_AT=$(progress "$QP" nextRow)
        scontrol requeue "${A}_$REQUEUE_TASK"
        say "scontrol requeue ${A}_$REQUEUE_TASK while it runs (row $REQUEUED_AT): $(jstate "${A}_$REQUEUE_TASK"), Restarts=$(jfield "${A}_$REQUEUE_TASK" Restarts); merge $M: $(jfield "$M" Reason)"
        requeued=1
    fi
    if [ $limited = 0 ] && gone "${L1}_1"; then
        [ "$(jstate "${L1}_1")" = TIMEOUT ] || fail "time-limited task ended $(jstate "${L1}_1"), not TIMEOUT (it must not finish $LIMIT_ROWS rows in a minute)"
        N1=$(progress "$LP" nextRow)
        [ -n "$N1" ] && [ "$N1" -gt 0 ] || fail "the time-limited task wrote no progress record"
        say "time-limited task ${L1}_1: TIMEOUT (TimeLimit=$(jfield "${L1}_1" TimeLimit), RunTime=$(jfield "${L1}_1" RunTime), Reason=$(jfield "${L1}_1" Reason)); its record says next row $N1"
        L2=$(limit_submit); SUBMITTED+=("$L2")
        say "ran it again with the same sbatch command: ${L2}_1"
        limited=1
    fi
    if [ $limited = 1 ] && [ $rerun = 0 ] && resumed_and_past; then
        scancel "${L2}_1"
        wait_until 60 "the rerun to end" gone "${L2}_1"
        N2=$(progress "$LP" nextRow); B2=$(progress "$LP" bytes)
        say "rerun ${L2}_1: \"$(grep -h "resuming" "$WORK/perseus-predict-${L2}_1.log")\"; cancelled at row $N2"
        rerun=1
    fi
    if [ $limited = 1 ] && [ $rerun = 0 ] && gone "${L2}_1"; then fail "the rerun ${L2}_1 ended $(jstate "${L2}_1") before showing its resume"; fi
    sleep 0.5
done

# wait for the array, its merge, the one-shard run and training B
wait_until 900 "the one-shard run ${R}_1" gone "$R"
wait_until 900 "the array and its merge job $M" gone "$M"
wait_until 600 "training B" gone "$TB"
for t in 1 2 3 4; do [ "$(jstate "${A}_$t")" = COMPLETED ] || fail "array task ${A}_$t ended $(jstate "${A}_$t")"; done
[ "$(jstate "$M")" = COMPLETED ] || fail "merge job $M ended $(jstate "$M") ($(jfield "$M" Reason))"
[ "$(jstate "${R}_1")" = COMPLETED ] || fail "one-shard run ended $(jstate "${R}_1")"
[ "$(jstate "$TB")" = COMPLETED ] || fail "training B ended $(jstate "$TB")"
say "array $A: tasks 1-4 COMPLETED (task $KILL_TASK Restarts=$(jfield "${A}_$KILL_TASK" Restarts)); merge $M COMPLETED; one-shard ${R}_1 COMPLETED; training B COMPLETED (Restarts=$(jfield "$TB" Restarts))"

echo "== what the job logs say"
grep -H "resuming\|rows of\|rows/s" "$WORK"/perseus-predict-"${A}"_*.log | sed "s|$WORK/||"
grep -H "perseus-train:\|resuming after" "$WORK/perseus-train-$TB.log" | sed "s|$WORK/||"
grep -H "" "$WORK/perseus-merge-$M.log" | sed "s|$WORK/||"

# --- checks
echo "== checks"
checks=0
pass() { checks=$((checks + 1)); say "ok: $*"; }
grep -q "resuming .* at row $KILLED_AT " "$WORK/perseus-predict-${A}_$KILL_TASK.log" \
    || fail "requeued task ${A}_$KILL_TASK did not resume at row $KILLED_AT"
pass "killed and requeued task ${A}_$KILL_TASK resumed at row $KILLED_AT; the re-armed merge job ran"
QR=$(sed -n 's/.*resuming .* at row \([0-9]*\) .*/\1/p' "$WORK/perseus-predict-${A}_$REQUEUE_TASK.log")
[ -n "$QR" ] && [ "$QR" -ge "$REQUEUED_AT" ] || fail "task ${A}_$REQUEUE_TASK, requeued while running at row $REQUEUED_AT, did not resume (${QR:-no resume line})"
pass "task ${A}_$REQUEUE_TASK, requeued while running (row $REQUEUED_AT), resumed at row $QR; its merge dependency needed nothing"
cmp -s "$WORK/pred.csv" "$WORK/whole-1-of-1.csv" || fail "the merged table differs from the one-shard run"
pass "merged table $(basename "$WORK/pred.csv") IDENTICAL (cmp) to the one-shard run $(basename "$WORK/whole-1-of-1.csv")"
read -r n uniq inorder <<< "$(awk -F, 'NR > 1 { n++; if (!($2 in seen)) { seen[$2] = 1; u++ } if ($1 != NR - 2 || $2 != "OBJ-" NR - 2) bad++ }
    END { print n, u, (bad ? "no" : "yes") }' "$WORK/pred.csv")"
[ "$n" = "$ROWS" ] && [ "$uniq" = "$ROWS" ] && [ "$inorder" = yes ] || fail "merged table: $n rows, $uniq distinct ids, in order: $inorder"
pass "merged table: $n rows, $uniq distinct ids, rows 0..$((ROWS - 1)) each once in order ($(cut -d, -f8 "$WORK/pred.csv" | tail -n +2 | sort | uniq -c | awk '{ printf "%s%s %s", sep, $2, $1; sep = ", " }'))"
# The time-limited output, cut to what its record vouches for, against the one-shard run: row r's cutout is row
# (r mod lcm(200, 101))'s, so its probability, spread, label and status must be that row's.
period=$(( CUTOUTS * 101 / $(awk -v a="$CUTOUTS" -v b=101 'BEGIN { while (b) { t = b; b = a % b; a = t } print a }') ))
head -c "$B2" "$WORK/limit-1-of-1.csv" > "$WORK/limit-vouched.csv"
bad=$(awk -F, -v period="$period" 'NR == FNR { if (FNR > 1 && FNR - 2 < period) ref[FNR - 2] = $5 "," $6 "," $7 "," $8; next }
    FNR > 1 { r = FNR - 2; if ($1 != r || $2 != "OBJ-" r || ($5 "," $6 "," $7 "," $8) != ref[r % period]) { print "row " r ": " $0; exit } }
    END { }' "$WORK/whole-1-of-1.csv" "$WORK/limit-vouched.csv")
lines=$(( $(wc -l < "$WORK/limit-vouched.csv") - 1 ))
[ -z "$bad" ] && [ "$lines" = "$N2" ] || fail "time-limited output: $lines rows for next row $N2; first wrong: $bad"
prefix=$(( N2 < ROWS ? N2 : ROWS ))
cmp -s <(head -n $((prefix + 1)) "$WORK/limit-vouched.csv") <(head -n $((prefix + 1)) "$WORK/whole-1-of-1.csv") \
    || fail "the time-limited output's first $prefix rows differ from the one-shard run's"
pass "time-limited task: stopped at its limit at row $N1, resumed there when run again, $N2 rows written, each once in order and equal to the one-shard run's prediction for its cutout (the first $prefix byte for byte)"
cmp -s "$WORK/train-a/last.safetensors" "$WORK/train-b/last.safetensors" && cmp -s "$WORK/train-a/best.safetensors" "$WORK/train-b/best.safetensors" \
    || fail "training B (requeued) differs from training A"
grep -q "resuming after epoch" "$WORK/perseus-train-$TB.log" || fail "training B's log shows no resume"
pass "training B, requeued after epoch 3 and resumed ($(grep -o 'resuming after epoch [0-9]*' "$WORK/perseus-train-$TB.log")), ends with last.safetensors and best.safetensors IDENTICAL to uninterrupted A's ($(tail -n 1 "$WORK/train-a/metrics.csv" | cut -d, -f1) epochs)"

# --- sacct: the job-completion log. Array tasks have raw job ids of their own; jobcomp.txt names their
# ArrayJobId/ArrayTaskId (which this sacct reads as unknown fields: its 'Unknown type' complaints are dropped).
echo "== sacct --completion (every record of this check's jobs; PENDING after a CANCELLED/TIMEOUT/RUNNING record is a requeue)"
JOBCOMP=$(scontrol show config | awk -F' = ' '/^JobCompLoc/ { print $2 }')
labels=$(awk -v ids=" $TA $TB $L1 $L2 $A $M $R " -v a="$A" -v m="$M" -v r="$R" -v l1="$L1" -v l2="$L2" -v ta="$TA" -v tb="$TB" '
    { id = ""; aj = ""; at = ""
      for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "JobId") id = kv[2]; if (kv[1] == "ArrayJobId") aj = kv[2]; if (kv[1] == "ArrayTaskId") at = kv[2] }
      key = (aj != "" && aj != "0") ? aj : id
      if (index(ids, " " key " ") == 0) next
      name = (key == a) ? "predict shard " at "/4" : (key == m) ? "merge" : (key == r) ? "one-shard run" : (key == l1) ? "time-limited task" : \
             (key == l2) ? "time-limited rerun" : (key == ta) ? "training A" : (key == tb) ? "training B" : "?"
      lab[id] = ((aj != "" && aj != "0") ? aj "_" at : id) "  " name }
    END { for (i in lab) print i "\t" lab[i] }' "$JOBCOMP")
rawids=$(echo "$labels" | cut -f1 | sort -nu | tr '\n' ',' | sed 's/,$//')
sacct -c -j "$rawids" --format=JobID,JobName%16,State,ExitCode,Elapsed,Start,End 2>/dev/null > "$WORK/sacct.txt" || true
awk 'NR == FNR { split($0, f, "\t"); lab[f[1]] = f[2]; next } FNR <= 2 { print $0 (FNR == 1 ? "  array task / role" : "  ------------------"); next }
    { print $0 "  " lab[$1] }' <(echo "$labels") "$WORK/sacct.txt" | tee "$WORK/sacct-labelled.txt"
has() { grep -E "$1" "$WORK/sacct-labelled.txt" | grep -q .; }
for t in 1 2 3 4; do has "COMPLETED .* ${A}_$t  predict shard" || fail "sacct shows no COMPLETED record for ${A}_$t"; done
has "CANCELLED .* ${A}_$KILL_TASK " && has "PENDING .* ${A}_$KILL_TASK " || fail "sacct shows no kill and requeue of ${A}_$KILL_TASK"
has "PENDING .* ${A}_$REQUEUE_TASK " || fail "sacct shows no requeue of ${A}_$REQUEUE_TASK"
has "COMPLETED .* $M  merge" && has "COMPLETED .* ${R}_1  one-shard" || fail "sacct misses the merge or the one-shard run"
has "TIMEOUT .* ${L1}_1 " && has "CANCELLED .* ${L2}_1 " || fail "sacct misses the time-out or the rerun"
has " $TA  training A" && has "PENDING .* $TB  training B" && has "COMPLETED .* $TB  training B" || fail "sacct misses training A or B's requeue"
pass "sacct shows all $(( $(wc -l < "$WORK/sacct.txt") - 2 )) records: the 4 array tasks, task $KILL_TASK's kill and requeue, task $REQUEUE_TASK's requeue, the merge, the one-shard run, the time-out and its rerun, training A and B's requeue"

echo "== sbatch commands run (ours and predict.sbatch's own)"
sed "s|$WORK|\$WORK|g; s|$ROOT/||g" "$WORK/sbatch-commands.log"

elapsed=$(( $(date +%s) - T0 ))
echo "cluster-check: PASS in ${elapsed} s on Slurm $(sinfo -V | cut -d' ' -f2) (1 node, 2 CPUs): $checks checks;" \
    "array $A (4 tasks, task $KILL_TASK killed at row $KILLED_AT and requeued) + merge $M = one-shard run, $ROWS rows once each, byte-identical;" \
    "task $REQUEUE_TASK requeued while running; time-limited task TIMEOUT at row $N1, resumed there on rerun;" \
    "requeued training bit-identical; sacct $(( $(wc -l < "$WORK/sacct.txt") - 2 )) records"
# A work folder of our own making (about 260 MB) goes; one given on the command line stays.
if [ "$TEMP_WORK" = 1 ] && [ "${KEEP_WORK:-0}" != 1 ]; then cd /; rm -rf "$WORK"; fi
