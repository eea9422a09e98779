"""fleetcap.train / search: SI units, unknowns as NaN, layouts by name."""

import math

import pytest

import fleetcap


def test_level_1_estimate_in_si_units():
    result = fleetcap.train(model="llama3-405b", tokens=15e12, part="h100-sxm", chips=16384, mfu=0.4)
    raw = fleetcap.run("train", "--model", "llama3-405b", "--tokens", 15e12, "--part", "h100-sxm",
                       "--chips", 16384, "--mfu", 0.4)
    # time = FLOPs / (chips x BF16 dense peak 989.5e12 x MFU).
    assert result["seconds"] == pytest.approx(result["flops"] / (16384 * 989.5e12 * 0.4), rel=1e-12)
    assert result["days"] == pytest.approx(result["seconds"] / 86400, rel=1e-12)
    # Energy = chips x TDP (700 W, NVIDIA H100 SXM datasheet) x PUE (1) x seconds, in joules.
    assert result["energy_joules"] == pytest.approx(16384 * 700 * result["seconds"], rel=1e-12)
    assert raw["energy_joules"] == result["energy_joules"]
    # No rental price or grid intensity given: unknown, never zero.
    assert math.isnan(result["cost_usd"]) and math.isnan(result["co2_kg"])
    thresholds = result["thresholds"]
    assert thresholds.set_index("rule").loc["eu-ai-act-2024", "status"] == "above_threshold"


def test_search_returns_layouts_by_name_ranked_by_throughput():
    # Narayanan et al. 2021 (Megatron-LM, SC'21), Table 1: GPT-3 175B on 1,024 A100s, batch 1536.
    table = fleetcap.search(model="gpt3-175b", system="dgx-a100-selene-2022", chips=1024, global_batch=1536,
                            precision="fp16", top=4)
    assert len(table) == 4
    assert list(table["rank"]) == [1, 2, 3, 4]
    assert table.samples_per_second.is_monotonic_decreasing
    assert table.recompute.isin(["none", "selective", "full"]).all()
    assert (table.tp * table.pp * table.dp == 1024).all()
    assert table.attrs["valid"] >= table.attrs["fit_memory"] >= 4
