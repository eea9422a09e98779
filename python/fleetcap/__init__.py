"""fleetcap for notebooks: the same C++ library as the ``fleetcap`` command, as pandas tables.

Every function runs the library in-process (the GIL is released while it works) and returns
tidy DataFrames: one row per group x metric, ranges as ``low``/``mid``/``high``, Monte Carlo
quantiles as ``p5``/``p50``/``p95``, SI units with the unit in the metric's name, and a figure
fleetcap does not know as NaN with ``unknown`` True (never zero). See the README's "Python"
section for a walkthrough.

Options common to every function (keyword-only):

- ``catalog``: a folder, or a list of folders, laid over the built-in catalogue by id (the
  CLI's ``--catalog``, repeatable; a later folder wins).
- ``rule``: what-if rule thresholds: ``{"us-3a090-2023": {"a1_tpp_min": 3000}}`` or the CLI's
  ``"us-3a090-2023:a1_tpp_min=3000"`` (comply, report and train only).
- ``backend``: ``"auto"`` (CUDA when a device is visible, else the CPU), ``"cpu"`` or ``"cuda"``.

Bad input raises :class:`InputError` (with ``file``, ``pointer`` and ``message``); a run-time
failure raises :class:`Error`.
"""

from __future__ import annotations

import json as _json
import os
import re
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _core
from ._tidy import frame, long_table, metric_name, unknown_as_nan

__version__ = "0.1.0"

__all__ = [
    "Error", "InputError", "run", "info", "parts", "part", "fleet", "holdings", "comply", "comply_training",
    "comply_fleet", "train", "search", "serve", "validate", "sweep", "sweep_arrays", "sweep_points", "report",
]

PathLike = Union[str, "os.PathLike[str]"]
Catalog = Union[None, PathLike, Sequence[PathLike]]
RuleWhatIf = Union[None, str, Sequence[str], Mapping[str, Mapping[str, float]]]


class Error(RuntimeError):
    """A run-time failure (a backend error, a write that failed): the CLI's exit code 1."""


class InputError(ValueError):
    """Bad input: a malformed file, a wrong field, an unknown id, a bad option (exit code 2).

    ``file`` is the file at fault (None when the problem is an option), ``pointer`` the JSON
    pointer inside it (None when not about one field), ``message`` what is wrong.
    """

    def __init__(self, text: str):
        super().__init__(text)
        self.file: Optional[str] = None
        self.pointer: Optional[str] = None
        self.message: str = text
        # The library's messages read "FILE: /json/pointer: what is wrong" where a file is involved.
        match = re.match(r"^(?P<file>[^:\s][^:]*?): (?P<pointer>/[^:]*|): (?P<message>.*)$", text, re.S)
        if match:
            self.file, self.pointer, self.message = match["file"], match["pointer"], match["message"]
        else:
            match = re.match(r"^(?P<file>[^:\s][^:]*\.json): (?P<message>.*)$", text, re.S)
            if match:
                self.file, self.message = match["file"], match["message"]


# --- running the library ---------------------------------------------------------------------

def _global_args(catalog: Catalog, rule: RuleWhatIf, backend: Optional[str]) -> List[str]:
    args: List[str] = []
    if catalog is not None:
        folders = [catalog] if isinstance(catalog, (str, os.PathLike)) else list(catalog)
        for folder in folders:
            args += ["--catalog", os.fspath(folder)]
    if rule is not None:
        if isinstance(rule, str):
            texts = [rule]
        elif isinstance(rule, Mapping):
            texts = [f"{rule_id}:" + ",".join(f"{k}={_text(v)}" for k, v in params.items())
                     for rule_id, params in rule.items()]
        else:
            texts = list(rule)
        for text in texts:
            args += ["--rule", text]
    if backend is not None:
        args += ["--backend", backend]
    return args


def _text(value: Any) -> str:
    if isinstance(value, float):
        return repr(value)  # shortest text that reads back as the same double
    return os.fspath(value) if isinstance(value, os.PathLike) else str(value)


