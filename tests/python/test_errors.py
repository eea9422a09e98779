"""Errors: bad input raises fleetcap.InputError naming the file, the pointer and the problem."""

import json
import pathlib

import pytest

import fleetcap


def test_unknown_part_is_an_input_error():
    with pytest.raises(fleetcap.InputError) as caught:
        fleetcap.comply("no-such-part")
    assert "no-such-part" in str(caught.value)
    assert isinstance(caught.value, ValueError)


ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_a_bad_file_names_the_file_and_the_pointer(tmp_path):
    inventory = json.loads((ROOT / "data/fleets/hopper-2024.json").read_text())
    inventory["entries"][0]["count"] = -5
    inventory["id"] = "broken"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(inventory))
    with pytest.raises(fleetcap.InputError) as caught:
        fleetcap.fleet(str(path))
    error = caught.value
    assert error.file is not None and error.file.endswith("broken.json")
    assert error.pointer is not None and error.pointer == "/entries/0/count"
    assert error.message and error.message in str(error)


def test_malformed_json_and_duplicate_keys(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "bad", "id": "again"}')
    with pytest.raises(fleetcap.InputError) as caught:
        fleetcap.fleet(str(bad))
    assert caught.value.file.endswith("bad.json")
    bad.write_text('{"id": ')
    with pytest.raises(fleetcap.InputError):
        fleetcap.fleet(str(bad))


def test_an_unknown_option_is_an_input_error_without_a_file():
    with pytest.raises(fleetcap.InputError) as caught:
        fleetcap.train(model="llama3-70b", tokens=1e12, chips=8, no_such_option=3)
    assert caught.value.file is None
    assert "no-such-option" in str(caught.value)


def test_a_rule_what_if_outside_its_commands_is_refused():
    with pytest.raises(fleetcap.InputError):
        fleetcap.run("specs", "list", rule="us-3a090-2023:a1_tpp_min=5000")


def test_no_inventory_is_an_input_error():
    with pytest.raises(fleetcap.InputError):
        fleetcap.fleet()


def test_a_grid_too_large_for_points_is_refused():
    with pytest.raises(fleetcap.InputError) as caught:
        fleetcap.sweep_arrays("training-grid", max_points=1000)
    assert "max_points" in str(caught.value)
