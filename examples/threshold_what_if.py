"""The threshold what-if: which parts would the 2023 export rule (3A090.b) control if its lower
TPP line moved? Each line is a what-if of us-3a090-2023's b1_tpp_min (2,400 in the rule).

    python examples/threshold_what_if.py [OUT_DIR]

Writes OUT_DIR/threshold_what_if.csv (OUT_DIR defaults to examples-out/).
"""

import pathlib
import sys

import pandas as pd

import fleetcap

out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "examples-out")
out.mkdir(parents=True, exist_ok=True)

parts = ["h20", "l20", "a800-sxm4-80gb", "h800-sxm", "h100-pcie"]
columns = {}
for line in [1600, 2000, 2400, 3200]:
    what_if = None if line == 2400 else {"us-3a090-2023": {"b1_tpp_min": line}}
    verdicts = pd.concat([fleetcap.comply(p, rules=["us-3a090-2023"], rule=what_if) for p in parts])
    label = f"b1_tpp_min={line}" + ("" if what_if is None else " (what-if)")
    columns[label] = verdicts.set_index("part").status
table = pd.DataFrame(columns)
tpp = fleetcap.parts().query("metric == 'tpp'").set_index("part").mid
table.insert(0, "tpp", tpp.reindex(table.index))
table.to_csv(out / "threshold_what_if.csv", index_label="part")
print("us-3a090-2023 verdicts as the lower TPP line of 3A090.b.1 moves:")
print(table.to_string())
