"""fleetcap.fleet: capacity of inventories as a long table, totals flagged, ranges honest."""

import math

import numpy as np
import pytest

import fleetcap


def row(table, group, metric, total=False):
    rows = table[(table.group == group) & (table.metric == metric) & (table.total == total)]
    assert len(rows) == 1, (group, metric, rows)
    return rows.iloc[0]


def test_hopper_2024_by_owner_matches_the_published_counts():
    table = fleetcap.fleet("hopper-2024", by="owner")
    # Omdia via the FT (Dec 2024): Microsoft bought 485,000 Hopper GPUs in 2024, Meta 224,000.
    units = row(table, "Microsoft", "units")
    assert units.low == units.mid == units.high == 485000  # a point count stays a point
    assert row(table, "Meta", "units").mid == 224000
    # The same figure the CLI's JSON gives, under the package's name.
    doc = fleetcap.run("fleet", "hopper-2024", "--by", "owner")
    cli = next(g for g in doc["groups"] if g["key"] == "Microsoft")["totals"]["dense_ops_per_s"]["bf16"]
    bf16 = row(table, "Microsoft", "dense_ops_per_s_bf16")
    assert (bf16.low, bf16.mid, bf16.high) == (cli["low"], cli["mid"], cli["high"])


def test_the_total_is_flagged_and_equals_the_sum_of_the_groups():
    table = fleetcap.fleet("hopper-2024", by="owner")
    totals = table[table.total]
    assert set(totals.group) == {"total"}
    groups = table[~table.total & (table.metric == "units")]
    assert groups.mid.sum() == pytest.approx(row(table, "total", "units", total=True).mid, rel=1e-12)
    assert groups.low.sum() == pytest.approx(row(table, "total", "units", total=True).low, rel=1e-12)


def test_missing_figures_are_flagged_never_zero():
    table = fleetcap.fleet("hopper-2024", by="owner")
    # No published price for the H800: the capex sums lack it and say so.
    capex = row(table, "total", "capex_usd", total=True)
    assert capex.incomplete and "h800-sxm" in capex.missing_parts
    # No Hopper part has an FP4 datapath: unknown (NaN), never 0.
    fp4 = row(table, "Microsoft", "dense_ops_per_s_fp4")
    assert fp4.unknown and math.isnan(fp4.mid)
    known = table[~table.unknown]
    assert np.isfinite(known[["low", "mid", "high"]].to_numpy()).all()
    assert ((known.low <= known.mid) & (known.mid <= known.high)).all()


def test_monte_carlo_quantiles_stay_inside_the_published_bounds():
    table = fleetcap.fleet("hopper-2024", by="owner", samples=20000, seed=7)
    sampled = table.dropna(subset=["p50"])
    assert len(sampled) > 10
    assert ((sampled.p5 <= sampled.p50) & (sampled.p50 <= sampled.p95)).all()
    tolerance = 1e-9 * sampled.high.abs()
    assert (sampled.p5 >= sampled.low - tolerance).all()
    assert (sampled.p95 <= sampled.high + tolerance).all()
    # A point count samples to itself.
    microsoft = row(table, "Microsoft", "units")
    assert microsoft.p5 == pytest.approx(485000) and microsoft.p95 == pytest.approx(485000)
    # The same seed gives the same quantiles.
    again = fleetcap.fleet("hopper-2024", by="owner", samples=20000, seed=7)
    assert np.array_equal(sampled.p50.to_numpy(), again.dropna(subset=["p50"]).p50.to_numpy())


def test_group_by_part_and_the_h100e_basis():
    table = fleetcap.fleet("china-h20-2024", by="part", h100e="tpp")
    assert "h20" in set(table.group)
    # H100e on the TPP basis = TPP / 15,831.2, the divisor behind the published AI Diffusion
    # conversions (790,000,000 TPP = 49,901 H100e; kernels/capacity.cuh): the H20 is 0.1496.
    h20 = table[(table.group == "h20") & ~table.total]
    units = h20[h20.metric == "units"].mid.item()
    h100e = h20[h20.metric == "h100e"].mid.item()
    assert h100e == pytest.approx(units * 2368 / 15831.2, rel=1e-12)


def test_holdings_lists_entries_with_their_derivation():
    table = fleetcap.holdings("hopper-2024")
    assert {"entry", "owner", "metric", "low", "mid", "high"} <= set(table.columns)
    assert table.entry.nunique() >= 7
