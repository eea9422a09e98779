"""Every examples/*.py runs and writes what it says it writes."""

import os
import pathlib
import subprocess
import sys

import pytest

EXAMPLES = sorted((pathlib.Path(__file__).resolve().parents[2] / "examples").glob("*.py"))


def test_there_are_examples():
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize("script", EXAMPLES, ids=[s.stem for s in EXAMPLES])
def test_example_runs(script, tmp_path):
    done = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True, text=True,
                          timeout=600, env={**os.environ, "MPLBACKEND": "Agg"})
    assert done.returncode == 0, done.stderr
    written = {p.name for p in tmp_path.iterdir()}
    for line in script.read_text().splitlines():
        if line.startswith("Writes OUT_DIR/"):
            names = line.split("OUT_DIR/")[1].split(" ")[0].rstrip(".")
            stem = names.split(".")[0]
            assert any(name.startswith(stem) for name in written), (names, written)
    assert "nan" not in done.stdout.lower().split()
