#!/usr/bin/env python3
"""Perseus's default training recipe (`perseus train --recipe perseus`) in PyTorch, on a dataset prepared by
`perseus prepare`, for a fixed number of optimizer steps. The PyTorch side of scripts/bench_end_to_end.py.

    train_recipe.py --data PREPARED --out RUN [--steps 50] [--workers 1] [--threads 2] [--precision fp32|bf16]

The recipe (Sources/Training/TrainingConfiguration.swift `recipe`, Trainer.swift, TrainingSession.swift,
TrainingDraws.swift, Sources/Dataset/SampleSet.swift and Augmentation.swift):
  - the train split of objects.csv; each object with magnitude <= 19.4 drawn 4 times per epoch (brightRepeats),
    every other object once (unless every object is bright);
  - per-channel mean and std measured on (up to) 256 of those draws, unaugmented, at the input size;
  - torchvision resnet18, one output per class (classes.txt; background and member without it), input 64x64;
  - online augmentation, a fresh draw per object per epoch: a uniform angle in [0, 360) and coin-flip horizontal and
    vertical flips; a rotated object is sampled bilinearly from its wider cutout (image_wide, 400x400) into the
    cutout's size (200x200), so there are no empty corners; then the flips, then an area resize (PIL's box
    filter) to 64x64, [0, 1] scaling and the normalisation;
  - shuffled batches of 32 (a last batch of one object is dropped: batch norm cannot train on it), loaded by a
    DataLoader with --workers worker processes (default 1, prefetching 2 batches; Perseus loads on one background
    thread, prefetching 2 batches);
  - SGD, learning rate 0.02, Nesterov momentum 0.9, weight decay 5e-4 on every parameter; cosine decay after 2
    epochs of linear warm-up, per step over 12 epochs; gradients clipped to global norm 5; cross-entropy loss;
    the running loss and accuracy kept per step (one host sync per step, as Perseus reads its loss);
  - after --steps steps (the epoch under way cut short, as `perseus train --max-steps`): one validation pass over
    the validation split (unaugmented, eval mode, batches of 32), then the run saved: the weights, and weights with
    the optimizer state (Perseus writes best, last and resume safetensors).

What differs from `perseus train` (besides the engine):
  - Perseus decodes the 200x200 cutout of every draw (for its size) and then the 400x400 wide one; this script
    only opens the cutout's header (PIL decodes lazily) and decodes the wide one;
  - the random numbers (shuffle, angles, flips, initial weights) are PyTorch's and Python's, not Perseus's seeded
    generators, so the two runs see other orders and angles (the same kind and amount of work);
  - the pixel centre convention of the rotation (PIL's affine transform vs Perseus's own bilinear sampler) differs
    by up to half a pixel;
  - no catalogue model (the bench turns it off on the Perseus side too: `catalogueModel: false`), no metrics.csv,
    train.log or config.yaml; checkpoints are torch.save files;
  - bf16 (--precision bf16) runs the forward pass and loss under torch.autocast('cpu', bfloat16); `perseus train`
    trains in fp32 only.

Prints one line `JSON {...}`: the steps, training images, and the seconds of setup (reading the dataset, measuring
the normalisation, making the model), of the training steps, and of the steps plus the validation pass (what
Perseus records as an epoch's seconds in metrics.csv; saving comes after).
"""
import argparse
import csv
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torchvision
from PIL import Image

INPUT_SIZE = 64
BATCH = 32
LEARNING_RATE = 0.02
MOMENTUM = 0.9
WEIGHT_DECAY = 5e-4
EPOCHS = 12
WARMUP_EPOCHS = 2
CLIP_NORM = 5.0
BRIGHT_REPEATS = 4
BRIGHT_MAGNITUDE = 19.4


