"""fleetcap.report: every table of `fleetcap report` as a DataFrame, the same numbers."""

import concurrent.futures

import pandas as pd
import pytest

import fleetcap


@pytest.fixture(scope="module")
def tables():
    return fleetcap.report()


def test_every_section_is_a_table(tables):
    assert set(tables) == {"capacity_by_owner", "h20_vs_microsoft", "domestic_share", "capex", "verdicts",
                           "serving_by_part", "serving_by_owner"}
    for name, table in tables.items():
        assert isinstance(table, pd.DataFrame) and len(table) > 0, name


def test_capacity_by_owner_is_long_with_ranges(tables):
    capacity = tables["capacity_by_owner"]
    assert list(capacity.columns[:3]) == ["owner", "country", "metric"]
    microsoft = capacity[(capacity.owner == "Microsoft") & (capacity.metric == "units")].iloc[0]
    assert microsoft.mid == 485000  # Omdia via the FT, Dec 2024
    # BF16 compute has the same name as in fleet().
    assert "dense_ops_per_s_bf16" in set(capacity.metric)
    fleet = fleetcap.fleet("hopper-2024", by="owner")
    a = capacity[(capacity.owner == "Tencent") & (capacity.metric == "dense_ops_per_s_bf16")].iloc[0]
    b = fleet[(fleet.group == "Tencent") & (fleet.metric == "dense_ops_per_s_bf16")].iloc[0]
    assert (a.low, a.mid, a.high) == (b.low, b.mid, b.high)


def test_verdicts_one_row_per_part_and_rule(tables):
    verdicts = tables["verdicts"]
    assert not verdicts.duplicated(["part", "rule"]).any()
    assert list(verdicts.columns[:6]) == ["part", "rule", "status", "clause", "in_force", "reason"]
    status = verdicts.set_index(["part", "rule"]).status
    assert status["h20", "us-3a090-2023"] == "not_controlled"
    assert status["h100-sxm", "us-3a090-2023"] == "3A090.a"
    assert status["ascend-910b", "us-3a090-2023"] == "not_applicable"  # not a US-origin item


def test_the_report_is_the_cli_report(tables):
    doc = fleetcap.run("report")
    owners = doc["serving"]["owners_2024"]
    by_owner = tables["serving_by_owner"].set_index("owner")
    for owner in owners:
        assert by_owner.loc[owner["owner"], "mid"] == owner["output_tokens_per_day"]["mid"]


def test_a_what_if_reaches_the_report():
    what_if = fleetcap.report(rule={"us-3a090-2023": {"b1_tpp_min": 2000}})["verdicts"]
    rules = set(what_if.rule)
    assert any(r.startswith("us-3a090-2023") for r in rules)


def test_calls_from_threads_give_the_same_tables(tables):
    # The GIL is released while the library runs: concurrent calls must not interfere.
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: fleetcap.report()["capacity_by_owner"], range(4)))
    for result in results:
        pd.testing.assert_frame_equal(result, tables["capacity_by_owner"])
