"""A training-time table: days to train three published models on 15T tokens, by part and
cluster size, at 40 % MFU (Level 1: 6ND / (chips x BF16 dense peak x MFU)).

    python examples/training_time_table.py [OUT_DIR]

Writes OUT_DIR/training_time_table.csv (OUT_DIR defaults to examples-out/).
"""

import pathlib
import sys

import pandas as pd

import fleetcap

out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "examples-out")
out.mkdir(parents=True, exist_ok=True)

rows = []
for model in ["llama3-70b", "llama3-405b", "gpt3-175b"]:
    for part in ["h100-sxm", "h20", "ascend-910c"]:
        for chips in [4096, 16384]:
            result = fleetcap.train(model=model, tokens=15e12, part=part, chips=chips, mfu=0.4)
            rows.append({"model": model, "part": part, "chips": chips, "flops": result["flops"],
                         "days": result["days"], "energy_joules": result["energy_joules"]})
table = pd.DataFrame(rows)
table.to_csv(out / "training_time_table.csv", index=False)
print("Days to train on 15T tokens at 40 % MFU:")
print(table.pivot_table(index=["model", "chips"], columns="part", values="days").round(1).to_string())
