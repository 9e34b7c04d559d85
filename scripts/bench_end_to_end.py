#!/usr/bin/env python3
"""End-to-end `perseus predict` and `perseus train` beside PyTorch scripts doing the same work, with ratios.
Called by `scripts/bench.sh --end-to-end [options]`; run it directly with the same options.

    bench_end_to_end.py [--images N] [--steps 100] [--precision fp32|bf16|int8] [--workers 1] [--threads 2]
                        [--only predict|train] [--data PREPARED] [--image-dir DIR] [--keep]

Predict: `perseus predict --model perseus-sdss-member --images DIR --out OUT.csv --threads T` over a folder of real
cutouts (default ../shared/data/perseus/pcc/cutouts, or its first N images by name via a temporary folder of
symlinks), beside scripts/pytorch/predict_folder.py (torchvision resnet18 with the same weights, PIL decoding and
box resize, a DataLoader of batch 64). The two output CSVs are compared per id (max and median absolute difference of
the member probability) to show it is the same work.

Train: `perseus train` of the default recipe for --steps optimizer steps (`--max-steps`; `catalogueModel: false`
from a --config file, since the PyTorch side fits no boosted trees) on a prepared dataset, beside
scripts/pytorch/train_recipe.py (the recipe in PyTorch; its docstring says what differs). The dataset is made once
by `perseus prepare ... --max-mag none` into --data (default: $XDG_CACHE_HOME/perseus-bench/pcc-all, outside the
repository) when it has no objects.csv.

Figures. Each side is a fresh child process; before each measurement the input files are read once so both sides
find them in the page cache. Images/s: "process" rows divide the images by the child's whole wall time (start-up,
model loading, data reading, the work, writing the output); "loop" rows by the time each side reports for the work
alone (predict: Perseus's "this run: ... s", the script's loop; train: the steps plus the validation pass, Perseus's
metrics.csv seconds, the script's epochs_s). Training images/s count the training images only, so the validation
pass (757 objects of the PCC dataset, inference) weighs on few steps: the default 100 steps (3200 images, into the
second epoch) keep the training dominant. Ratio = Perseus / PyTorch images/s (above 1: Perseus is faster).
Memory (MiB): the peak over the run of the child's process tree summed proportional set size (PSS, from
/proc/PID/smaps_rollup, sampled every 0.1 s; DataLoader worker processes included, pages they share with the
parent counted once); the JSON lines also give the summed RSS peak and the kernel's ru_maxrss (os.wait4: the largest
single process of the tree, exact). Each line `JSON {...}` is one measurement.
"""
import argparse
import csv
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
data_root = os.path.join(root, "..", "shared", "data", "perseus")
cache = os.environ.get("XDG_CACHE_HOME", os.path.join(os.path.expanduser("~"), ".cache"))

ap = argparse.ArgumentParser(description="End-to-end predict and train, Perseus beside PyTorch.")
ap.add_argument("--images", type=int, default=0, help="predict the first N cutouts by name (0: all)")
ap.add_argument("--image-dir", default=os.path.join(data_root, "pcc", "cutouts"), help="folder of cutouts to predict")
ap.add_argument("--steps", type=int, default=100, help="training steps (batches of 32) on each side")
ap.add_argument("--precision", default="fp32", choices=["fp32", "bf16", "int8"],
                help="predict's precision (passed to perseus predict when its --help lists --precision)")
ap.add_argument("--workers", type=int, default=1, help="PyTorch DataLoader worker processes")
ap.add_argument("--threads", type=int, default=2, help="threads for each side's network")
ap.add_argument("--only", choices=["predict", "train"], help="run one of the two measurements")
ap.add_argument("--data", default=os.path.join(cache, "perseus-bench", "pcc-all"),
                help="prepared dataset for training (made by perseus prepare when absent)")
ap.add_argument("--model", default="perseus-sdss-member", help="shipped model to predict with")
ap.add_argument("--keep", action="store_true", help="keep the temporary folder (outputs, runs, logs) and say where")
args = ap.parse_args()

python = os.environ.get("TORCH_PYTHON", os.path.join(root, "..", "torch-venv", "bin", "python"))
perseus = os.environ.get("PERSEUS_BIN", os.path.join(root, ".build", "release", "perseus"))
env = dict(os.environ, OMP_NUM_THREADS=str(args.threads))
for path, what in [(python, "PyTorch's python (set TORCH_PYTHON)"), (perseus, "perseus (swift build -c release)")]:
    if not os.access(path, os.X_OK):
        sys.exit(f"no {what}: {path}")
