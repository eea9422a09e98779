"""fleetcap.parts / part: the catalogue as a long table, figures as published."""

import math

import fleetcap


def figure(table, part, metric):
    rows = table[(table.part == part) & (table.metric == metric)]
    assert len(rows) == 1, (part, metric, rows)
    return rows.iloc[0]


def test_parts_long_form_with_published_figures():
    table = fleetcap.parts()
    assert list(table.columns[:5]) == ["part", "name", "vendor", "launch_year", "metric"]
    assert {"low", "mid", "high", "unknown"} <= set(table.columns)
    # NVIDIA H100 SXM datasheet: 1,979 TFLOPS BF16 with sparsity, 989.5 dense (specs/h100-sxm.json).
    bf16 = figure(table, "h100-sxm", "dense_peak_ops_per_s_bf16")
    assert bf16.low == bf16.mid == bf16.high == 989.5e12  # a point figure gains no range
    # TPP of the H20 = 296 dense INT8 TOPS x 8 bits = 2,368 (BIS 3A090 formula).
    assert figure(table, "h20", "tpp").mid == 2368
    assert figure(table, "h100-sxm", "memory_bytes").mid == 80e9


def test_a_sourced_range_keeps_its_bounds_and_an_unknown_is_never_zero():
    table = fleetcap.parts()
    # specs/h100-sxm.json: price_usd {low 25,000, high 40,000}.
    price = figure(table, "h100-sxm", "price_usd")
    assert (price.low, price.high) == (25000, 40000)
    assert price.low <= price.mid <= price.high
    # The H100 has no FP4 datapath: unknown, NaN, never 0.
    fp4 = figure(table, "h100-sxm", "dense_peak_ops_per_s_fp4")
    assert fp4.unknown and math.isnan(fp4.mid) and math.isnan(fp4.low)
    known = table[~table.unknown]
    assert known[["low", "mid", "high"]].notna().all().all()
    assert (known.low <= known.mid).all() and (known.mid <= known.high).all()


def test_every_part_of_the_cli_listing_is_in_the_table():
    listed = {p["id"] for p in fleetcap.run("specs", "list")}
    assert set(fleetcap.parts().part) == listed
    assert len(listed) >= 14


def test_part_returns_the_spec_sheet_with_sources():
    h20 = fleetcap.part("h20")
    assert h20["id"] == "h20"
    assert h20.get("sources"), "every part carries its sources"


def test_overlay_adds_a_part(tmp_path):
    import json
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2]
    spec = json.loads((root / "specs/h20.json").read_text())
    spec["id"] = "h20-what-if"
    spec["name"] = "H20 with twice the INT8 rate (what-if)"
    spec["int8_dense_tops"] = spec["int8_dense_tops"] * 2
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs/h20-what-if.json").write_text(json.dumps(spec))
    table = fleetcap.parts(catalog=tmp_path)
    assert figure(table, "h20-what-if", "dense_peak_ops_per_s_int8").mid == 2 * figure(
        table, "h20", "dense_peak_ops_per_s_int8").mid
    assert "h100-sxm" in set(table.part), "an overlay adds to the built-in catalogue"