def _options(options: Mapping[str, Any]) -> List[str]:
    """Keyword arguments as the CLI's options: global_batch=1536 -> --global-batch 1536;
    True -> a flag; None and False -> left out; a list -> comma-separated."""
    args: List[str] = []
    for key, value in options.items():
        if value is None or value is False:
            continue
        flag = "--" + key.replace("_", "-")
        if value is True:
            args.append(flag)
        elif isinstance(value, (list, tuple)):
            args += [flag, ",".join(_text(v) for v in value)]
        else:
            args += [flag, _text(value)]
    return args


def _call(args: List[str]) -> str:
    try:
        return _core.run(args)
    except _core.InputError as e:
        raise InputError(str(e)) from None
    except _core.Error as e:
        raise Error(str(e)) from None


def run(*args: Any, catalog: Catalog = None, rule: RuleWhatIf = None, backend: Optional[str] = None,
        json: bool = True) -> Any:
    """Any fleetcap command, given as the CLI's arguments: ``run("specs", "show", "h20")``.

    Returns the command's ``--json`` output parsed (dicts and lists), or its text with
    ``json=False``. The escape hatch for what the table functions do not cover.
    """
    argv = [_text(a) for a in args] + _global_args(catalog, rule, backend)
    if json:
        return _json.loads(_call(argv + ["--json"]))
    return _call(argv)


def info() -> Dict[str, Any]:
    """Version, backends built in, CUDA device visible."""
    return run("info")


# --- the catalogue ---------------------------------------------------------------------------

def parts(*, catalog: Catalog = None) -> pd.DataFrame:
    """Every part's figures, long: part, name, vendor, metric, low, mid, high (+ unknown).

    A sourced range (e.g. a price) gives its low/mid/high; a figure the spec sheet states as a
    point gives low == mid == high; a figure not published is NaN with unknown=True.
    """
    records = run("specs", "list", catalog=catalog)
    rows = []
    for record in records:
        ranges = record.get("ranges", {})
        for field, value in record.items():
            if field in ("id", "name", "vendor", "launch_year", "ranges") or isinstance(value, (str, bool)):
                continue
            values = value.items() if isinstance(value, dict) and not value.get("unknown") else [(None, value)]
            for sub, figure in values:
                path = field if sub is None else f"{field}.{sub}"
                name = metric_name(path)
                row = {"part": record["id"], "name": record["name"], "vendor": record["vendor"],
                       "launch_year": record["launch_year"] if isinstance(record.get("launch_year"), int) else None,
                       "metric": name}
                if isinstance(figure, dict) and figure.get("unknown"):
                    row["unknown"] = True
                elif path in ranges or field in ranges and sub is None:
                    r = ranges[path] if path in ranges else ranges[field]
                    row.update(low=r["low"], mid=r["mid"], high=r["high"])
                else:
                    row.update(low=figure, mid=figure, high=figure)
                rows.append(row)
    return frame(rows, ["part", "name", "vendor", "launch_year", "metric"])


def part(part_id: str, *, catalog: Catalog = None) -> Dict[str, Any]:
    """Every field of one part with ranges, notes and sources (``specs show``), as a dict."""
    return run("specs", "show", part_id, catalog=catalog)


# --- fleets ----------------------------------------------------------------------------------

def _fleet_document(inventories: Sequence[PathLike], options: Dict[str, Any], catalog: Catalog,
                    backend: Optional[str]) -> Dict[str, Any]:
    if not inventories:
        raise InputError("fleet: give at least one inventory (a file or a built-in id such as 'hopper-2024')")
    return run("fleet", *inventories, *_options(options), catalog=catalog, backend=backend)


