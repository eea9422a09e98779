"""fleetcap.sweep against brute force over every point (sweep_points)."""

import math

import numpy as np
import pytest

import fleetcap


def test_points_are_numpy_arrays_without_copies(small_design_space):
    grid = fleetcap.sweep_arrays("small-design-space", catalog=small_design_space)
    assert grid["points"] == 2 * 3 * 9 * 40
    tpp = grid["metrics"]["tpp"]
    assert isinstance(tpp, np.ndarray) and tpp.dtype == np.float64 and tpp.shape == (grid["points"],)
    assert tpp.flags.owndata is False  # the buffer belongs to the library's allocation
    # TPP = dense TOPS x bit length (BIS 3A090 Technical Note).
    assert np.allclose(tpp, grid["axes"]["dense_tops"] * grid["axes"]["bit_length"], rtol=1e-12)


def test_reductions_equal_brute_force(small_design_space):
    points = fleetcap.sweep_points("small-design-space", catalog=small_design_space)
    table = fleetcap.sweep("small-design-space", catalog=small_design_space, backend="cpu")
    assert set(table.b1_tpp_min) == {1600, 2400}
    for line, group in points.groupby("b1_tpp_min"):
        rows = table[table.b1_tpp_min == line]
        kept = group[group.not_controlled == 1]
        tpp = rows[rows.metric == "tpp"].iloc[0]
        assert tpp.points == len(group) and tpp.valid == len(kept)
        assert tpp["max"] == kept.tpp.max() and tpp["min"] == kept.tpp.min()
        assert tpp["mean"] == pytest.approx(kept.tpp.mean(), rel=1e-12)
        count = rows[rows.metric == "designs_not_controlled"].iloc[0]["count"]
        assert count == (group.not_controlled == 1).sum()
        # Quantiles: the k-th smallest value, k = ceil(p n), inside the printed bound, and the
        # bound inside [min, max].
        values = np.sort(kept.tpp.to_numpy())
        for p in (5, 50, 95):
            exact = values[math.ceil(p / 100 * len(values)) - 1]
            low, high = tpp[f"p{p}_low"], tpp[f"p{p}_high"]
            assert low <= exact <= high
            assert tpp["min"] <= low and high <= tpp["max"]
            assert low <= tpp[f"p{p}"] <= high


def test_cells_a_row_does_not_have_are_missing_not_nan(small_design_space):
    table = fleetcap.sweep("small-design-space", catalog=small_design_space, backend="cpu")
    counts = table[table.metric == "designs_not_controlled"]
    stats = table[table.metric == "tpp"]
    assert len(counts) > 0 and len(stats) > 0
    assert str(table["count"].dtype) == "Int64"
    for column in ("min", "mean", "max", "p5", "p50_low", "p95_high"):
        assert str(table[column].dtype) == "Float64"
        assert counts[column].isna().all() and not stats[column].isna().any()
        assert not np.isnan(table[column].to_numpy(dtype=float, na_value=0.0)).any()
    assert stats["count"].isna().all() and not counts["count"].isna().any()
    # Counts stay whole numbers, not floats.
    assert all(isinstance(v, (int, np.integer)) for v in counts["count"].tolist())


def test_shards_cover_the_grid(small_design_space):
    whole = fleetcap.sweep("small-design-space", catalog=small_design_space)
    halves = [fleetcap.sweep("small-design-space", shard=f"{k}/2", catalog=small_design_space) for k in (0, 1)]
    counts = [t[t.metric == "designs_not_controlled"] for t in (whole, *halves)]
    assert counts[0].points.sum() == 2 * 3 * 9 * 40
    assert counts[1].points.sum() + counts[2].points.sum() == counts[0].points.sum()
    counted = sum(h[h.metric == "designs_not_controlled"]["count"].sum() for h in halves)
    assert counted == whole[whole.metric == "designs_not_controlled"]["count"].sum()


def test_points_refuse_non_finite_metrics_rather_than_return_nan(small_design_space):
    grid = fleetcap.sweep_arrays("small-design-space", catalog=small_design_space)
    for values in grid["metrics"].values():
        assert np.isfinite(values).all()
