"""fleetcap.serve: one replica as a dict, a fleet as a long table in fleet()'s shape."""

import math

import fleetcap


def test_a_replica_answer_is_the_cli_json():
    answer = fleetcap.serve(model="llama3-70b", part="h100-sxm")
    best = answer["best"]
    assert isinstance(best["tp"], int) and isinstance(best["chips_per_replica"], int)
    assert best["output_tokens_per_s_per_chip"] > 0
    assert best["output_tokens_per_day_per_chip"] == best["output_tokens_per_s_per_chip"] * 86400


def test_a_fleet_in_tokens_per_day_keeps_points_and_unknowns():
    table = fleetcap.serve(model="qwen3-235b-a22b", fleet="china-h20-2024", precision="bf16", by="part")
    assert {"group", "total", "metric", "low", "mid", "high", "unknown"} <= set(table.columns)
    # The Ascend 910B has no BF16 peak on its spec sheet: unknown, never zero.
    ascend = table[(table.group == "ascend-910b") & (table.metric == "output_tokens_per_day")].iloc[0]
    assert ascend.unknown and math.isnan(ascend.mid)
    h20 = table[(table.group == "h20") & (table.metric == "output_tokens_per_day")].iloc[0]
    assert 0 < h20.low <= h20.mid <= h20.high