def fleet(*inventories: PathLike, by: str = "owner", h100e: Optional[str] = None, pue: Optional[float] = None,
          samples: Optional[int] = None, seed: Optional[int] = None, distribution: Optional[str] = None,
          as_of: Optional[str] = None, service_life: Optional[float] = None, dedupe: bool = False,
          catalog: Catalog = None, backend: Optional[str] = None) -> pd.DataFrame:
    """Aggregate capacity of inventories (``fleetcap fleet``), long: group, total, metric,
    low, mid, high, incomplete, missing_parts; with ``samples`` also p5, p50, p95, mean.

    ``total`` is True on the rows of the sum over every group (kept apart from the groups by
    the flag, never mixed in as a group). ``incomplete`` marks a sum that lacks the parts in
    ``missing_parts`` (their figure is unknown; they are not counted as zero).
    """
    doc = _fleet_document(inventories, dict(by=by, h100e=h100e, pue=pue, samples=samples, seed=seed,
                                            distribution=distribution, as_of=as_of, service_life=service_life,
                                            dedupe=dedupe), catalog, backend)
    groups = [{"group": g["key"], **g["totals"]} for g in doc["groups"]]
    table = pd.concat([long_table(groups, ["group"], extra={"total": False}),
                       long_table([{"group": "total", **doc["total"]}], ["group"], extra={"total": True})],
                      ignore_index=True)
    table.attrs.update(by=doc["by"], h100e_basis=doc["h100e_basis"], pue=doc["pue"],
                       fleets=[f["id"] for f in doc["fleets"]])
    if "monte_carlo" in doc:
        table.attrs["monte_carlo"] = doc["monte_carlo"]
    return table


def holdings(*inventories: PathLike, as_of: Optional[str] = None, service_life: Optional[float] = None,
             dedupe: bool = False, catalog: Catalog = None) -> pd.DataFrame:
    """Each inventory entry with its derivation and source, long: one row per entry x metric."""
    doc = _fleet_document(inventories, dict(as_of=as_of, service_life=service_life, dedupe=dedupe), catalog, None)
    records = [dict(h, entry=i) for i, h in enumerate(doc["holdings"])]
    keys = ["entry"] + [k for k, v in records[0].items() if isinstance(v, str)] if records else ["entry"]
    return long_table(records, keys)


# --- compliance ------------------------------------------------------------------------------

_VERDICT_COLUMNS = ["rule", "status", "clause", "in_force", "reason"]


def _verdicts(verdicts: List[Dict[str, Any]], doc: Mapping[str, Any], **columns: Any) -> pd.DataFrame:
    """One row per verdict; ``what_if`` marks a rule changed by ``rule=``, ``what_if_based_on``
    names the changed rule a verdict's rule is based on ("" when none)."""
    changed = {w["rule"] for w in doc.get("what_if", [])}
    based_on = {w["rule"]: w["based_on"] for w in doc.get("what_if_based_on", [])}
    rows = [{**columns, **{k: v.get(k) for k in _VERDICT_COLUMNS}, "what_if": v.get("rule") in changed,
             "what_if_based_on": based_on.get(v.get("rule"), "")} for v in verdicts]
    return pd.DataFrame(rows, columns=[*columns, *_VERDICT_COLUMNS, "what_if", "what_if_based_on"])


def comply(part: str, *, rules: Optional[Sequence[str]] = None, as_of: Optional[str] = None,
           destination: Optional[str] = None, owner_hq: Optional[str] = None, catalog: Catalog = None,
           rule: RuleWhatIf = None) -> pd.DataFrame:
    """Each rule's verdict on a part: part, rule, status, clause, in_force, reason, what_if.

    ``status`` is the rule's own verdict (e.g. ``3A090.a``, ``not_controlled``), or
    ``not_applicable`` where the rule does not speak to parts.
    """
    doc = run("comply", *_options(dict(part=part, rules=rules, as_of=as_of, destination=destination,
                                         owner_hq=owner_hq)), catalog=catalog, rule=rule)
    return _verdicts(doc["verdicts"], doc, part=doc["part"])


def comply_training(*, flops: Optional[float] = None, params: Optional[float] = None,
                    tokens: Optional[float] = None, active_params: Optional[float] = None, bio: bool = False,
                    rules: Optional[Sequence[str]] = None, as_of: Optional[str] = None, catalog: Catalog = None,
                    rule: RuleWhatIf = None) -> pd.DataFrame:
    """Each rule's verdict on a training run of ``flops`` operations (or 6 x params x tokens)."""
    doc = run("comply", "--train", *_options(dict(flops=flops, params=params, tokens=tokens,
                                                    active_params=active_params, bio=bio, rules=rules,
                                                    as_of=as_of)), catalog=catalog, rule=rule)
    return _verdicts(doc["verdicts"], doc, training_operations=doc["training_operations"])


