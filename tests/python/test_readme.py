"""The README's Python walkthrough runs as written (every ```python block of its Python section)."""

import pathlib
import re

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"


def python_blocks():
    text = README.read_text()
    section = text.split("## Python (notebooks)", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_the_walkthrough_runs():
    blocks = python_blocks()
    assert len(blocks) >= 2
    namespace = {}
    for block in blocks:
        # Each line's value is discarded, as a notebook cell's non-final lines are; an error fails.
        exec(compile(block, str(README), "exec"), namespace)
    tables = namespace["tables"]
    assert len(tables) == 7
