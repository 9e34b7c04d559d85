#!/usr/bin/env python3
"""One measurement of ../shared/bench/torch_resnet_bench.py in this (fresh) process, plus its peak resident memory.

The shared script runs all eight measurements in one process, so its peak memory is the largest of them; this runs
its own `bench()` for one configuration and adds `peak_rss_mb` (getrusage maxrss), so PyTorch's peak can be set
beside ours measurement by measurement.

Usage: torch_bench_one.py MODEL MODE SIZE BATCH [--threads 2] [--warmup 5] [--repeats 10] [--channels-last] [--quick]
"""
import argparse
import importlib.util
import json
import os
import resource
import sys

here = os.path.dirname(os.path.abspath(__file__))
script = os.environ.get("TORCH_BENCH", os.path.join(here, "..", "..", "shared", "bench", "torch_resnet_bench.py"))
spec = importlib.util.spec_from_file_location("torch_resnet_bench", script)
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)

ap = argparse.ArgumentParser()
ap.add_argument("model")
ap.add_argument("mode", choices=["train", "infer"])
ap.add_argument("size", type=int)
ap.add_argument("batch", type=int)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--warmup", type=int, default=5)
ap.add_argument("--repeats", type=int, default=10)
ap.add_argument("--channels-last", action="store_true")
ap.add_argument("--quick", action="store_true")
args = ap.parse_args()
if args.quick:
    args.warmup, args.repeats = 1, 3
bench.torch.set_num_threads(args.threads)

# bench() prints its JSON line; print ours after it with the peak added (the last JSON line is the one to read).
import contextlib, io
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    rec = bench.bench(args.model, args.mode, args.size, args.batch, args)
rec["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("JSON " + json.dumps(rec), flush=True)