work = tempfile.mkdtemp(prefix="perseus-e2e-")
MiB = 1024 * 1024


def tree(pid):
    """pid and its descendants, from /proc/*/stat parent ids."""
    parents = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    parents[int(name)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    found, frontier = {pid}, [pid]
    while frontier:
        p = frontier.pop()
        for child, parent in parents.items():
            if parent == p and child not in found:
                found.add(child)
                frontier.append(child)
    return found


def memory(pids):
    """(summed PSS, summed RSS) in bytes of the live processes among pids."""
    pss = rss = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1]) * 1024
                    elif line.startswith("Rss:"):
                        rss += int(line.split()[1]) * 1024
        except OSError:
            pass
    return pss, rss


def measure(name, cmd, tolerate=False):
    """Runs cmd as a child (stdout and stderr to files in the work folder); its wall time, peaks and output. A failure
    stops the bench, or with `tolerate` returns None."""
    log_out, log_err = os.path.join(work, name + ".out"), os.path.join(work, name + ".err")
    with open(log_out, "w") as out, open(log_err, "w") as err:
        started = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=root)
        peak = {"pss": 0, "rss": 0}
        done = threading.Event()

        def sample():
            while not done.is_set():
                pss, rss = memory(tree(child.pid))
                peak["pss"], peak["rss"] = max(peak["pss"], pss), max(peak["rss"], rss)
                done.wait(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)
    with open(log_out) as f:
        stdout = f.read()
    if child.returncode != 0:
        if tolerate:
            return None
        with open(log_err) as f:
            sys.exit(f"failed ({child.returncode}): {' '.join(cmd)}\n{stdout[-3000:]}\n{f.read()[-3000:]}")
    return {"seconds": seconds, "pss_mib": peak["pss"] / MiB, "rss_mib": peak["rss"] / MiB,
            "maxrss_mib": usage.ru_maxrss * 1024 / MiB, "stdout": stdout}


def script_json(stdout):
    lines = [l for l in stdout.splitlines() if l.startswith("JSON ")]
    return json.loads(lines[-1][5:]) if lines else {}


def warm(files):
    """Reads the files once, so neither side pays for the disk."""
    for path in files:
        with open(path, "rb") as f:
            while f.read(1 << 20):
                pass


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


rows = []
notes = []  # said again under the table


def report(measurement, images, ours, theirs, ours_seconds, torch_seconds, extra):
    o, t = images / ours_seconds, images / torch_seconds
    record = {"measurement": measurement, "images": images,
              "perseus_images_per_s": round(o, 2), "torch_images_per_s": round(t, 2), "ratio": round(o / t, 3),
              "perseus_seconds": round(ours_seconds, 3), "torch_seconds": round(torch_seconds, 3),
              "perseus_pss_mib": round(ours["pss_mib"], 1), "torch_pss_mib": round(theirs["pss_mib"], 1),
              "perseus_rss_mib": round(ours["rss_mib"], 1), "torch_rss_mib": round(theirs["rss_mib"], 1),
              "perseus_maxrss_mib": round(ours["maxrss_mib"], 1), "torch_maxrss_mib": round(theirs["maxrss_mib"], 1),
              "threads": args.threads, "torch_workers": args.workers, "load_average": load_average()}
    record.update(extra)
    print("JSON " + json.dumps(record), flush=True)
    rows.append(record)


def help_lists(command, option):
    out = subprocess.run([perseus, command, "--help"], capture_output=True, text=True, env=env)
    return option in out.stdout + out.stderr


