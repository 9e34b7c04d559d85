#!/usr/bin/env python3
"""Checks Perseus's ResNet against PyTorch/torchvision, both ways, through safetensors files and `perseus model`.

(a) A ResNet-18 written by `perseus model init` loads into torchvision with a strict `load_state_dict`, and
    `perseus model forward` gives torchvision's logits (evaluation mode) at 3x64x64 and 3x200x200.
(b) A ResNet-18 initialised by PyTorch (running statistics made non-trivial by a few training-mode passes) and saved
    with `safetensors.torch.save_file` loads into Perseus (architecture inferred from the keys) with the same logits.
(c) One SGD training step (training mode, batch of 4, 3x64x64): PyTorch's loss, every gradient and the logits after
    the step are written to a reference file, which `swift test` compares with Perseus's (PyTorchReferenceTests).
    With --write-fixture, a few summaries of the same step are written to Tests/NNTests/PyTorchReference.swift, which
    the project's tests check without PyTorch.

Run from the repository root after `swift build -c release --product perseus`:
    ../torch-venv/bin/python scripts/pytorch/check_resnet.py [--write-fixture]
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import safetensors.torch
import torch
import torchvision

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MASK = (1 << 64) - 1

# The training step (c): the same numbers as Tests/NNTests/PyTorchReferenceTests.swift.
MODEL_SEED, INPUT_SEED, BATCH, SIZE = 11, 12, 4, 64
LABELS = [0, 1, 1, 0]
LR, MOMENTUM, WEIGHT_DECAY = 0.1, 0.9, 1e-4


def splitmix64_uniform(seed, count):
    """Perseus's SeededGenerator (SplitMix64) `nextUniform()` x count: Float(next() >> 40) / 2^24, exactly."""
    n = np.arange(1, count + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = np.uint64(seed) + n * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(40)).astype(np.float32) * np.float32(1.0 / (1 << 24))


def seeded_input(seed, shape):
    """Tensor.uniform(shape, low: -1, high: 1, using: &SeededGenerator(seed)), bit for bit."""
    u = splitmix64_uniform(seed, int(np.prod(shape)))
    return (np.float32(-1) + np.float32(2) * u).reshape(shape)


def relative_error(ours, theirs):
    """max |ours - theirs| / max |theirs|, and the worst elementwise |ours - theirs| / |theirs|."""
    ours, theirs = np.asarray(ours, np.float64), np.asarray(theirs, np.float64)
    scale = np.abs(theirs).max()
    elementwise = np.abs(ours - theirs) / np.maximum(np.abs(theirs), 1e-30)
    return np.abs(ours - theirs).max() / scale, elementwise.max()


def perseus(binary, *args):
    result = subprocess.run([binary, "model", *args], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"perseus model {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def torch_logits(model, x):
    model.eval()
    with torch.no_grad():
        return model(torch.from_numpy(x)).numpy()


def compare_forward(binary, weights, model, folder, label):
    worst = 0.0
    for size in (64, 200):
        x = np.random.default_rng(size).standard_normal((2, 3, size, size)).astype(np.float32)
        np.save(os.path.join(folder, "x.npy"), x)
        perseus(binary, "forward", "--weights", weights, "--input", os.path.join(folder, "x.npy"),
                "--out", os.path.join(folder, "y.npy"))
        ours, theirs = np.load(os.path.join(folder, "y.npy")), torch_logits(model, x)
        scaled, elementwise = relative_error(ours, theirs)
        worst = max(worst, scaled)
        print(f"  {label}, 2x3x{size}x{size}: max |diff| / max |logit| = {scaled:.2e}, "
              f"worst elementwise relative {elementwise:.2e}")
    return worst


def training_step_reference(binary, folder):
    """Runs (c) in PyTorch on the model `perseus model init --seed MODEL_SEED` writes; returns the reference tensors."""
    weights = os.path.join(folder, "step.safetensors")
    perseus(binary, "init", "--arch", "resnet18", "--classes", "2", "--seed", str(MODEL_SEED), "--out", weights, "--force")
    model = torchvision.models.resnet18(num_classes=2)
    model.load_state_dict(safetensors.torch.load_file(weights))
    x = torch.from_numpy(seeded_input(INPUT_SEED, (BATCH, 3, SIZE, SIZE)))

    reference = {"logits.eval": torch_logits(model, x.numpy())}
    model.train()
    logits = model(x)
    loss = torch.nn.functional.cross_entropy(logits, torch.tensor(LABELS))
    loss.backward()
    reference["logits.train"] = logits.detach().numpy()
    reference["loss"] = loss.detach().numpy().reshape(1)
    for name, p in model.named_parameters():
        reference["grad." + name] = p.grad.numpy().copy()
    torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM, weight_decay=WEIGHT_DECAY).step()
    reference["logits.after"] = torch_logits(model, x.numpy())
    return {k: torch.from_numpy(np.ascontiguousarray(v, dtype=np.float32)) for k, v in reference.items()}


