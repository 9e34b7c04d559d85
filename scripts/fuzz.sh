#!/usr/bin/env bash
# Fuzzes every reader of outside bytes with PerseusFuzz (seeded random mutation, one child process per run so a
# crash or hang is caught and its input saved), one target after another, and prints a table.
#
#   scripts/fuzz.sh                  600 s per target (the issue asks for at least 10 minutes each)
#   scripts/fuzz.sh --short          10 s per target (CI)
#   scripts/fuzz.sh --seconds 180 --seed 7 --targets "jpeg png" --crashes DIR
#
# Exits 1 when any target crashed or hung; the inputs are under the crashes folder (default fuzz-crashes/, not
# committed), each with a .txt holding the signal and the backtrace. Reproduce one with
#   .build/release/PerseusFuzz --target T --replay FILE     and shrink it with --minimise FILE.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=600
seed=1
targets="jpeg png fits-image pcc csv fits-table safetensors yaml"
crashes=fuzz-crashes
while [ $# -gt 0 ]; do
    case "$1" in
        --short) seconds=10 ;;
        --seconds) seconds="$2"; shift ;;
        --seed) seed="$2"; shift ;;
        --targets) targets="$2"; shift ;;
        --crashes) crashes="$2"; shift ;;
        *) echo "usage: scripts/fuzz.sh [--short] [--seconds N] [--seed N] [--targets \"t1 t2\"] [--crashes DIR]" >&2; exit 2 ;;
    esac
    shift
done

# PERSEUS_FUZZ=path runs an already built (e.g. copied) binary instead of building one.
fuzz=${PERSEUS_FUZZ:-.build/release/PerseusFuzz}
if [ -z "${PERSEUS_FUZZ:-}" ]; then swift build -c release --product PerseusFuzz >&2; fi
results=()
for target in $targets; do
    echo "== $target: $seconds s" >&2
    mkdir -p "$crashes"
    "$fuzz" --target "$target" --seconds "$seconds" --seed "$seed" --crashes "$crashes" | tee "$crashes/$target.log" >&2
    results+=("$(grep '^RESULT ' "$crashes/$target.log")")
done

failed=0
printf '\n%-12s %12s %8s %10s %10s %10s %8s %6s\n' target executions seconds exec/s ok errors crashes hangs
for line in "${results[@]}"; do
    declare -A r=()
    for pair in ${line#RESULT }; do r[${pair%%=*}]=${pair#*=}; done
    rate=$(awk -v n="${r[executions]}" -v s="${r[seconds]}" 'BEGIN { printf "%.0f", n / s }')
    printf '%-12s %12s %8s %10s %10s %10s %8s %6s\n' "${r[target]}" "${r[executions]}" "${r[seconds]}" "$rate" \
        "${r[ok]}" "${r[errors]}" "${r[crashes]}" "${r[hangs]}"
    if [ "${r[crashes]}" != 0 ] || [ "${r[hangs]}" != 0 ]; then failed=1; fi
    unset r
done
exit $failed
