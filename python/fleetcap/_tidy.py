"""From the commands' JSON to tidy (long) tables: one row per group x metric.

The names are the CLI's (one output schema, schemas/): SI units with the unit in the metric's
name, the same name for the same quantity whichever command produced it, ranges as low/mid/high columns,
Monte Carlo quantiles as p5/p50/p95 (with mean), and a figure fleetcap does not know as NaN
with ``unknown`` set, never as zero. A point figure is low == mid == high: it gains no range.
"""

from __future__ import annotations

import math
import re
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

import pandas as pd

RANGE_COLUMNS = ["low", "mid", "high"]
QUANTILE_COLUMNS = ["p5", "p50", "p95", "mean"]
FLAG_COLUMNS = ["incomplete", "unknown"]


def metric_name(path: str) -> str:
    """The package's name of a JSON field path. The CLI's JSON already uses one name per
    quantity in SI units (schemas/); a table flattens a per-format figure into one name,
    ``dense_ops_per_s.bf16`` -> ``dense_ops_per_s_bf16``, and keeps other nested paths dotted
    (``controlled_share_3a090_2023.3A090.a``)."""
    return re.sub(r"^(dense_(?:peak_)?ops_per_s)\.(\w+)$", r"\1_\2", path)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def figure_stats(value: Any, path: str) -> Iterator[Tuple[str, Dict[str, Any]]]:
    """(metric path, statistics) for every figure inside one JSON value.

    A range {low, mid, high} gives low/mid/high; Monte Carlo {p5, p50, p95, mean} gives those;
    {"unknown": true} gives NaNs with unknown=True; a number gives low == mid == high; a nested
    object gives its figures with dotted paths. Strings, booleans and lists are not figures.
    """
    if isinstance(value, dict):
        if value.get("unknown") is True and not (set(RANGE_COLUMNS) & value.keys()):
            yield path, {"unknown": True}
            return
        if set(RANGE_COLUMNS) <= value.keys():
            # A sampled figure (fleet with samples) carries its quantiles beside the range.
            stats = {k: value[k] for k in RANGE_COLUMNS + QUANTILE_COLUMNS if k in value}
            stats["incomplete"] = bool(value.get("incomplete", False))
            if value.get("missing_parts"):
                stats["missing_parts"] = ",".join(value["missing_parts"])
            yield path, stats
            return
        if "p50" in value:
            stats = {k: value[k] for k in QUANTILE_COLUMNS if k in value}
            stats["incomplete"] = bool(value.get("incomplete", False))
            yield path, stats
            return
        for key, inner in value.items():
            yield from figure_stats(inner, f"{path}.{key}")
    elif _is_number(value):
        yield path, {"low": value, "mid": value, "high": value}


def long_table(records: Iterable[Dict[str, Any]], keys: Sequence[str], *, skip: Sequence[str] = (),
               extra: Optional[Dict[str, Any]] = None) -> pd.DataFrame:
    """A tidy table from JSON records: the ``keys`` fields of each record as columns, then one
    row per figure of the record (see figure_stats). Fields in ``skip`` are left out; ``extra``
    adds constant columns (e.g. total=False)."""
    rows: List[Dict[str, Any]] = []
    for record in records:
        ids = {k: record.get(k) for k in keys}
        if extra:
            ids.update(extra)
        for field, value in record.items():
            if field in keys or field in skip:
                continue
            for path, stats in figure_stats(value, field):
                rows.append({**ids, "metric": metric_name(path), **stats})
    return frame(rows, [*keys, *(extra or {}).keys(), "metric"])


def frame(rows: List[Dict[str, Any]], leading: Sequence[str]) -> pd.DataFrame:
    """A DataFrame with the leading columns first, then the statistics in a fixed order; the
    flags are booleans (False where a row did not set them), missing numbers NaN."""
    df = pd.DataFrame(rows)
    if df.empty:
        return pd.DataFrame(columns=[*leading, *RANGE_COLUMNS])
    order = [c for c in [*leading, *RANGE_COLUMNS, *QUANTILE_COLUMNS, *FLAG_COLUMNS, "missing_parts"] if c in df.columns]
    order += [c for c in df.columns if c not in order]
    df = df[order]
    for flag in FLAG_COLUMNS:
        if flag in df.columns:
            df[flag] = df[flag].fillna(False).astype(bool)
    if "missing_parts" in df.columns:
        df["missing_parts"] = df["missing_parts"].fillna("")
    for column in [*RANGE_COLUMNS, *QUANTILE_COLUMNS]:
        if column in df.columns:
            df[column] = pd.to_numeric(df[column], errors="raise").astype(float)
    return df.reset_index(drop=True)


def unknown_as_nan(record: Dict[str, Any]) -> Dict[str, Any]:
    """A flat JSON object with each {"unknown": true} as NaN (a missing number, never 0)."""
    return {field: math.nan if isinstance(value, dict) and value == {"unknown": True} else value
            for field, value in record.items()}