FIXTURE_TENSORS = ["conv1.weight", "layer1.0.conv1.weight", "layer2.0.downsample.0.weight", "layer3.1.bn2.weight",
                   "layer4.1.conv2.weight", "fc.weight", "fc.bias"]


def write_fixture(reference, path):
    def floats(values):
        return ", ".join(f"{float(v):.9g}" for v in np.asarray(values).reshape(-1))

    lines = [
        "// Generated by scripts/pytorch/check_resnet.py --write-fixture with "
        f"PyTorch {torch.__version__.split('+')[0]}, torchvision {torchvision.__version__.split('+')[0]}. Do not edit.",
        "// ResNet-18 (2 classes) from ResNet(.resnet18, classes: 2, seed: 11), input Tensor.uniform([4, 3, 64, 64],",
        "// low: -1, high: 1) from SeededGenerator(seed: 12), labels [0, 1, 1, 0], one SGD step (lr 0.1, momentum 0.9,",
        "// weight decay 1e-4) in training mode.",
        "enum PyTorchReference {",
        f"    static let evalLogits: [Float] = [{floats(reference['logits.eval'])}]",
        f"    static let trainLogits: [Float] = [{floats(reference['logits.train'])}]",
        f"    static let loss: Float = {float(reference['loss'][0]):.9g}",
        f"    static let logitsAfterStep: [Float] = [{floats(reference['logits.after'])}]",
        "    /// Gradient norm, largest magnitude, and the first and last elements of some gradients.",
        "    static let gradients: [(name: String, norm: Float, maxAbs: Float, first: Float, last: Float)] = [",
    ]
    for name in FIXTURE_TENSORS:
        g = reference["grad." + name].numpy().astype(np.float64).reshape(-1)
        lines.append(f"        (\"{name}\", {np.sqrt((g * g).sum()):.9g}, {np.abs(g).max():.9g}, {g[0]:.9g}, {g[-1]:.9g}),")
    lines += ["    ]", "}", ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))
    print(f"  wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--perseus", default=os.path.join(ROOT, ".build", "release", "perseus"))
    parser.add_argument("--write-fixture", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(2)
    print(f"PyTorch {torch.__version__}, torchvision {torchvision.__version__}, safetensors {safetensors.__version__}")

    with tempfile.TemporaryDirectory() as folder:
        print("(a) Perseus-written ResNet-18 in torchvision")
        ours = os.path.join(folder, "perseus.safetensors")
        perseus(args.perseus, "init", "--arch", "resnet18", "--classes", "2", "--seed", "1", "--out", ours)
        model = torchvision.models.resnet18(num_classes=2)
        result = model.load_state_dict(safetensors.torch.load_file(ours))   # strict
        print(f"  load_state_dict (strict): {result}")
        worst_a = compare_forward(args.perseus, ours, model, folder, "Perseus weights")

        print("(b) PyTorch-initialised ResNet-18 in Perseus")
        torch.manual_seed(0)
        model = torchvision.models.resnet18(num_classes=2)
        model.train()
        with torch.no_grad():   # make the running statistics and num_batches_tracked non-trivial
            for _ in range(3):
                model(torch.randn(4, 3, 64, 64) * 2 + 0.5)
        theirs = os.path.join(folder, "torch.safetensors")
        safetensors.torch.save_file(model.state_dict(), theirs)
        summary = perseus(args.perseus, "summary", "--weights", theirs)
        print("  perseus model summary: " + summary.splitlines()[0] + " / " + summary.splitlines()[-1])
        worst_b = compare_forward(args.perseus, theirs, model, folder, "PyTorch weights")

        print("(c) one SGD training step, batch 4 of 3x64x64")
        reference = training_step_reference(args.perseus, folder)
        reference_path = os.path.join(folder, "reference.safetensors")
        safetensors.torch.save_file(reference, reference_path)
        print(f"  PyTorch loss {float(reference['loss'][0]):.6f}")
        if args.write_fixture:
            write_fixture(reference, os.path.join(ROOT, "Tests", "NNTests", "PyTorchReference.swift"))
        env = dict(os.environ, PERSEUS_TORCH_REFERENCE=reference_path)
        test = subprocess.run(["swift", "test", "-c", "release", "--filter", "PyTorchReferenceTests"],
                              cwd=ROOT, env=env, capture_output=True, text=True)
        for line in test.stdout.splitlines():
            if "reference:" in line or "✘" in line or "passed after" in line and "Suite" in line:
                print("  " + line.strip())
        if test.returncode != 0:
            print(test.stdout[-3000:], test.stderr[-3000:])
            sys.exit("(c) failed")

    ok = worst_a <= 1e-4 and worst_b <= 1e-4
    print(f"forward: worst max |diff| / max |logit| {max(worst_a, worst_b):.2e} ({'within' if ok else 'OVER'} 1e-4)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