def comply_fleet(*inventories: PathLike, rules: Optional[Sequence[str]] = None, as_of: Optional[str] = None,
                 catalog: Catalog = None, rule: RuleWhatIf = None) -> pd.DataFrame:
    """Per rule and owner, the units (and TPP, H100e) by verdict, long: rule, in_force, owner,
    status, metric, value. Rules that do not apply to fleets are left out (see ``note``)."""
    doc = run("comply", "--fleet", *inventories, *_options(dict(rules=rules, as_of=as_of)), catalog=catalog,
              rule=rule)
    rows = []
    for r in doc["rules"]:
        for owner in r.get("owners", []):
            for status, figures in owner.get("by_status", {}).items():
                for metric, value in figures.items():
                    rows.append({"rule": r["rule"], "in_force": r["in_force"], "owner": owner["owner"],
                                 "status": status, "metric": metric, "value": float(value)})
    return pd.DataFrame(rows, columns=["rule", "in_force", "owner", "status", "metric", "value"])


# --- training --------------------------------------------------------------------------------

def train(*, catalog: Catalog = None, rule: RuleWhatIf = None, backend: Optional[str] = None,
          **options: Any) -> Dict[str, Any]:
    """One training-run estimate (``fleetcap train``); options as the CLI's with underscores:
    ``train(model="llama3-405b", tokens=15e12, part="h100-sxm", chips=16384, mfu=0.4)``.

    Returns a dict with SI units (``energy_joules``, ``co2_kg``); figures that cannot be known
    from the inputs (no price, no grid intensity) are NaN. ``thresholds`` is a DataFrame.
    """
    doc = run("train", *_options(options), catalog=catalog, rule=rule, backend=backend)
    result = unknown_as_nan({k: v for k, v in doc.items() if k != "thresholds"})
    if "thresholds" in doc:
        result["thresholds"] = _verdicts(doc["thresholds"], doc)
    return result


def search(*, top: int = 5, catalog: Catalog = None, backend: Optional[str] = None, **options: Any) -> pd.DataFrame:
    """The ``top`` layouts with the most samples/s that fit memory (``train --search``), one row
    per layout: rank, samples_per_second, step_seconds, days, mfu, memory_bytes and the layout
    (tp, pp, dp, cp, ep, micro_batch, interleave, recompute by name, sequence_parallel, zero ...).
    The search's counts (searched, valid, fit, and why the others failed) are in ``.attrs``."""
    doc = run("train", "--search", *_options(dict(options, top=top)), catalog=catalog, backend=backend)
    rows = []
    for rank, entry in enumerate(doc["top"], start=1):
        layout = {k: (int(v) if isinstance(v, float) and v.is_integer() and k != "global_batch" else v)
                  for k, v in entry["layout"].items()}
        rows.append({"rank": rank, **{k: v for k, v in entry.items() if k != "layout"}, **layout})
    table = pd.DataFrame(rows)
    table.attrs.update({k: v for k, v in doc.items() if k != "top"})
    return table


# --- serving ---------------------------------------------------------------------------------

def serve(*, catalog: Catalog = None, backend: Optional[str] = None, **options: Any) -> Any:
    """``fleetcap serve`` with the CLI's options (underscores for dashes), its JSON as a dict;
    with ``fleet=[...]`` the per-group tokens/day as a long DataFrame (group, metric, low, mid,
    high), parts that cannot serve in ``.attrs["cannot_serve"]``."""
    fleets = options.pop("fleet", None)
    args: List[str] = ["serve", *_options(options)]
    if fleets is not None:
        args += ["--fleet", *([fleets] if isinstance(fleets, (str, os.PathLike)) else list(fleets))]
    doc = run(*args, catalog=catalog, backend=backend)
    if fleets is None or "groups" not in doc:
        return doc
    groups = [{"group": g["key"], **g["totals"]} for g in doc["groups"]]
    table = long_table(groups, ["group"], extra={"total": False})
    if "total" in doc:
        table = pd.concat([table, long_table([{"group": "total", **doc["total"]}], ["group"],
                                             extra={"total": True})], ignore_index=True)
    table.attrs.update({k: v for k, v in doc.items() if k not in ("groups", "total")})
    return table


