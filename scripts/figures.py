#!/usr/bin/env python3
"""Figures from fleetcap's JSON output (matplotlib; Debian's python3-matplotlib).

  capacity_by_owner.{png,svg}  capacity by owner in H100e, stacked by part, with the
                               interval [low, high] of each owner's total as an error bar
  tpp_vs_pd.{png,svg}          TPP against performance density of every part, with the
                               regions of the 2023 ECCN 3A090 rule shaded

Either give the JSON files:
  scripts/figures.py --fleet-json fleet.json --specs-json specs.json --rule data/rules/us-3a090-2023.json --out DIR
(fleet.json from `fleetcap fleet FILE --by owner --json`, specs.json from `fleetcap specs list --json`)
or let the script run the binary:
  scripts/figures.py --fleetcap build/fleetcap [--fleet hopper-2024] --out DIR
"""
import argparse
import json
import os
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402


def known(value):
    """A figure's number, or None where fleetcap reports it as {"unknown": true}."""
    return value if isinstance(value, (int, float)) else None


def run_json(binary, args):
    out = subprocess.run([binary] + args + ["--json"], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def capacity_by_owner(fleet, out_base, formats):
    """Stacked H100e per owner. A holding whose part lacks the figure is not drawn as an empty
    bar: its owner's label gets a '+' and the footnote names the part and its share of units.
    A holding valued through a documented substitute is hatched and the substitute is named."""
    owners = [g["key"] for g in fleet["groups"]]
    parts = sorted({h["part"] for h in fleet["holdings"]})
    stacks = {p: [0.0] * len(owners) for p in parts}
    substituted = set()
    for h in fleet["holdings"]:
        value = h["h100e"]
        if value.get("unknown"):
            continue
        stacks[h["part"]][owners.index(h["group"])] += value["mid"]
        if value.get("substitutes"):
            substituted.add(h["part"])
    fig, ax = plt.subplots(figsize=(9, 5.2))
    bottom = [0.0] * len(owners)
    colours = plt.get_cmap("tab10")
    for i, p in enumerate(parts):
        values = [v / 1e3 for v in stacks[p]]
        ax.bar(owners, values, bottom=bottom, label=p + (" (substitute, hatched)" if p in substituted else ""),
               color=colours(i % 10), hatch="//" if p in substituted else None, edgecolor="white")
        bottom = [b + v for b, v in zip(bottom, values)]
    totals = [g["totals"]["h100e"] for g in fleet["groups"]]
    mids = [t.get("mid", 0.0) / 1e3 for t in totals]
    lows = [t.get("low", 0.0) / 1e3 for t in totals]
    highs = [t.get("high", 0.0) / 1e3 for t in totals]
    ax.errorbar(owners, mids, yerr=[[m - lo for m, lo in zip(mids, lows)], [hi - m for m, hi in zip(mids, highs)]],
                fmt="none", ecolor="black", capsize=4, label="interval [low, high]")
    footnotes = []
    labels = []
    for g, t in zip(fleet["groups"], totals):
        labels.append(g["key"] + ("+" if t.get("incomplete") else ""))
        if t.get("incomplete"):
            share = t["missing_units"]["mid"] / g["totals"]["units"]["mid"] if g["totals"]["units"].get("mid") else 0
            footnotes.append("%s+: no figure for %s (%.0f%% of units), not counted"
                             % (g["key"], ", ".join(t["missing_parts"]), 100 * share))
    substitutes = sorted({s for t in totals for s in t.get("substitutes", [])})
    footnotes += ["substitute: " + s for s in substitutes]
    ax.set_xticks(range(len(owners)))
    ax.set_xticklabels(labels)
    ax.set_ylabel("thousand H100-equivalents (%s basis)" % fleet["h100e_basis"])
    names = ", ".join(f["id"] for f in fleet.get("fleets", []))
    ax.set_title("Capacity by owner (%s), stacked by part" % names)
    ax.legend(fontsize=8)
    plt.setp(ax.get_xticklabels(), rotation=20, ha="right")
    if footnotes:
        fig.text(0.01, 0.01, "\n".join(footnotes), fontsize=7, va="bottom", ha="left")
    fig.tight_layout(rect=(0, 0.03 * len(footnotes), 1, 1))
    return save(fig, out_base, formats)


def tpp_vs_pd(specs, rule, out_base, formats):
    p = rule["parameters"]
    fig, ax = plt.subplots(figsize=(8, 5.5))
    tpp_max = max([known(s["tpp"]) or 0 for s in specs] + [p["a1_tpp_min"] * 1.5]) * 1.1
    pd_max = max([known(s["performance_density_tpp_per_mm2"]) or 0 for s in specs] + [p["a2_pd_min"] * 1.5]) * 1.1
    # 3A090.a: a.1 (TPP >= 4800) and a.2 (TPP >= 1600 and PD >= 5.92).
    ax.axvspan(p["a1_tpp_min"], tpp_max, color="tab:red", alpha=0.18, lw=0)
    ax.fill_between([p["a2_tpp_min"], p["a1_tpp_min"]], p["a2_pd_min"], pd_max, color="tab:red", alpha=0.18, lw=0)
    # 3A090.b: b.1 (2400 <= TPP < 4800, 1.6 <= PD < 5.92) and b.2 (TPP >= 1600, 3.2 <= PD < 5.92).
    ax.fill_between([p["b1_tpp_min"], p["b1_tpp_max"]], p["b1_pd_min"], p["b1_pd_max"], color="tab:orange", alpha=0.25, lw=0)
    ax.fill_between([p["b2_tpp_min"], p["a1_tpp_min"]], p["b2_pd_min"], p["b2_pd_max"], color="tab:orange", alpha=0.25, lw=0)
    # Parts with the same TPP and PD (H100/H200/H800, the A100s) share one labelled point.
    points = {}
    for s in specs:
        if known(s["tpp"]) is None:
            continue
        pd = known(s["performance_density_tpp_per_mm2"])
        key = (round(s["tpp"]), None if pd is None else round(pd, 2))
        points.setdefault(key, []).append(s["id"])
    for (tpp, pd), ids in sorted(points.items(), key=lambda kv: kv[0][0]):
        y = pd if pd is not None else 0.0
        ax.scatter([tpp], [y], color="black" if pd is not None else "grey", zorder=3, s=18,
                   marker="o" if pd is not None else "v")
        ax.annotate(", ".join(ids) + ("" if pd is not None else " (PD unknown)"), (tpp, y), fontsize=7,
                    xytext=(4, 3), textcoords="offset points")
    ax.set_xscale("log")
    ax.set_xlim(500, tpp_max)
    ax.set_ylim(0, pd_max)
    ax.set_xlabel("TPP (dense TOPS x bit length)")
    ax.set_ylabel("performance density (TPP / mm^2)")
    ax.set_title("Parts against %s (%s)" % (rule["id"], rule["citation"].split(",")[0]))
    ax.legend(handles=[Patch(color="tab:red", alpha=0.35, label="3A090.a"),
                       Patch(color="tab:orange", alpha=0.4, label="3A090.b")], loc="upper left", fontsize=8)
    fig.tight_layout()
    return save(fig, out_base, formats)


def save(fig, out_base, formats):
    written = []
    for fmt in formats:
        path = "%s.%s" % (out_base, fmt)
        fig.savefig(path, dpi=150)
        written.append(path)
    plt.close(fig)
    return written


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fleetcap", help="fleetcap binary to run for the JSON inputs")
    ap.add_argument("--fleet", default="hopper-2024", help="fleet file or catalogue id (with --fleetcap)")
    ap.add_argument("--fleet-json", help="output of `fleetcap fleet FILE --by owner --json`")
    ap.add_argument("--specs-json", help="output of `fleetcap specs list --json`")
    ap.add_argument("--rule", default=os.path.join(os.path.dirname(__file__), "..", "data", "rules", "us-3a090-2023.json"),
                    help="the 3A090 (2023) rule file whose thresholds are shaded")
    ap.add_argument("--out", required=True, help="output folder")
    ap.add_argument("--format", default="png,svg", help="comma-separated: png, svg, pdf")
    a = ap.parse_args(argv)
    if a.fleetcap:
        fleet = run_json(a.fleetcap, ["fleet", a.fleet, "--by", "owner"])
        specs = run_json(a.fleetcap, ["specs", "list"])
    elif a.fleet_json and a.specs_json:
        with open(a.fleet_json) as f:
            fleet = json.load(f)
        with open(a.specs_json) as f:
            specs = json.load(f)
    else:
        ap.error("give --fleetcap, or both --fleet-json and --specs-json")
    with open(a.rule) as f:
        rule = json.load(f)
    os.makedirs(a.out, exist_ok=True)
    formats = [x for x in a.format.split(",") if x]
    written = capacity_by_owner(fleet, os.path.join(a.out, "capacity_by_owner"), formats)
    written += tpp_vs_pd(specs, rule, os.path.join(a.out, "tpp_vs_pd"), formats)
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
