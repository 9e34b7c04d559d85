#!/usr/bin/env python3
"""Runs Perseus's benchmark and PyTorch's (NCHW and channels-last) side by side and prints the ratios.

For each measurement the three runs follow each other (each a fresh process), so they share the machine's state;
on a shared machine compare the ratios, not the absolute figures. Called by scripts/bench.sh.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
ap = argparse.ArgumentParser()
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--warmup", type=int, default=5)
ap.add_argument("--repeats", type=int, default=10)
ap.add_argument("--quick", action="store_true")
ap.add_argument("--rounds", type=int, default=1, help="repeat the whole comparison; report per-round ratio medians")
ap.add_argument("--model", action="append")
ap.add_argument("--mode", action="append")
ap.add_argument("--no-torch", action="store_true")
ap.add_argument("--no-pipeline", action="store_true")
args = ap.parse_args()
if args.quick:
    args.warmup, args.repeats = 1, 3
python = os.environ.get("TORCH_PYTHON", os.path.join(root, "..", "torch-venv", "bin", "python"))
ours = os.path.join(root, ".build", "release", "PerseusBench")
common = ["--threads", str(args.threads), "--warmup", str(args.warmup), "--repeats", str(args.repeats)]
configs = [(m, mode, s, b) for m in ["resnet18", "resnet10"]
           for (mode, s, b) in [("train", 200, 20), ("train", 64, 64), ("infer", 200, 20), ("infer", 64, 256)]
           if (not args.model or m in args.model) and (not args.mode or mode in args.mode)]
env = dict(os.environ, OMP_NUM_THREADS=str(args.threads))


def run(cmd):
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    lines = [l for l in out.stdout.splitlines() if l.startswith("JSON ")]
    if out.returncode != 0 or not lines:
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stdout}\n{out.stderr}")
    print(lines[-1], flush=True)
    return json.loads(lines[-1][5:])


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


print(f"# side by side: threads={args.threads} warmup={args.warmup} repeats={args.repeats} rounds={args.rounds}, "
      f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'default')}, load average {load()}", flush=True)
results = {}  # config -> {"ours": [...], "nchw": [...], "cl": [...]}
for r in range(args.rounds):
    for c in configs:
        slot = results.setdefault(c, {"ours": [], "nchw": [], "cl": [], "load": []})
        slot["load"].append(load())
        slot["ours"].append(run([ours] + common + ["--one", ",".join(map(str, c))]))
        if not args.no_torch:
            tb = [python, os.path.join(here, "torch_bench_one.py")] + [str(x) for x in c] + common
            slot["nchw"].append(run(tb))
            slot["cl"].append(run(tb + ["--channels-last"]))


def med(recs, key):
    return statistics.median(r[key] for r in recs) if recs else float("nan")


print(f"\nPerseus vs PyTorch, {args.threads} threads, median of {args.repeats} after {args.warmup} warm-up, "
      f"median over {args.rounds} round(s); load average at the end {load()}")
hdr = (f"{'model':9} {'mode':5} {'input':8} {'batch':>5} | {'ours img/s':>10} {'GFLOP/s':>7} {'MiB':>6} | "
       f"{'torch NCHW':>10} {'MiB':>6} {'x':>5} | {'torch CL':>8} {'MiB':>6} {'x':>5}")
print(hdr)
print("-" * len(hdr))
for c, slot in results.items():
    o, n, cl = med(slot["ours"], "images_per_s"), med(slot["nchw"], "images_per_s"), med(slot["cl"], "images_per_s")
    # Ratios per round (same machine state), then their median.
    rn = statistics.median(a["images_per_s"] / b["images_per_s"] for a, b in zip(slot["ours"], slot["nchw"])) if slot["nchw"] else float("nan")
    rc = statistics.median(a["images_per_s"] / b["images_per_s"] for a, b in zip(slot["ours"], slot["cl"])) if slot["cl"] else float("nan")
    print(f"{c[0]:9} {c[1]:5} {c[2]}x{c[2]:<4} {c[3]:>5} | {o:10.1f} {med(slot['ours'], 'achieved_gflop_s'):7.1f} "
          f"{med(slot['ours'], 'peak_rss_mb'):6.0f} | {n:10.1f} {med(slot['nchw'], 'peak_rss_mb'):6.0f} {rn:5.2f} | "
          f"{cl:8.1f} {med(slot['cl'], 'peak_rss_mb'):6.0f} {rc:5.2f}")
if not args.no_pipeline:
    subprocess.run([ours, "--pipeline-only"] + (["--quick"] if args.quick else []), env=env)
