#!/usr/bin/env bash
# Perseus's ResNet benchmark beside PyTorch's (NCHW and channels-last), measurement by measurement, with ratios.
#   scripts/bench.sh [--quick] [--threads 2] [--warmup 5] [--repeats 10] [--rounds N] [--model resnet18] [--mode train]
# PyTorch comes from ../torch-venv (or $TORCH_PYTHON); see ../shared/bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product PerseusBench >&2
exec python3 scripts/bench_side_by_side.py "$@"
