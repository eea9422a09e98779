"""Every command's --json validates against its published schema (schemas/), and the
invariants JSON Schema cannot state hold everywhere: low <= mid <= high, sampled quantiles
inside [low, high], a sweep quantile inside its bound."""

import json
import pathlib
import re

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

import fleetcap

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCHEMAS = {p.name.removesuffix(".schema.json"): json.loads(p.read_text()) for p in (ROOT / "schemas").glob("*.schema.json")}
REGISTRY = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in SCHEMAS.values())

PARTS = [p["id"] for p in fleetcap.run("specs", "list")]
FLEETS = ["hopper-2024", "china-h20-2024", "bytedance-2025"]
SCENARIOS = sorted(p.stem for p in (ROOT / "data/scenarios").glob("*.json"))
WHAT_IF = {"us-3a090-2023": {"b1_tpp_min": 2000}}

# (schema, arguments, options of fleetcap.run)
CASES = [("info", ["info"], {}), ("specs-list", ["specs", "list"], {}), ("report", ["report"], {}),
         ("report", ["report", "--mfu", 0.3], {"rule": WHAT_IF})]
CASES += [("specs-show", ["specs", "show", p], {}) for p in PARTS]
CASES += [("comply-part", ["comply", "--part", p], {}) for p in PARTS]
CASES += [("comply-part", ["comply", "--part", "h20", "--destination", "CN", "--as-of", "2025-06-01"], {"rule": WHAT_IF}),
          ("comply-train", ["comply", "--train", "--flops", 3e25], {}),
          ("comply-train", ["comply", "--train", "--params", 1e11, "--tokens", 2e12, "--bio"], {"rule": WHAT_IF})]
CASES += [("comply-fleet", ["comply", "--fleet", f], {}) for f in FLEETS]
CASES += [("fleet", ["fleet", f, "--by", by], {}) for f in FLEETS for by in ("owner", "part", "vendor")]
CASES += [("fleet", ["fleet", "hopper-2024", "--samples", 3000, "--seed", 4], {}),
          ("fleet", ["fleet", "china-h20-2024", "--by", "part", "--samples", 3000, "--distribution", "pert", "--h100e", "tpp"], {}),
          ("fleet", ["fleet", "hopper-2024", "china-h20-2024", "--as-of", "2025-01-01", "--pue", 1.3], {})]
CASES += [("train", ["train", "--model", "llama3-405b", "--tokens", 15e12, "--part", "h100-sxm", "--chips", 16384, "--mfu", 0.4], {}),
          ("train", ["train", "--params", 7e10, "--tokens", 1.5e13, "--part", "h20", "--chips", 4096, "--mfu", 0.35,
                     "--usd-per-gpu-hour", 2.0, "--grid-kg-per-kwh", 0.5], {"rule": WHAT_IF}),
          ("train", ["train", "--model", "gpt3-175b", "--system", "dgx-a100-selene-2022", "--chips", 1024, "--global-batch", 1536,
                     "--precision", "fp16", "--tp", 8, "--pp", 8, "--tokens", 3e11], {}),
          ("train-search", ["train", "--model", "gpt3-175b", "--system", "dgx-a100-selene-2022", "--chips", 1024,
                            "--global-batch", 1536, "--precision", "fp16", "--search", "--top", 3], {}),
          ("serve", ["serve", "--model", "llama3-70b", "--part", "h100-sxm"], {}),
          ("serve", ["serve", "--model", "deepseek-v3", "--part", "h20", "--precision", "fp8", "--ttft-ms", 2000, "--tpot-ms", 100], {}),
          ("serve-fleet", ["serve", "--model", "llama3-70b", "--fleet", "hopper-2024"], {}),
          ("serve-fleet", ["serve", "--model", "qwen3-235b-a22b", "--fleet", "china-h20-2024", "--by", "part", "--precision", "bf16"], {}),
          ("serve-tokens-per-day", ["serve", "--model", "llama3-70b", "--tokens-per-day", 1e12], {}),
          ("validate", ["validate"], {}),
          ("calibrate", ["calibrate", "megatron-selene-2021"], {}),
          ("calibrate-serving", ["calibrate", "trtllm-perf-overview-v1-0", "--serving", "h100-sxm"], {}),
          ("bench", ["bench", "--repeats", 1], {})]
