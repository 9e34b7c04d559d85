#!/usr/bin/env bash
# Perseus's ResNet benchmark beside PyTorch's (NCHW and channels-last), measurement by measurement, with ratios.
#   scripts/bench.sh [--quick] [--threads 2] [--warmup 5] [--repeats 10] [--rounds N] [--model resnet18] [--mode train]
# End to end instead (scripts/bench_end_to_end.py): `perseus predict` over real cutouts and `perseus train` of the
# default recipe, each beside a PyTorch script doing the same work (scripts/pytorch/), images/s and peak memory:
#   scripts/bench.sh --end-to-end [--images N] [--steps N] [--precision fp32|bf16|int8] [--workers 1] [--only predict|train]
# PyTorch comes from ../torch-venv (or $TORCH_PYTHON); see ../shared/bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
args=()
end_to_end=0
for a in "$@"; do
    if [[ "$a" == "--end-to-end" ]]; then end_to_end=1; else args+=("$a"); fi
done
if (( end_to_end )); then
    swift build -c release --product perseus >&2
    exec python3 scripts/bench_end_to_end.py ${args[@]+"${args[@]}"}
fi
swift build -c release --product PerseusBench >&2
exec python3 scripts/bench_side_by_side.py ${args[@]+"${args[@]}"}
