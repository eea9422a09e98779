"""Capacity by owner: the 2024 Hopper purchases as a DataFrame and a bar chart with ranges.

    python examples/capacity_by_owner.py [OUT_DIR]

Writes OUT_DIR/capacity_by_owner.csv and .png (OUT_DIR defaults to examples-out/).
"""

import pathlib
import sys

import matplotlib

matplotlib.use("Agg")  # files only, no display needed
import matplotlib.pyplot as plt

import fleetcap

out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "examples-out")
out.mkdir(parents=True, exist_ok=True)

table = fleetcap.fleet("hopper-2024", by="owner", samples=100_000, seed=1)
owners = table[~table.total]

# One row per owner, BF16 dense PFLOP/s: the inventory's range and the Monte Carlo quantiles.
bf16 = owners[owners.metric == "dense_ops_per_s_bf16"].set_index("group")
bf16 = bf16[["low", "mid", "high", "p5", "p50", "p95"]] / 1e15
bf16 = bf16.sort_values("mid", ascending=False)
bf16.to_csv(out / "capacity_by_owner.csv", index_label="owner")
print("BF16 dense PFLOP/s by owner, 2024 Hopper purchases (Omdia via the FT):")
print(bf16.round(0).to_string())

fig, ax = plt.subplots(figsize=(8, 4))
ax.bar(bf16.index, bf16.mid, yerr=[bf16.mid - bf16.low, bf16.high - bf16.mid], capsize=4)
ax.set_ylabel("BF16 dense PFLOP/s (mid, low-high)")
ax.set_title("2024 Hopper purchases by owner")
ax.tick_params(axis="x", rotation=30)
fig.tight_layout()
fig.savefig(out / "capacity_by_owner.png", dpi=100)
print(f"wrote {out / 'capacity_by_owner.csv'} and {out / 'capacity_by_owner.png'}")
