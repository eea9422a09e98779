#pragma once
// The sweep engine's per-point work: decode a grid index into inputs, run an evaluator (the same
// FC_HD formulas as the single-scenario commands), and fold the result into an accumulator.
// A "row" is one run of the innermost axis: decoding the outer digits once per row and stepping
// the innermost input in a plain loop keeps the per-point cost to the evaluator itself.

#include <cmath>
#include <cstdint>

#include "kernels/fc_hd.cuh"
#include "kernels/random.cuh"
#include "kernels/sweep_types.hpp"

namespace fleetcap {

FC_HD inline sweep_accumulator sweep_empty(int objective_max)
{
  sweep_accumulator a{};
  a.best = objective_max ? -1e308 : 1e308;
  a.worst = objective_max ? 1e308 : -1e308;
  a.best_index = ~std::uint64_t{0};
  a.worst_index = ~std::uint64_t{0};
  a.nonfinite_index = ~std::uint64_t{0};
  a.nonfinite_metric = -1;
  a.histogram_min = 1e308;
  a.histogram_max = -1e308;
  return a;
}

// "Better" in the objective's direction, ties to the lower index.
FC_HD inline bool sweep_better(double v, std::uint64_t i, double best, std::uint64_t best_index, int objective_max)
{
  if (objective_max ? v > best : v < best) {
    return true;
  }
  return v == best && i < best_index;
}

// The fields every fold state has (the accumulator, and the CUDA path's per-thread state, whose
// histograms live in shared memory): counts, extremes with their indices, the sum, the
// histogram metric's extremes and the first non-finite point. r starts as a copy of a.
template <class A>
FC_HD inline void sweep_merge_scalars(A& r, const A& a, const A& b, int objective_max)
{
  r.points += b.points;
  r.valid += b.valid;
  if (b.valid > 0 && (a.valid == 0 || sweep_better(b.best, b.best_index, a.best, a.best_index, objective_max))) {
    r.best = b.best;
    r.best_index = b.best_index;
  }
  if (b.valid > 0 && (a.valid == 0 || sweep_better(b.worst, b.worst_index, a.worst, a.worst_index, !objective_max))) {
    r.worst = b.worst;
    r.worst_index = b.worst_index;
  }
  r.sum += b.sum;
  for (int p = 0; p < sweep_max_predicates; ++p) {
    r.predicate[p] += b.predicate[p];
  }
  r.histogram_min = b.histogram_min < a.histogram_min ? b.histogram_min : a.histogram_min;
  r.histogram_max = b.histogram_max > a.histogram_max ? b.histogram_max : a.histogram_max;
  r.nonfinite += b.nonfinite;
  if (b.nonfinite > 0 && (a.nonfinite == 0 || b.nonfinite_index < a.nonfinite_index)) {
    r.nonfinite_index = b.nonfinite_index;
    r.nonfinite_metric = b.nonfinite_metric;
  }
}

// `bins` and `quantile_bins` bound the histogram entries in use (the rest stay zero), so rows
// that fold a short histogram do not pay for the whole array.
FC_HD inline sweep_accumulator sweep_merge(const sweep_accumulator& a, const sweep_accumulator& b, int objective_max,
                                           int bins = sweep_max_bins, int quantile_bins = sweep_max_quantile_bins)
{
  sweep_accumulator r = a;
  sweep_merge_scalars(r, a, b, objective_max);
  for (int h = 0; h < bins; ++h) {
    r.histogram[h] += b.histogram[h];
  }
  r.histogram_below += b.histogram_below;
  r.histogram_above += b.histogram_above;
  for (int h = 0; h < quantile_bins; ++h) {
    r.quantile_bins[h] += b.quantile_bins[h];
  }
  return r;
}

FC_HD inline int sweep_histogram_bins_in_use(const sweep_config& c)
{
  return c.histogram_metric >= 0 ? c.histogram_bins : 0;
}

FC_HD inline int sweep_quantile_bins_in_use(const sweep_config& c)
{
  return c.histogram_metric >= 0 ? c.quantile_edge_count + 1 : 0;
}

FC_HD inline bool sweep_predicate(double v, int op, double line)
{
  switch (op) {
    case static_cast<int>(sweep_op::less): return v < line;
    case static_cast<int>(sweep_op::less_equal): return v <= line;
    case static_cast<int>(sweep_op::greater): return v > line;
    case static_cast<int>(sweep_op::greater_equal): return v >= line;
    case static_cast<int>(sweep_op::not_equal): return v != line;
    default: return v == line;
  }
}

// The number of quantile edges at or below v: its bin. A branch-free binary search over the
// 64-entry table (unused entries are +infinity, set by the host): six steps with no
// data-dependent branch, where a branchy search mispredicts about half its steps.
FC_HD FC_HOT_INLINE int sweep_quantile_bin(const sweep_config& c, double v)
{
  static_assert(sweep_max_quantile_edges == 64, "the search below takes 6 steps of 32, 16, ..., 1");
  int i = 0;
  for (int step = 32; step > 0; step >>= 1) {
    i += c.quantile_edges[i + step - 1] <= v ? step : 0;
  }
  return i;
}

// The equal-width class of a histogram value: -1 below the range, `bins` above it (nothing is
// folded into the end bins), else bin = floor((h - low) x bins / (high - low)), the scale
// computed once by the host, and h == high in the last bin (the range is closed). Non-decreasing
// in h, since the subtraction and the multiplication by a positive scale round monotonically
// (the CPU's sorted-run fold relies on it).
FC_HD FC_HOT_INLINE int sweep_histogram_class(const sweep_config& c, double h)
{
  if (h < c.histogram_low) {
    return -1;
  }
  if (h > c.histogram_high) {
    return c.histogram_bins;
  }
  const int bin = static_cast<int>(floor((h - c.histogram_low) * c.histogram_scale));
  return bin < c.histogram_bins ? bin : c.histogram_bins - 1;
}

FC_HD FC_HOT_INLINE void sweep_add_to_class(const sweep_config& c, int cls, std::uint64_t k, sweep_accumulator& a)
{
  if (cls < 0) {
    a.histogram_below += k;
  } else if (cls >= c.histogram_bins) {
    a.histogram_above += k;
  } else {
    a.histogram[cls] += k;
  }
}

// One valid point's histogram metric: its extremes, its equal-width class and its quantile bin.
// (The CUDA path's per-thread state has its own overload, found by argument-dependent lookup,
// that counts into shared memory.)
FC_HD FC_HOT_INLINE void sweep_fold_histogram(const sweep_config& c, double h, sweep_accumulator& a)
{
  a.histogram_min = h < a.histogram_min ? h : a.histogram_min;
  a.histogram_max = h > a.histogram_max ? h : a.histogram_max;
  sweep_add_to_class(c, sweep_histogram_class(c, h), 1, a);
  a.quantile_bins[sweep_quantile_bin(c, h)] += 1;
}

// One point's metrics into a fold state A (sweep_accumulator, or the CUDA path's per-thread
// state: the same fields, see sweep_merge_scalars).
template <class A>
FC_HD FC_HOT_INLINE void sweep_fold_point(const sweep_config& c, const double* m, std::uint64_t index, A& a)
{
  a.points += 1;
  // x * 0 is 0 for every finite x and NaN for NaN and both infinities (IEEE 754 sec. 7.2), and
  // a sum of zeros cannot overflow: one multiply-add per checked metric and one compare per
  // point, the same on every backend; only a failing point looks for its first bad metric. The
  // point is still folded; the host refuses the run when any point was non-finite.
  double zero = 0.0;
  for (int k = 0; k < c.checked_count; ++k) {
    zero += m[c.checked_metric[k]] * 0.0;
  }
  if (zero != 0.0) {
    int bad = 0;
    while (bad < c.checked_count - 1 && m[c.checked_metric[bad]] * 0.0 == 0.0) {
      ++bad;
    }
    if (a.nonfinite == 0 || index < a.nonfinite_index) {
      a.nonfinite_index = index;
      a.nonfinite_metric = c.checked_metric[bad];
    }
    a.nonfinite += 1;
  }
  // Predicates count among all points; the filter selects the points the objective, mean and
  // histogram see.
  for (int p = 0; p < c.predicate_count; ++p) {
    if (sweep_predicate(m[c.predicate_metric[p]], c.predicate_op[p], c.predicate_value[p])) {
      a.predicate[p] += 1;
    }
  }
  if (c.filter_metric >= 0 && !sweep_predicate(m[c.filter_metric], c.filter_op, c.filter_value)) {
    return;
  }
  a.valid += 1;
  const double v = m[c.objective_metric];
  if (sweep_better(v, index, a.best, a.best_index, c.objective_max)) {
    a.best = v;
    a.best_index = index;
  }
  if (sweep_better(v, index, a.worst, a.worst_index, !c.objective_max)) {
    a.worst = v;
    a.worst_index = index;
  }
  a.sum += v;
  if (c.histogram_metric >= 0) {
    sweep_fold_histogram(c, m[c.histogram_metric], a);
  }
}

// The inputs of the first point of a row: fixed values, then each axis's value for the row's
// digits. `row` counts rows from the start of the whole grid; a row is the innermost axis.
FC_HD inline void sweep_row_inputs(const sweep_config& c, const double* values, std::uint64_t row, double* x)
{
  for (int i = 0; i < sweep_max_inputs; ++i) {
    x[i] = c.fixed[i];
  }
  std::uint64_t rest = row;
  for (int a = c.axis_count - 2; a >= 0; --a) {
    const std::uint64_t digit = rest % c.axis_size[a];
    rest /= c.axis_size[a];
    x[c.axis_input[a]] = values[c.axis_offset[a] + digit];
  }
}

// A Monte Carlo input's value for one sample: counter-based draws (kernels/random.cuh) keyed by
// (seed, input slot, sample), so every backend, tiling and shard draws the same numbers.
FC_HD inline double sweep_draw(const sweep_config& c, int slot, std::uint64_t sample)
{
  const double a = c.distribution_a[slot], b = c.distribution_b[slot], cc = c.distribution_c[slot];
  const std::uint64_t stream = 0x5EEDull + static_cast<std::uint64_t>(slot);
  switch (c.distribution[slot]) {
    case static_cast<int>(sweep_distribution::uniform): return a + (b - a) * uniform_open(c.seed, stream, sample);
    case static_cast<int>(sweep_distribution::normal):
    case static_cast<int>(sweep_distribution::lognormal): {
      // Box-Muller (Box and Muller 1958) from two draws of the same sample.
      const double u1 = uniform_open(c.seed, stream, 2 * sample);
      const double u2 = uniform_open(c.seed, stream, 2 * sample + 1);
      const double z = sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
      const double v = a + b * z;
      return c.distribution[slot] == static_cast<int>(sweep_distribution::normal) ? v : exp(v);
    }
    case static_cast<int>(sweep_distribution::triangular):
      return triangular_from_uniform(a, b, cc, uniform_open(c.seed, stream, sample));
    case static_cast<int>(sweep_distribution::pert): return pert_from_stream(a, b, cc, c.seed, stream, sample);
    default: return c.fixed[slot];
  }
}

FC_HD inline void sweep_apply_draws(const sweep_config& c, double* x)
{
  const auto sample = static_cast<std::uint64_t>(x[sweep_sample_slot]);
  for (int i = 0; i < sweep_max_inputs; ++i) {
    if (c.distribution[i] != 0) {
      x[i] = sweep_draw(c, i, sample);
    }
  }
}

// The inputs of one point from its global index (decode, draws): what the host uses to sample
// a group before binning it and to print rows, with the same formulas as the kernels.
FC_HD inline void sweep_point_inputs(const sweep_config& c, const double* values, std::uint64_t index, double* x)
{
  const int inner = c.axis_count - 1;
  const std::uint64_t n = c.axis_size[inner];
  sweep_row_inputs(c, values, index / n, x);
  x[c.axis_input[inner]] = values[c.axis_offset[inner] + index % n];
  if (c.has_distributions) {
    sweep_apply_draws(c, x);
  }
}

// Whether a point's metrics pass the scenario's filter (the points the objective, mean,
// histogram and quantiles see).
FC_HD inline bool sweep_point_valid(const sweep_config& c, const double* m)
{
  return c.filter_metric < 0 || sweep_predicate(m[c.filter_metric], c.filter_op, c.filter_value);
}

}  // namespace fleetcap

#include "kernels/sweep_block_fold.cuh"

namespace fleetcap {

// Evaluates and folds every point of rows [first, first + count) (global point index = row x
// inner size + j) with evaluator E (kernels/evaluators/) on the CPU: Block points at a time into
// one array per metric, folded with vector reductions (kernels/sweep_block_fold.cuh), one
// accumulator for all the rows (an accumulator is over 1 KB, and copying and merging one per row
// cost 45-70 % of the throughput on grids with short rows: layout-22b-64 has 8 points a row).
// The CUDA backend folds points in registers and warps instead (kernels/sweep_tile.cuh).
template <class E, int Block>
inline sweep_accumulator sweep_row_block(const sweep_config& c, const double* values, std::uint64_t first, std::uint64_t count)
{
  static_assert(Block > 1, "the CPU path folds blocks of points");
  return sweep_rows_in_blocks<E, Block>(c, values, first, count);
}

}  // namespace fleetcap