def read_objects(folder):
    with open(os.path.join(folder, "objects.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    classes_file = os.path.join(folder, "classes.txt")
    if os.path.exists(classes_file):
        with open(classes_file) as f:
            classes = [line.strip() for line in f if line.strip()]
    else:
        classes = ["background", "member"]
    return rows, classes


def training_draws(objects):
    def bright(o):
        return o["magnitude"] != "" and float(o["magnitude"]) <= BRIGHT_MAGNITUDE
    if all(bright(o) for o in objects):
        return objects
    return [o for o in objects for _ in range(BRIGHT_REPEATS if bright(o) else 1)]


def rotated(wide, degrees, width, height):
    """The central width x height of `wide` rotated counter-clockwise by `degrees`, bilinear."""
    r = math.radians(degrees)
    c, s = math.cos(r), math.sin(r)
    icx, icy = wide.width / 2, wide.height / 2
    ocx, ocy = width / 2, height / 2
    # Output (x, y) samples the input at (icx + dx c - dy s, icy + dx s + dy c), (dx, dy) from the output centre.
    coefficients = (c, -s, icx - ocx * c + ocy * s, s, c, icy - ocx * s - ocy * c)
    return wide.transform((width, height), Image.AFFINE, coefficients, resample=Image.BILINEAR)


def load(obj, augmentation):
    """The object's network input before normalisation: a [3, 64, 64] float tensor in [0, 1]."""
    angle, flip_h, flip_v = augmentation
    with Image.open(obj["image"]) as cutout:
        size = cutout.size
        if angle % 360 != 0 and obj["image_wide"]:
            with Image.open(obj["image_wide"]) as wide:
                image = rotated(wide.convert("RGB"), angle, *size)
        else:
            image = cutout.convert("RGB")
            if angle % 360 != 0:
                image = rotated(image, angle, *size)
    if flip_h:
        image = image.transpose(Image.FLIP_LEFT_RIGHT)
    if flip_v:
        image = image.transpose(Image.FLIP_TOP_BOTTOM)
    if image.size != (INPUT_SIZE, INPUT_SIZE):
        image = image.resize((INPUT_SIZE, INPUT_SIZE), Image.BOX)
    return torch.from_numpy(np.asarray(image, dtype=np.float32) / 255.0).permute(2, 0, 1)


class Draws(torch.utils.data.Dataset):
    """An epoch's draws: (object, augmentation) pairs, normalised."""

    def __init__(self, objects, augmentations, mean, std):
        self.objects, self.augmentations = objects, augmentations
        self.mean = torch.tensor(mean).view(-1, 1, 1)
        self.std = torch.tensor(std).view(-1, 1, 1)

    def __len__(self):
        return len(self.objects)

    def __getitem__(self, i):
        x = load(self.objects[i], self.augmentations[i])
        return (x - self.mean) / self.std, int(self.objects[i]["label"])


def measure_normalisation(draws, limit=256):
    step = max(1, len(draws) // limit)
    images = torch.stack([load(draws[i], (0, False, False)) for i in range(0, len(draws), step)])
    return images.mean(dim=(0, 2, 3)).tolist(), images.std(dim=(0, 2, 3)).clamp_min(1e-6).tolist()


def learning_rate(step, steps_per_epoch):
    warmup = min(WARMUP_EPOCHS, EPOCHS - 1) * steps_per_epoch
    total = max(EPOCHS * steps_per_epoch, 1)
    if step < warmup:
        return LEARNING_RATE * step / warmup
    progress = min(1.0, (step - warmup) / (total - warmup))
    return LEARNING_RATE * (1 + math.cos(math.pi * progress)) / 2


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", required=True, help="prepared dataset folder (perseus prepare)")
    p.add_argument("--out", required=True, help="folder for the checkpoints")
    p.add_argument("--steps", type=int, default=50, help="optimizer steps, then one validation pass")
    p.add_argument("--workers", type=int, default=1, help="DataLoader worker processes (0: load in the main process)")
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    p.add_argument("--precision", choices=["fp32", "bf16"], default="fp32")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    bf16 = args.precision == "bf16"

    started = time.perf_counter()
    rows, classes = read_objects(args.data)
    draws = training_draws([r for r in rows if r["split"] == "train"])
    validation = [r for r in rows if r["split"] == "validation"]
    mean, std = measure_normalisation(draws)
    model = torchvision.models.resnet18(num_classes=len(classes))
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM, nesterov=True,
                                weight_decay=WEIGHT_DECAY)
    steps_per_epoch = (len(draws) + BATCH - 1) // BATCH
    print(f"training resnet18 on {len(draws)} draws of {len(set(r['id'] for r in draws))} objects "
          f"({steps_per_epoch} steps of {BATCH} per epoch), validating on {len(validation)}", file=sys.stderr)
    set_up = time.perf_counter()

    step, seen, hits, loss_sum, epoch = 0, 0, 0, 0.0, 0
    model.train()
    while step < args.steps:
        epoch += 1
        order = list(range(len(draws)))
        rng.shuffle(order)
        objects = [draws[i] for i in order]
        augmentations = [(rng.random() * 360, rng.random() < 0.5, rng.random() < 0.5) for _ in objects]
        loader = torch.utils.data.DataLoader(Draws(objects, augmentations, mean, std), batch_size=BATCH, shuffle=False,
                                             num_workers=args.workers, drop_last=len(objects) % BATCH == 1)
        for images, labels in loader:
            if step >= args.steps:
                break
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(step, steps_per_epoch)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                logits = model(images)
                loss = torch.nn.functional.cross_entropy(logits.float(), labels)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP_NORM)
            optimizer.step()
            step += 1
            loss_sum += loss.item() * len(labels)
            hits += int((logits.argmax(dim=1) == labels).sum())
            seen += len(labels)
        del loader  # stops its worker after a cut-short epoch
    trained = time.perf_counter()

    model.eval()
    checked = Draws(validation, [(0, False, False)] * len(validation), mean, std)
    validation_loss, validation_hits = 0.0, 0
    with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        for images, labels in torch.utils.data.DataLoader(checked, batch_size=max(BATCH, 32), num_workers=args.workers):
            logits = model(images).float()
            validation_loss += float(torch.nn.functional.cross_entropy(logits, labels, reduction="sum"))
            validation_hits += int((logits.argmax(dim=1) == labels).sum())
    validated = time.perf_counter()
    os.makedirs(args.out, exist_ok=True)
    torch.save(model.state_dict(), os.path.join(args.out, "last.pt"))
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": step},
               os.path.join(args.out, "resume.pt"))
    finished = time.perf_counter()

    print(f"{step} steps ({seen} images, {epoch} epoch(s)) in {trained - set_up:.2f} s, {seen / max(trained - set_up, 1e-9):.1f} "
          f"images/s; train loss {loss_sum / max(seen, 1):.4f} acc {hits / max(seen, 1):.4f}; validation loss "
          f"{validation_loss / max(len(validation), 1):.4f} acc {validation_hits / max(len(validation), 1):.4f} "
          f"({validated - trained:.2f} s, saving {finished - validated:.2f} s); setup {set_up - started:.2f} s", file=sys.stderr)
    print("JSON " + json.dumps({"steps": step, "images": seen, "epochs": epoch, "validation_objects": len(validation),
                                "setup_s": round(set_up - started, 3), "train_s": round(trained - set_up, 3),
                                "epochs_s": round(validated - set_up, 3), "save_s": round(finished - validated, 3), "precision": args.precision,
                                "workers": args.workers, "threads": args.threads}))


if __name__ == "__main__":
    main()