# --- validation ------------------------------------------------------------------------------

def validate(*sets: PathLike, system: Optional[str] = None, training: bool = False, serving: bool = False,
             catalog: Catalog = None) -> pd.DataFrame:
    """Predicted vs published for every run set (data/workloads) and serving measurement set
    (data/serving), one row per run: kind (training or serving), set, name, fit (in-sample,
    held out or not fitted, in words), in_sample, metric, published, predicted, error
    (predicted / published - 1). A run fleetcap cannot predict has predicted and error NaN and
    says why in ``why_not``."""
    doc = run("validate", *sets, *_options(dict(system=system, training=training, serving=serving)), catalog=catalog)
    rows = []
    for s in doc.get("run_sets", []):
        for r in s["runs"]:
            rows.append({"kind": "training", "set": s["set"], "name": r["name"], "fit": s["fit"],
                         "in_sample": s["in_sample"], "system": s.get("system"), "metric": r["unit"],
                         "published": r["published"], "predicted": r["predicted"], "error": r["error"], "why_not": ""})
    for s in doc.get("serving_sets", []):
        for r in s["rows"]:
            known = not isinstance(r["predicted"], dict)
            rows.append({"kind": "serving", "set": s["set"], "name": r["name"], "fit": r["fit"],
                         "in_sample": r["fit"].lower().startswith("in-sample"), "system": r.get("part"),
                         "metric": r["metric"], "published": r["published"],
                         "predicted": r["predicted"] if known else np.nan,
                         "error": r["predicted"] / r["published"] - 1 if known else np.nan,
                         "why_not": r.get("why_not", "")})
    columns = ["kind", "set", "name", "fit", "in_sample", "system", "metric", "published", "predicted", "error", "why_not"]
    return pd.DataFrame(rows, columns=columns)


# --- sweeps ----------------------------------------------------------------------------------

def sweep(scenario: PathLike, *, shard: Optional[str] = None, tile: Optional[int] = None, catalog: Catalog = None,
          backend: Optional[str] = None) -> pd.DataFrame:
    """A scenario's grid on the backend with its reductions per group (``fleetcap sweep``),
    long: the group's axes, metric, points, valid, min, mean, max and, for the histogram
    metric, p5/p50/p95 with the bounds each is known to lie in (``p50_low``, ``p50_high``).
    Counts (``count`` column) are rows of their own, one per counted condition. A cell a row
    does not have (a statistic on a count row, a count on a statistic row) is ``<NA>``, never a
    NaN: the statistics are pandas ``Float64`` columns and the counts ``Int64``, exact to the
    last point."""
    doc = run("sweep", scenario, *_options(dict(shard=shard, tile=tile)), catalog=catalog, backend=backend)
    objective = doc["objective"]["metric"]
    rows = []
    for g in doc["groups"]:
        key = dict(g.get("key", {}))
        base = {**key, "points": g["points"], "valid": g["valid"]}
        by_metric: Dict[str, Dict[str, Any]] = {}
        if g["valid"] > 0:
            by_metric[objective] = {"min": g["min"], "mean": g["mean"], "max": g["max"]}
        quantiles = g.get("quantiles")
        if quantiles and g["valid"] > 0:
            row = by_metric.setdefault(quantiles["metric"], {})
            for p in ("p5", "p50", "p95"):
                row.update({p: quantiles[p]["value"], f"{p}_low": quantiles[p]["low"], f"{p}_high": quantiles[p]["high"]})
        for metric, values in by_metric.items():
            rows.append({**base, "metric": metric, **values})
        for name, count in g.get("counts", {}).items():
            rows.append({**base, "metric": name, "count": count})
    table = pd.DataFrame(rows)
    for column in table.columns:
        if column == "count":
            table[column] = table[column].astype("Int64")
        elif column in ("min", "mean", "max") or column[:1] == "p" and column[1:2].isdigit():
            table[column] = table[column].astype("Float64")
    table.attrs.update(scenario=doc["scenario"]["id"], digest=doc["digest"], points=doc["points"],
                       substitutes=doc.get("substitutes", []))
    return table


