#!/usr/bin/env python3
"""How far above the sky the faint objects sit in the SDSS cutouts (docs/results.md, issue 23): per prepared object
between r = 20.5 and 21.5 and beyond 21.5, the mean of g+r+i within 2" (20 px) of the centre minus the median beyond
8.5", in units of the sky's per-pixel noise (1.4826 x its median absolute deviation), by class.

    python3 scripts/central_excess.py data/all/objects.csv      (needs numpy and Pillow, e.g. ../torch-venv)
"""
import collections
import csv
import sys

import numpy as np
from PIL import Image


def excess(path):
    a = np.asarray(Image.open(path).convert("RGB"), dtype=float).sum(axis=2)
    h, w = a.shape
    yy, xx = np.mgrid[:h, :w]
    r = np.hypot(yy - h // 2, xx - w // 2)
    border = a[r > 85]
    sky = np.median(border)
    noise = 1.4826 * np.median(np.abs(border - sky))
    return (a[r <= 20].mean() - sky) / max(noise, 1e-6)


groups = collections.defaultdict(list)
for row in csv.DictReader(open(sys.argv[1])):
    if row["source"] != "catalog" or not row["magnitude"]:
        continue
    m = float(row["magnitude"])
    if m > 20.5:
        groups[("r > 21.5" if m > 21.5 else "20.5 < r <= 21.5", "member" if row["label"] == "1" else "background")].append(excess(row["image"]))
for (bin, label), values in sorted(groups.items()):
    v = np.array(values)
    print(f"{bin:17s} {label:10s} {len(v):5d} objects: median central excess {np.median(v):.2f} sky sigma; "
          f"{100 * np.mean(v < 1):.0f}% below 1 sigma")
