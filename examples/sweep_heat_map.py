"""A sweep into a heat map: days to train a dense model on 15T tokens over model size and
cluster size on H100s at 40 % MFU, with the EU AI Act's 1e25 FLOP line.

The scenario is written to a folder laid over the built-in catalogue (catalog=...), so no copy
of the catalogue is needed.

    python examples/sweep_heat_map.py [OUT_DIR]

Writes OUT_DIR/sweep_heat_map.png (OUT_DIR defaults to examples-out/).
"""

import json
import pathlib
import sys
import tempfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import fleetcap

out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "examples-out")
out.mkdir(parents=True, exist_ok=True)

scenario = {
    "id": "heat-map-h100",
    "description": "Days to train dense models on 15T tokens on H100s at 40 % MFU",
    "evaluator": "training",
    "fixed": {"tokens": 15e12, "mfu": 0.4},
    "axes": [
        {"name": "part", "parts": ["h100-sxm"]},
        {"name": "chips", "log": {"from": 1024, "to": 131072, "count": 64}},
        {"name": "params", "log": {"from": 1e9, "to": 1e12, "count": 96}},
    ],
    "group_by": ["part"],
    "objective": {"metric": "days", "goal": "min"},
}
with tempfile.TemporaryDirectory() as overlay:
    folder = pathlib.Path(overlay) / "data/scenarios"
    folder.mkdir(parents=True)
    (folder / "heat-map-h100.json").write_text(json.dumps(scenario))
    grid = fleetcap.sweep_arrays("heat-map-h100", catalog=overlay)

chips = np.unique(grid["axes"]["chips"])
params = np.unique(grid["axes"]["params"])
# The grid runs with params innermost (the scenario's last axis): reshape without a copy.
days = grid["metrics"]["days"].reshape(len(chips), len(params))
flops = grid["metrics"]["flops"].reshape(len(chips), len(params))

fig, ax = plt.subplots(figsize=(7, 5))
image = ax.pcolormesh(params, chips, np.log10(days), shading="nearest", cmap="viridis")
ax.contour(params, chips, flops, levels=[1e25], colors="white", linewidths=1.5)
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("parameters")
ax.set_ylabel("H100 chips")
ax.set_title("log10 days on 15T tokens at 40 % MFU (white: 1e25 FLOP)")
fig.colorbar(image, ax=ax)
fig.tight_layout()
fig.savefig(out / "sweep_heat_map.png", dpi=100)
print(f"{grid['points']} points; fastest {days.min():.2f} days, slowest {days.max():.0f} days")
print(f"wrote {out / 'sweep_heat_map.png'}")