def sweep_arrays(scenario: PathLike, *, max_points: int = 10_000_000, catalog: Catalog = None) -> Dict[str, Any]:
    """Every point of a scenario's grid as NumPy arrays, without copies: ``{"axes": {name:
    values or pandas.Categorical of part ids}, "metrics": {name: float64 array}}``. For grids
    up to ``max_points`` (the reductions of larger grids: :func:`sweep`)."""
    folders = [] if catalog is None else ([os.fspath(catalog)] if isinstance(catalog, (str, os.PathLike))
                                          else [os.fspath(c) for c in catalog])
    try:
        raw = _core.sweep_points(os.fspath(scenario), folders, int(max_points))
    except _core.InputError as e:
        raise InputError(str(e)) from None
    except _core.Error as e:
        raise Error(str(e)) from None
    axes: Dict[str, Any] = {}
    for axis in raw["axes"]:
        if "codes" in axis:
            axes[axis["name"]] = pd.Categorical.from_codes(axis["codes"], categories=axis["labels"])
        else:
            axes[axis["name"]] = axis["values"]
    return {"scenario": raw["scenario"], "points": raw["points"], "axes": axes, "metrics": raw["metrics"],
            "substitutes": raw["substitutes"]}


def sweep_points(scenario: PathLike, *, max_points: int = 1_000_000, catalog: Catalog = None) -> pd.DataFrame:
    """Every point of a small grid as a wide DataFrame: one column per axis, one per metric
    (the CLI's ``sweep --rows``)."""
    grid = sweep_arrays(scenario, max_points=max_points, catalog=catalog)
    return pd.DataFrame({**grid["axes"], **grid["metrics"]}, copy=False)


# --- the report ------------------------------------------------------------------------------

def report(*, mfu: Optional[float] = None, catalog: Catalog = None, rule: RuleWhatIf = None,
           backend: Optional[str] = None) -> Dict[str, pd.DataFrame]:
    """Every table of ``fleetcap report`` as a DataFrame, keyed by section:
    ``capacity_by_owner``, ``h20_vs_microsoft``, ``domestic_share``, ``capex``, ``verdicts``,
    ``serving_by_part``, ``serving_by_owner``. Ranges long (low/mid/high), verdicts one row per
    part x rule."""
    doc = run("report", *_options(dict(mfu=mfu)), catalog=catalog, rule=rule, backend=backend)
    tables: Dict[str, pd.DataFrame] = {}
    capacity = doc["capacity_by_owner"]
    tables["capacity_by_owner"] = long_table(capacity["owners"], ["owner", "country"])
    tables["capacity_by_owner"].attrs["fleet"] = capacity["fleet"]
    tables["h20_vs_microsoft"] = long_table(doc["h20_vs_microsoft"], ["fleet"])
    tables["domestic_share"] = long_table(doc["domestic_share"], ["fleet", "status"])
    capex_keys = [k for k, v in doc["capex"][0].items() if isinstance(v, str)] if doc["capex"] else []
    tables["capex"] = long_table(doc["capex"], capex_keys)
    tables["verdicts"] = pd.concat([_verdicts(p["verdicts"], doc, part=p["part"]) for p in doc["parts"]],
                                   ignore_index=True)
    serving = doc["serving"]
    by_part_keys = ["part", "profile", "chips_per_replica", "tp", "batch"]
    tables["serving_by_part"] = long_table(serving["parts"], by_part_keys, skip=("why",))
    tables["serving_by_owner"] = long_table(serving["owners_2024"], ["owner"])
    for name in ("serving_by_part", "serving_by_owner"):
        tables[name].attrs.update({k: serving[k] for k in ("model", "input_len", "output_len", "precision")})
    for table in tables.values():
        table.attrs.update(date=doc["date"], catalog=doc["catalog"], backend=doc["backend"])
    return tables
