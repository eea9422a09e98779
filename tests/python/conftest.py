"""Shared fixtures of the Python package's tests (run by scripts/dev test through pytest)."""

import copy
import json
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def small_design_space(tmp_path):
    """An overlay folder holding a small copy of the built-in h20-design-space scenario (the
    compliance evaluator over 2 x 3 x 9 x 40 = 2,160 points), small enough to brute-force."""
    scenario = json.loads((ROOT / "data/scenarios/h20-design-space.json").read_text())
    scenario = copy.deepcopy(scenario)
    scenario["id"] = "small-design-space"
    for axis in scenario["axes"]:
        if axis["name"] == "b1_tpp_min":
            axis["values"] = [1600, 2400]
        elif "linear" in axis:
            axis["linear"]["count"] = 9
        elif "log" in axis:
            axis["log"]["count"] = 40
    folder = tmp_path / "overlay"
    (folder / "data/scenarios").mkdir(parents=True)
    (folder / "data/scenarios/small-design-space.json").write_text(json.dumps(scenario))
    return folder
