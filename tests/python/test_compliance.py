"""fleetcap.comply*: verdicts in one shape, what-ifs labelled."""

import pytest

import fleetcap


def verdict(table, rule):
    rows = table[table.rule == rule]
    assert len(rows) == 1
    return rows.iloc[0]


def test_the_h20_escapes_3a090_2023_by_tpp():
    table = fleetcap.comply("h20")
    assert list(table.columns) == ["part", "rule", "status", "clause", "in_force", "reason", "what_if",
                                   "what_if_based_on"]
    # BIS 88 FR 73458: 3A090.b needs TPP >= 2,400 or PD >= 1.6 with TPP >= 1,600 ... the H20's
    # TPP is 2,368 and PD 2.91 < 3.2, so it is not controlled under the 2023 rule.
    row = verdict(table, "us-3a090-2023")
    assert row.status == "not_controlled" and not row.what_if
    # Rules that do not speak to parts say so.
    assert verdict(table, "us-eo14110-2023").status == "not_applicable"


def test_a_what_if_threshold_changes_the_verdict_and_is_labelled():
    table = fleetcap.comply("h20", rules=["us-3a090-2023"], rule={"us-3a090-2023": {"b1_tpp_min": 2000}})
    row = verdict(table, "us-3a090-2023")
    assert row.status != "not_controlled"
    assert row.what_if
    # Rules built on the changed one say so.
    wider = fleetcap.comply("h100-sxm", rule={"us-3a090-2023": {"b1_tpp_min": 2000}})
    assert verdict(wider, "us-cbc-2026").what_if_based_on == "us-3a090-2023"
    assert not verdict(fleetcap.comply("h100-sxm"), "us-cbc-2026").what_if_based_on
    # The same what-if in the CLI's text form.
    same = fleetcap.comply("h20", rules=["us-3a090-2023"], rule="us-3a090-2023:b1_tpp_min=2000")
    assert verdict(same, "us-3a090-2023").status == row.status


def test_training_runs_against_the_compute_thresholds():
    table = fleetcap.comply_training(flops=3e25)
    # EU AI Act Art. 51(2): systemic risk presumed above 1e25 FLOP; EO 14110 4.2(b)(i): 1e26.
    assert verdict(table, "eu-ai-act-2024").status == "above_threshold"
    assert verdict(table, "us-eo14110-2023").status == "below_threshold"
    assert table.training_operations.iloc[0] == 3e25


def test_fleet_verdicts_count_units_by_status():
    table = fleetcap.comply_fleet("china-h20-2024", rules=["us-3a090-2023"])
    h20 = table[(table.owner == "China (aggregate: all Chinese H20 buyers)") & (table.metric == "units")]
    assert set(h20.status) == {"not_controlled"}
    doc = fleetcap.run("fleet", "china-h20-2024", "--by", "owner")
    units = next(g for g in doc["groups"] if g["key"] == "China (aggregate: all Chinese H20 buyers)")["totals"]["units"]
    assert h20.value.sum() == pytest.approx(units["mid"])
