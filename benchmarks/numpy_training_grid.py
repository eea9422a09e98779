#!/usr/bin/env python3
"""NumPy reference for the simple training grid (data/scenarios/training-grid.json).

The same computation as fleetcap's training evaluator and reductions: for every point
(part, chips, MFU, params) with tokens fixed, time = 6 N D / (chips x peak x MFU), fits =
16 N / chips <= HBM, flags for 1e25 / 1e26 / 90 days, and per part the minimum days among
points that fit, with counts. Vectorised over the params x MFU plane, looped over chips, as a
NumPy user would write it. Prints points/s and the per-part minima (to check they agree).

Run with Debian's NumPy: /usr/bin/python3 benchmarks/numpy_training_grid.py [--json]
"""
import json
import sys
import time

import numpy as np

PARTS = {  # dense BF16 FLOP/s, HBM bytes (the catalogue's mids)
    "h100-sxm": (989.5e12, 80e9), "h200-sxm": (989.5e12, 141e9), "b200": (2250e12, 192e9),
    "h20": (148e12, 96e9), "h800-sxm": (989.5e12, 80e9), "a100-sxm4-80gb": (312e12, 80e9),
    "ascend-910c": (780e12, 128e9), "mlu370-x8": (96e12, 48e9),
}


def main():
    tokens = 15e12
    chips_axis = np.exp(np.linspace(np.log(256), np.log(262144), 100))
    mfu_axis = np.linspace(0.2, 0.6, 41)
    params_axis = np.exp(np.linspace(np.log(1e9), np.log(1e13), 1000))
    mfu, params = np.meshgrid(mfu_axis, params_axis, indexing="ij")
    flops = 6.0 * params * tokens
    points = 0
    results = {}
    start = time.perf_counter()
    for part, (peak, hbm) in PARTS.items():
        best = np.inf
        over_1e25 = over_1e26 = under_90 = 0
        for chips in chips_axis:
            days = flops / (chips * peak * mfu) / 86400.0
            fits = 16.0 * params / chips <= hbm
            if fits.any():
                best = min(best, days[fits].min())
            over_1e25 += int(np.count_nonzero(flops > 1e25))
            over_1e26 += int(np.count_nonzero(flops > 1e26))
            under_90 += int(np.count_nonzero(days < 90))
            points += days.size
        results[part] = {"min_days": best, "over_1e25": over_1e25, "over_1e26": over_1e26, "under_90_days": under_90}
    seconds = time.perf_counter() - start
    out = {"points": points, "seconds": seconds, "points_per_s": points / seconds, "numpy": np.__version__,
           "parts": results}
    if "--json" in sys.argv:
        print(json.dumps(out))
    else:
        print("numpy %s: %d points in %.3f s = %.3g points/s" % (np.__version__, points, seconds, points / seconds))
        for part, r in results.items():
            print("  %-15s min days %.6g  over_1e25 %d  over_1e26 %d  under_90_days %d" %
                  (part, r["min_days"], r["over_1e25"], r["over_1e26"], r["under_90_days"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