def bench_predict():
    files = sorted(n for n in os.listdir(args.image_dir) if n.lower().endswith((".jpg", ".jpeg", ".png")))
    folder = args.image_dir
    if args.images > 0:
        files = files[:args.images]
        folder = os.path.join(work, "images")
        os.makedirs(folder)
        for n in files:
            os.symlink(os.path.abspath(os.path.join(args.image_dir, n)), os.path.join(folder, n))
    precision = ["--precision", args.precision] if help_lists("predict", "--precision") else []
    notes.append(f"predict precision: PyTorch {args.precision}, Perseus {args.precision if precision else 'fp32 (no --precision)'}")
    if not precision and args.precision != "fp32":
        print(f"# perseus predict has no --precision: Perseus runs fp32, PyTorch {args.precision}", flush=True)
    weights = os.path.join(root, "models", args.model + ".safetensors")
    ours_csv, torch_csv = os.path.join(work, "perseus.csv"), os.path.join(work, "torch.csv")
    warm(os.path.join(folder, n) for n in files)
    ours = measure("predict-perseus", [perseus, "predict", "--model", args.model, "--images", folder, "--out", ours_csv,
                                       "--threads", str(args.threads), "--batch", "64", "--quiet", "--force"] + precision)
    def torch_cmd(precision):
        return [python, os.path.join(here, "pytorch", "predict_folder.py"), "--weights", weights, "--images", folder,
                "--out", torch_csv, "--batch", "64", "--workers", str(args.workers), "--threads", str(args.threads),
                "--precision", precision]
    theirs = measure("predict-torch", torch_cmd(args.precision), tolerate=args.precision == "int8")
    if theirs is None:
        with open(os.path.join(work, "predict-torch.err")) as f:
            reason = f.read().strip().splitlines()[-1:]
        print(f"# torch has no comparable int8 path here ({' '.join(reason)}); predict skipped", flush=True)
        return
    with open(ours_csv, newline="") as f:
        mine = {r["id"]: float(r["member_probability"]) for r in csv.DictReader(f) if r["status"] == "ok"}
    with open(torch_csv, newline="") as f:
        other = {r["id"]: float(r["member_probability"]) for r in csv.DictReader(f)}
    common = sorted(set(mine) & set(other))
    differences = [abs(mine[i] - other[i]) for i in common]
    agreement = {"compared": len(common), "perseus_rows": len(mine), "torch_rows": len(other),
                 "max_abs_difference": round(max(differences), 5) if differences else None,
                 "median_abs_difference": round(statistics.median(differences), 5) if differences else None,
                 "within_0.02": round(sum(d <= 0.02 for d in differences) / max(len(differences), 1), 4)}
    print(f"# predict agreement: {len(common)} ids in both outputs (perseus {len(mine)} ok rows, torch {len(other)}); "
          f"member probability |difference| max {agreement['max_abs_difference']}, median "
          f"{agreement['median_abs_difference']}, {100 * agreement['within_0.02']:.1f}% within 0.02", flush=True)
    if len(common) != len(files):
        print(f"# warning: {len(files)} images but {len(common)} ids predicted by both sides", flush=True)
    extra = {"precision": args.precision, "perseus_precision_option": bool(precision), **agreement}
    loop = re.search(r"this run: (\d+) rows in ([0-9.]+) s", ours["stdout"])
    # A low-precision row is compared with PyTorch's same precision and, from the same run, with its fp32.
    for label, other in [("", theirs)] + ([(", PyTorch fp32", measure("predict-torch-fp32", torch_cmd("fp32")))]
                                         if args.precision != "fp32" else []):
        report(f"predict (process{label})", len(files), ours, other, ours["seconds"], other["seconds"], extra)
        torch_loop = script_json(other["stdout"]).get("loop_s")
        if loop and torch_loop:
            report(f"predict (loop{label})", len(files), ours, other, float(loop.group(2)), torch_loop, extra)


def prepared_dataset():
    if os.path.exists(os.path.join(args.data, "objects.csv")):
        return
    d = data_root
    print(f"# preparing the training data into {args.data} (once)", flush=True)
    subprocess.run([perseus, "prepare", "--catalog", f"{d}/pcc/PCC_cat.txt", "--photometry",
                    f"{d}/pcc/sdss_crossmatch_bright.csv", "--spectra", f"{d}/spec/spec_search_45arcmin.csv",
                    "--images", f"{d}/pcc/cutouts", "--images-wide", f"{d}/pcc/cutouts-400", "--spectra-images",
                    f"{d}/spec/cutouts", "--max-mag", "none", "--out", args.data],
                   check=True, env=env, stdout=subprocess.DEVNULL)