CASES += [("sweep", ["sweep", s], {}) for s in SCENARIOS]


def case_id(case):
    return case[0] + ":" + "_".join(str(a) for a in case[1][1:5])


def check_invariants(value, where="$"):
    """low <= mid <= high; p5 <= p50 <= p95 inside [low, high]; a sweep quantile in its bound."""
    if isinstance(value, dict):
        if {"low", "mid", "high"} <= value.keys():
            assert value["low"] <= value["mid"] <= value["high"], where
            if "p50" in value:
                assert value["low"] <= value["p5"] <= value["p50"] <= value["p95"] <= value["high"], where
                assert value["low"] <= value["mean"] <= value["high"], where
        if {"value", "low", "high"} <= value.keys():
            assert value["low"] <= value["value"] <= value["high"], where
        for key, inner in value.items():
            check_invariants(inner, f"{where}.{key}")
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            check_invariants(inner, f"{where}[{i}]")


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_output_validates_against_its_schema(case):
    schema, args, options = case
    output = fleetcap.run(*args, **options)
    validator = Draft202012Validator(SCHEMAS[schema], registry=REGISTRY)
    errors = sorted(validator.iter_errors(output), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message[:300]}" for e in errors[:5])
    check_invariants(output)


def test_merged_shards_validate_like_a_sweep(tmp_path):
    parts = []
    for k in range(3):
        path = tmp_path / f"part-{k}.json"
        fleetcap.run("sweep", "frontier-run-uncertainty", "--shard", f"{k}/3", "--out", str(path))
        parts.append(str(path))
    merged = fleetcap.run("merge", *parts)
    Draft202012Validator(SCHEMAS["sweep"], registry=REGISTRY).validate(merged)
    whole = fleetcap.run("sweep", "frontier-run-uncertainty")
    assert merged["groups"] == whole["groups"]


def test_every_schema_is_exercised_and_every_command_covered():
    used = {c[0] for c in CASES}
    assert used | {"common"} == set(SCHEMAS), set(SCHEMAS) - used
    help_text = fleetcap.run("--help", json=False)
    commands = re.findall(r"^  ([a-z]+) {2,}", help_text.split("Subcommands:")[1], re.M)
    assert len(commands) >= 12
    covered = {c[1][0] for c in CASES} | {"merge"}
    assert set(commands) <= covered, set(commands) - covered


def test_the_schemas_reject_what_the_rules_forbid():
    validator = Draft202012Validator(SCHEMAS["fleet"], registry=REGISTRY)
    good = fleetcap.run("fleet", "hopper-2024")
    assert validator.is_valid(good)
    bad = json.loads(json.dumps(good))
    bad["total"]["units"]["mid"] = None  # a NaN printed as null
    assert not validator.is_valid(bad)
    bad = json.loads(json.dumps(good))
    bad["total"]["units"] = {"unknown": True, "mid": 0}  # an unknown figure with a number
    assert not validator.is_valid(bad)
    search = Draft202012Validator(SCHEMAS["train-search"], registry=REGISTRY)
    layouts = fleetcap.run("train", "--model", "gpt3-175b", "--system", "dgx-a100-selene-2022", "--chips", 1024,
                           "--global-batch", 1536, "--precision", "fp16", "--search", "--top", 1)
    layouts["top"][0]["layout"]["recompute"] = 1.0  # an option by number, not by name
    assert not search.is_valid(layouts)


def test_fleet_csv_is_long_with_the_json_figures(tmp_path):
    import io

    import pandas as pd

    text = fleetcap.run("fleet", "hopper-2024", "--by", "owner", "--csv", "--samples", 2000, "--seed", 9, json=False)
    csv = pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])
    assert list(csv.columns) == ["group", "total", "metric", "low", "mid", "high", "incomplete", "missing_parts",
                                 "p5", "p50", "p95", "mean"]
    assert set(csv[csv.total].group) == {"total"}
    table = fleetcap.fleet("hopper-2024", by="owner", samples=2000, seed=9)
    merged = csv.merge(table, on=["group", "total", "metric"], suffixes=("_csv", ""))
    assert len(merged) == len(csv)
    for column in ("low", "mid", "high", "p5", "p50", "p95"):
        both = merged[[f"{column}_csv", column]].dropna()
        assert len(both) > 0
        assert (both[f"{column}_csv"] == both[column]).all(), column
