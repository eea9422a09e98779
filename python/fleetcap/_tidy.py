"""From the commands' JSON to tidy (long) tables: one row per group x metric.

One naming scheme for every table (issue 13): SI units with the unit in the metric's name, the
same name for the same quantity whichever command produced it, ranges as low/mid/high columns,
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

# The CLI's JSON already uses one name per quantity and SI units (schemas/); these maps are
# where a command-specific name or unit would be translated, and are empty while there is none.
_RENAMES: Dict[str, str] = {}
_SI: Dict[str, Tuple[str, float]] = {}


def metric_name(path: str) -> Tuple[str, float]:
    """The package's name of a JSON field path and the factor to SI units.

    ``dense_ops_per_s.bf16`` -> ``dense_ops_per_s_bf16`` (the format is part of the quantity's
    name); other nested paths keep their dots (``controlled_share_3a090_2023.3A090.a``).
    """
    path = _RENAMES.get(path, path)
    name, factor = _SI.get(path, (path, 1.0))
    name = re.sub(r"^(dense_(?:peak_)?ops_per_s)\.(\w+)$", r"\1_\2", name)
    return name, factor


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


def _scaled(stats: Dict[str, Any], factor: float) -> Dict[str, Any]:
    if factor == 1.0:
        return stats
    return {k: (v * factor if _is_number(v) and k in RANGE_COLUMNS + QUANTILE_COLUMNS else v) for k, v in stats.items()}


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
                name, factor = metric_name(path)
                rows.append({**ids, "metric": name, **_scaled(stats, factor)})
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


def si_record(record: Dict[str, Any]) -> Dict[str, Any]:
    """A flat JSON object with the package's names and SI units; {"unknown": true} becomes NaN."""
    out: Dict[str, Any] = {}
    for field, value in record.items():
        name, factor = metric_name(field)
        if isinstance(value, dict) and value.get("unknown") is True and len(value) == 1:
            out[name] = math.nan
        elif _is_number(value):
            out[name] = value * factor
        else:
            out[name] = value
    return out