def training_images(draws, steps, batch=32):
    """Images in the first `steps` batches over epochs of `draws` (an epoch's last batch of one is dropped)."""
    sizes = [batch] * (draws // batch) + ([draws % batch] if draws % batch > 1 else [])
    return sum(sizes[step % len(sizes)] for step in range(steps))


def bench_train():
    if not help_lists("train", "--max-steps"):
        sys.exit("perseus train has no --max-steps: rebuild perseus (swift build -c release)")
    prepared_dataset()
    with open(os.path.join(args.data, "objects.csv"), newline="") as f:
        objects = list(csv.DictReader(f))
    train = [o for o in objects if o["split"] == "train"]
    bright = [o for o in train if o["magnitude"] != "" and float(o["magnitude"]) <= 19.4]
    draws = len(train) if len(bright) == len(train) else len(train) + 3 * len(bright)
    images = training_images(draws, args.steps)
    used = [o for o in objects if o["split"] in ("train", "validation")]
    warm([o["image"] for o in used] + [o["image_wide"] for o in used if o["image_wide"]])
    config = os.path.join(work, "bench.yaml")
    with open(config, "w") as f:
        f.write("catalogueModel: false\n")
    # bf16 trains in bf16 on both sides (Perseus's --precision, PyTorch's autocast); int8 does not train.
    precision = args.precision if args.precision == "bf16" and help_lists("train", "--precision") else "fp32"
    if precision != args.precision:
        print(f"# train: {args.precision} does not train here; both sides train fp32", flush=True)
    notes.append(f"train precision: {precision} on both sides")
    ours = measure("train-perseus", [perseus, "train", "--data", args.data, "--out", os.path.join(work, "run"),
                                     "--config", config, "--max-steps", str(args.steps), "--threads", str(args.threads),
                                     "--force"] + (["--precision", precision] if precision != "fp32" else []))
    def torch_train(name, precision):
        return measure(name, [python, os.path.join(here, "pytorch", "train_recipe.py"), "--data", args.data,
                              "--out", os.path.join(work, "torch-run"), "--steps", str(args.steps),
                              "--workers", str(args.workers), "--threads", str(args.threads), "--precision", precision])
    theirs = torch_train("train-torch", precision)
    with open(os.path.join(work, "run", "metrics.csv"), newline="") as f:
        epochs = sum(float(r["seconds"]) for r in csv.DictReader(f))
    extra = {"steps": args.steps, "batch": 32, "draws_per_epoch": draws, "precision": precision}
    # bf16 is compared with PyTorch's bf16 and, from the same run, with its fp32.
    for label, other in [("", theirs)] + ([(", PyTorch fp32", torch_train("train-torch-fp32", "fp32"))]
                                         if precision != "fp32" else []):
        facts = script_json(other["stdout"])
        if facts.get("images") != images:
            print(f"# warning: PyTorch trained on {facts.get('images')} images, Perseus on {images}", flush=True)
        report(f"train (process{label})", images, ours, other, ours["seconds"], other["seconds"], extra)
        if facts.get("epochs_s"):
            report(f"train (loop{label})", images, ours, other, epochs, facts["epochs_s"], extra)


print(f"# end to end: threads={args.threads}, PyTorch DataLoader workers={args.workers}, precision={args.precision}, "
      f"load average {load_average()}; work folder {work}", flush=True)
try:
    if args.only in (None, "predict"):
        bench_predict()
    if args.only in (None, "train"):
        bench_train()
finally:
    if args.keep:
        print(f"# kept {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)

print(f"\nPerseus vs PyTorch end to end, {args.threads} threads, DataLoader workers {args.workers}; "
      f"load average at the end {load_average()}")
header = (f"{'measurement':18} {'images':>6} | {'perseus img/s':>13} {'torch img/s':>11} {'ratio':>6} | "
          f"{'perseus MiB':>11} {'torch MiB':>9}")
print(header)
print("-" * len(header))
for r in rows:
    memory_cells = f"{r['perseus_pss_mib']:>11.0f} {r['torch_pss_mib']:>9.0f}"
    print(f"{r['measurement']:18} {r['images']:>6} | {r['perseus_images_per_s']:>13.1f} {r['torch_images_per_s']:>11.1f} "
          f"{r['ratio']:>6.2f} | {memory_cells}")
for note in notes:
    print(note)
print("ratio = Perseus / PyTorch images/s; MiB = peak summed PSS of the process tree (see the JSON lines for RSS and "
      "ru_maxrss) of the run the row comes from; loop = the work alone, process = the whole command")
