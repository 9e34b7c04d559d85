#!/usr/bin/env python3
"""Membership probabilities for a folder of cutouts with PyTorch: what `perseus predict --model M --images DIR`
does, written the way a PyTorch user would write it. The PyTorch side of scripts/bench_end_to_end.py.

    predict_folder.py --weights models/perseus-sdss-member.safetensors --images DIR --out OUT.csv
                      [--batch 64] [--workers 1] [--threads 2] [--precision fp32|bf16|int8]

The same work as Perseus: torchvision's resnet18 (one output per class) loading the same weights (the shipped
F16 safetensors use torchvision's parameter names), every image of the folder by sorted name, read with PIL,
converted to RGB, area-resized (PIL's box filter, Perseus's area averaging) to the model's input size, scaled to
[0, 1], normalised with the mean and std in the file's `perseus.preprocessing` metadata, batches of 64, softmax;
a CSV of id (the file name without its extension) and member probability (the last class's).

What differs from `perseus predict`:
  - images are decoded and resized in DataLoader worker processes (--workers, default 1: a PyTorch user's usual
    setting on a small machine), overlapping the network; Perseus decodes on its main thread between batches;
  - the output has two columns (id, member_probability); Perseus writes row, id, ra, dec, member_probability,
    spread, label, status, problem and a progress record after every flush;
  - the last short batch is run as it is; Perseus pads it to the full batch;
  - PIL's box resize works on 8-bit pixels (rounding each output), Perseus's area resize on floats, and the JPEG
    decoders (PIL's libjpeg, Perseus's TurboJPEG calls) need not agree bit for bit: on the first 256 PCC cutouts the
    member probabilities differ by a median of 0.0005 and at most 0.05 (resizing in float closes under a fifth
    of the largest gaps, so most of it is the decoding);
  - int8 is FX graph-mode static quantisation (x86 backend) calibrated on the first batch; Perseus's int8 path is
    its own (see `perseus predict --help`).

Prints one line `JSON {...}` with the images, the seconds of model loading and of the prediction loop.
"""
import argparse
import csv
import json
import os
import struct
import sys
import time

import numpy as np
import torch
import torchvision
from PIL import Image

DTYPES = {"F16": np.float16, "F32": np.float32, "F64": np.float64, "I64": np.int64, "I32": np.int32,
          "U8": np.uint8, "I8": np.int8}


def read_safetensors(path):
    """(tensors, metadata) of a safetensors file: 8-byte little-endian header length, JSON header, raw data."""
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    metadata = header.pop("__metadata__", {}) or {}
    tensors = {}
    for name, info in header.items():
        if info["dtype"] == "BF16":
            start, end = info["data_offsets"]
            raw = np.frombuffer(data[start:end], dtype=np.uint16).astype(np.uint32) << 16
            array = raw.view(np.float32)
        else:
            start, end = info["data_offsets"]
            array = np.frombuffer(data[start:end], dtype=DTYPES[info["dtype"]])
        tensors[name] = torch.from_numpy(array.copy().reshape(info["shape"]))
    return tensors, metadata


def load_model(path):
    tensors, metadata = read_safetensors(path)
    preprocessing = json.loads(metadata["perseus.preprocessing"])
    classes = tensors["fc.weight"].shape[0]
    model = torchvision.models.resnet18(num_classes=classes)
    state = {k: (v.float() if v.is_floating_point() else v) for k, v in tensors.items()}
    model.load_state_dict(state, strict=True)
    model.eval()
    return model, preprocessing


class Folder(torch.utils.data.Dataset):
    EXTENSIONS = (".jpg", ".jpeg", ".png")

    def __init__(self, folder, size, mean, std):
        self.files = sorted(os.path.join(folder, n) for n in os.listdir(folder) if n.lower().endswith(self.EXTENSIONS))
        self.size = size
        self.mean = torch.tensor(mean).view(-1, 1, 1)
        self.std = torch.tensor(std).view(-1, 1, 1)

    def __len__(self):
        return len(self.files)

    def __getitem__(self, i):
        with Image.open(self.files[i]) as image:
            image = image.convert("RGB")
            if image.size != (self.size, self.size):
                image = image.resize((self.size, self.size), Image.BOX)
        # ToTensor then Normalize, without torchvision.transforms' per-call overhead.
        x = torch.from_numpy(np.asarray(image, dtype=np.float32) / 255.0).permute(2, 0, 1)
        return (x - self.mean) / self.std


def quantised(model, example):
    """FX graph-mode static int8 quantisation (x86 backend), calibrated on `example`."""
    from torch.ao.quantization import get_default_qconfig_mapping
    from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx
    torch.backends.quantized.engine = "x86"
    prepared = prepare_fx(model, get_default_qconfig_mapping("x86"), example_inputs=(example,))
    with torch.inference_mode():
        prepared(example)
    return convert_fx(prepared)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--weights", required=True, help="safetensors state dict with perseus.preprocessing metadata")
    p.add_argument("--images", required=True, help="folder of cutouts")
    p.add_argument("--out", required=True, help="CSV to write: id,member_probability")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--workers", type=int, default=1, help="DataLoader worker processes (0: load in the main process)")
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    p.add_argument("--precision", choices=["fp32", "bf16", "int8"], default="fp32")
    args = p.parse_args()
    torch.set_num_threads(args.threads)

    started = time.perf_counter()
    model, pre = load_model(args.weights)
    dataset = Folder(args.images, pre["inputSize"], pre["mean"], pre["std"])
    loader = torch.utils.data.DataLoader(dataset, batch_size=args.batch, shuffle=False, num_workers=args.workers)
    loaded = time.perf_counter()

    probabilities = []
    batches = iter(loader)
    first = next(batches, None)
    if args.precision == "int8" and first is not None:
        try:
            model = quantised(model, first)
        except Exception as error:  # an engine without int8 kernels (no fbgemm/x86 backend), an unsupported layer
            sys.exit(f"torch has no comparable int8 path for this: {type(error).__name__}: {error}")
    with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.precision == "bf16"):
        batch = first
        while batch is not None:
            logits = model(batch)
            probabilities.append(torch.softmax(logits.float(), dim=1)[:, -1])
            batch = next(batches, None)
    member = torch.cat(probabilities).tolist() if probabilities else []
    finished = time.perf_counter()

    with open(args.out, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["id", "member_probability"])
        for path, probability in zip(dataset.files, member):
            out.writerow([os.path.splitext(os.path.basename(path))[0], f"{probability:.6f}"])
    loop = finished - loaded
    print(f"{len(member)} images in {loop:.2f} s ({len(member) / max(loop, 1e-9):.1f} images/s) after {loaded - started:.2f} s "
          f"of loading; wrote {args.out}", file=sys.stderr)
    print("JSON " + json.dumps({"images": len(member), "load_s": round(loaded - started, 3), "loop_s": round(loop, 3),
                                "precision": args.precision, "workers": args.workers, "threads": args.threads}))


if __name__ == "__main__":
    main()
