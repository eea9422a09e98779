"""fleetcap.validate: every published run, labelled in-sample / held out / not fitted."""

import numpy as np
import pytest

import fleetcap


def test_every_run_is_labelled_and_errors_agree_with_the_cli():
    table = fleetcap.validate()
    assert set(table.kind) == {"training", "serving"}
    assert table.fit.str.len().gt(0).all()
    doc = fleetcap.run("validate")
    # Training: the CLI's per-set mean absolute error is the mean of the rows' |error|.
    for s in doc["run_sets"]:
        rows = table[(table.kind == "training") & (table.set == s["set"])]
        assert len(rows) == len(s["runs"])
        assert rows.error.abs().mean() == pytest.approx(s["mean_abs_error"], rel=1e-12)
        assert np.allclose(rows.error, rows.predicted / rows.published - 1, rtol=0, atol=1e-12)
    # Serving: a row fleetcap cannot predict is NaN with a reason, never a number.
    serving = table[table.kind == "serving"]
    unknown = serving[serving.predicted.isna()]
    assert len(unknown) > 0 and (unknown.why_not.str.len() > 0).all()
    for s in doc["serving_sets"]:
        if isinstance(s.get("mean_abs_error_not_fitted"), float):
            rows = serving[(serving.set == s["set"]) & serving.fit.str.startswith("not fitted") & serving.predicted.notna()]
            assert rows.error.abs().mean() == pytest.approx(s["mean_abs_error_not_fitted"], rel=1e-9)
