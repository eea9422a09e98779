#pragma once
// The sweep engine's per-point work: decode a grid index into inputs, run an evaluator (the same
// FC_HD formulas as the single-scenario commands), and fold the result into an accumulator.
// A "row" is one run of the innermost axis: decoding the outer digits once per row and stepping
// the innermost input in a plain loop keeps the per-point cost to the evaluator itself.

#include <cstdint>

#include "kernels/capacity.cuh"
#include "kernels/compliance.cuh"
#include "kernels/random.cuh"
#include "kernels/fc_hd.cuh"
#include "kernels/sweep_types.hpp"
#include "kernels/tpp.cuh"
#include "kernels/training.cuh"

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

// `bins` and `quantile_bins` bound the histogram entries in use (the rest stay zero), so rows
// that fold a short histogram do not pay for the whole array.
FC_HD inline sweep_accumulator sweep_merge(const sweep_accumulator& a, const sweep_accumulator& b, int objective_max,
                                           int bins = sweep_max_bins, int quantile_bins = sweep_max_quantile_bins)
{
  sweep_accumulator r = a;
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
  for (int h = 0; h < bins; ++h) {
    r.histogram[h] += b.histogram[h];
  }
  r.histogram_below += b.histogram_below;
  r.histogram_above += b.histogram_above;
  r.histogram_min = b.histogram_min < a.histogram_min ? b.histogram_min : a.histogram_min;
  r.histogram_max = b.histogram_max > a.histogram_max ? b.histogram_max : a.histogram_max;
  for (int h = 0; h < quantile_bins; ++h) {
    r.quantile_bins[h] += b.quantile_bins[h];
  }
  r.nonfinite += b.nonfinite;
  if (b.nonfinite > 0 && (a.nonfinite == 0 || b.nonfinite_index < a.nonfinite_index)) {
    r.nonfinite_index = b.nonfinite_index;
    r.nonfinite_metric = b.nonfinite_metric;
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

// --- evaluators -------------------------------------------------------------------------

// Simple training grid. Inputs: 0 params, 1 tokens, 2 chips, 3 mfu, 4 part index.
// Metrics: 0 seconds, 1 days, 2 flops, 3 fits (mixed-precision Adam state, 16 bytes per
// parameter, fully sharded over the chips, within HBM), 4 flops > 1e25, 5 flops > 1e26,
// 6 GPU-hours, 7 energy MWh at TDP.
FC_HD inline void evaluate_training_point(const sweep_config& c, const double* x, double* m)
{
  int index = static_cast<int>(x[4]);
  index = index < 0 ? 0 : (index >= c.part_count ? c.part_count - 1 : index);  // the host checks; stay in bounds
  const sweep_part& part = c.parts[index];
  const double flops = training_operations_6nd(x[0], x[1]);
  const double seconds = training_seconds(flops, x[2] * part.peak_flop_per_s, x[3]);
  // One division per point (the time itself); the unit conversions multiply by constants and
  // the memory test compares products, because divisions dominate the cost of this evaluator.
  m[0] = seconds;
  m[1] = seconds * (1.0 / 86400.0);
  m[2] = flops;
  m[3] = 16.0 * x[0] <= part.memory_bytes * x[2] ? 1.0 : 0.0;
  m[4] = flops > 1e25 ? 1.0 : 0.0;
  m[5] = flops > 1e26 ? 1.0 : 0.0;
  m[6] = x[2] * seconds * (1.0 / 3600.0);
  m[7] = x[2] * part.tdp_watts * seconds * (1.0 / 3.6e9);
}


// Layout search. Inputs: 0 tp, 1 pp, 2 micro-batch, 3 interleave, 4 recompute, 5 sequence
// parallel, 6 ZeRO stage, 7 chips, 8 global batch, 9 batch policy (0: the global batch must
// divide exactly; 1: round it down to a multiple of micro-batch x dp, as Calculon does), 10
// context-parallel size.
// Metrics: 0 step seconds, 1 MFU, 2 memory bytes per device, 3 usable (a valid layout that fits
// memory), 4 valid layout, 5 samples per second, 6 the global batch used, 7 layout_reason.
FC_HD inline void evaluate_layout_point(const sweep_config& c, const double* x, double* m)
{
  parallel_layout l{};
  l.tp = x[0];
  l.pp = x[1];
  l.micro_batch = x[2];
  l.interleave = x[3];
  l.recompute = static_cast<int>(x[4]);
  l.sequence_parallel = static_cast<int>(x[5]);
  l.zero = static_cast<int>(x[6]);
  const double chips = x[7];
  l.cp = x[10];
  l.dp = chips / (l.tp * l.pp * l.cp);
  const double per_step = l.micro_batch * l.dp;
  l.global_batch = x[9] != 0.0 ? floor(x[8] / per_step) * per_step : x[8];
  const transformer_shape& s = c.shape;
  // The same constraints as check_layout, as a reason code instead of an error.
  layout_reason why = layout_reason::usable;
  if (!(l.dp >= 1.0 && l.dp == floor(l.dp))) {
    why = layout_reason::chips_not_divisible;
  } else if (fmod(s.heads, l.tp) != 0.0) {
    why = layout_reason::heads_not_divisible;
  } else if (l.cp > 1.0 && fmod(s.seq, 2.0 * l.cp) != 0.0) {
    why = layout_reason::sequence_not_divisible;
  } else if (fmod(s.layers, l.pp * l.interleave) != 0.0) {
    why = layout_reason::layers_not_divisible;
  } else if (l.global_batch < per_step || fmod(l.global_batch, per_step) != 0.0) {
    why = layout_reason::batch_not_divisible;
  } else if (!(l.interleave == 1.0 || l.pp > 1.0)) {
    why = layout_reason::interleave_needs_pp;
  } else if (!(l.sequence_parallel == 0 || l.tp > 1.0)) {
    why = layout_reason::sp_needs_tp;
  } else if (l.zero >= 2 && l.pp > 1.0) {
    why = layout_reason::zero_with_pp;
  }
  for (int k = 0; k < 7; ++k) {
    m[k] = 0.0;
  }
  if (why != layout_reason::usable) {
    m[7] = static_cast<double>(static_cast<int>(why));
    return;
  }
  const step_estimate e = estimate_step(s, l, c.system);
  m[0] = e.step_seconds;
  m[1] = e.mfu;
  m[2] = e.memory.total;
  m[3] = e.fits ? 1.0 : 0.0;
  m[4] = 1.0;
  m[5] = l.global_batch / e.step_seconds;
  m[6] = l.global_batch;
  m[7] = e.fits ? 0.0 : static_cast<double>(static_cast<int>(layout_reason::out_of_memory));
}

// Compliance design space of hypothetical parts under the 2023 rule, thresholds as inputs.
// Inputs: 0 dense TOPS, 1 bit length, 2 die area mm^2, 3 data-centre flag, 4 a1_tpp_min,
// 5 b1_tpp_min, 6 b2_pd_min, 7 a2_pd_min. Metrics: 0 TPP, 1 PD, 2 is 3A090.a, 3 is 3A090.b,
// 4 not controlled, 5 exempt, 6 status code.
FC_HD inline void evaluate_compliance_point(const sweep_config& c, const double* x, double* m)
{
  rule_3a090_2023_params r = c.rule;
  r.a1_tpp_min = x[4];
  r.b1_tpp_min = x[5];
  r.b2_pd_min = x[6];
  r.a2_pd_min = x[7];
  r.b1_tpp_max = r.a1_tpp_min;
  r.non_datacenter_tpp_min = r.a1_tpp_min;
  part_compliance_inputs p{};
  p.tpp = tpp_of_format(x[0] * 1e12, static_cast<int>(x[1]));
  p.performance_density = performance_density(p.tpp, x[2] * 1e-6);
  p.data_center = x[3] != 0.0 ? 1 : 0;
  const verdict v = classify_3a090_2023(p, r);
  m[0] = p.tpp;
  m[1] = p.performance_density;
  m[2] = v.status == static_cast<int>(verdict_status::eccn_3a090_a) ? 1.0 : 0.0;
  m[3] = v.status == static_cast<int>(verdict_status::eccn_3a090_b) ? 1.0 : 0.0;
  m[4] = v.status == static_cast<int>(verdict_status::not_controlled) ? 1.0 : 0.0;
  m[5] = v.status == static_cast<int>(verdict_status::exempt) ? 1.0 : 0.0;
  m[6] = static_cast<double>(v.status);
}

// Capacity what-ifs over fleet mixes. Inputs 0..part_count-1: units of each part of the
// scenario's "parts" list. Metrics: 0 units, 1 H100e (8-bit basis, Epoch), 2 dense BF16 FLOP/s,
// 3 TPP, 4 TDP watts, 5 capex USD, 6 domestic share of units.
FC_HD inline void evaluate_capacity_point(const sweep_config& c, const double* x, double* m)
{
  double units = 0, h100e = 0, bf16 = 0, tpp = 0, watts = 0, capex = 0, domestic = 0;
  for (int p = 0; p < c.part_count; ++p) {
    const sweep_part& part = c.parts[p];
    const double n = x[p];
    units += n;
    h100e += n * h100e_per_unit(static_cast<int>(h100e_basis::int8), part.tpp, part.eight_bit_ops_per_s, part.peak_flop_per_s);
    bf16 += n * part.peak_flop_per_s;
    tpp += n * part.tpp;
    watts += n * part.tdp_watts;
    capex += n * part.price_usd;
    domestic += part.domestic ? n : 0.0;
  }
  m[0] = units;
  m[1] = h100e;
  m[2] = bf16;
  m[3] = tpp;
  m[4] = watts;
  m[5] = capex;
  m[6] = units > 0.0 ? domestic / units : 0.0;
}

FC_HD inline void evaluate_sweep_point(const sweep_config& c, const double* x, double* m)
{
  switch (c.evaluator) {
    case static_cast<int>(sweep_evaluator::capacity): evaluate_capacity_point(c, x, m); break;
    case static_cast<int>(sweep_evaluator::layout): evaluate_layout_point(c, x, m); break;
    case static_cast<int>(sweep_evaluator::compliance): evaluate_compliance_point(c, x, m); break;
    default: evaluate_training_point(c, x, m); break;
  }
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

// One valid point's histogram metric: its extremes, its equal-width bin (or below/above the
// range: nothing is folded into the end bins) and its quantile bin.
FC_HD FC_HOT_INLINE void sweep_fold_histogram(const sweep_config& c, double h, sweep_accumulator& a)
{
  a.histogram_min = h < a.histogram_min ? h : a.histogram_min;
  a.histogram_max = h > a.histogram_max ? h : a.histogram_max;
  if (h < c.histogram_low) {
    a.histogram_below += 1;
  } else if (h > c.histogram_high) {
    a.histogram_above += 1;
  } else {
    // Bin = floor((h - low) x bins / (high - low)); the scale is computed once by the host, and
    // h == high goes to the last bin (the range is closed).
    const int bin = static_cast<int>(floor((h - c.histogram_low) * c.histogram_scale));
    a.histogram[bin < c.histogram_bins ? bin : c.histogram_bins - 1] += 1;
  }
  a.quantile_bins[sweep_quantile_bin(c, h)] += 1;
}

FC_HD FC_HOT_INLINE void sweep_fold_point(const sweep_config& c, const double* m, std::uint64_t index, sweep_accumulator& a)
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

// One point's metrics from its global index (decode, draws, evaluate): what the host uses to
// sample a group before binning it, with the same formulas as the kernels.
FC_HD inline void sweep_point_metrics(const sweep_config& c, const double* values, std::uint64_t index, double* m)
{
  double x[sweep_max_inputs];
  const int inner = c.axis_count - 1;
  const std::uint64_t n = c.axis_size[inner];
  sweep_row_inputs(c, values, index / n, x);
  x[c.axis_input[inner]] = values[c.axis_offset[inner] + index % n];
  if (c.has_distributions) {
    sweep_apply_draws(c, x);
  }
  evaluate_sweep_point(c, x, m);
}

// Whether a point's metrics pass the scenario's filter (the points the objective, mean,
// histogram and quantiles see).
FC_HD inline bool sweep_point_valid(const sweep_config& c, const double* m)
{
  return c.filter_metric < 0 || sweep_predicate(m[c.filter_metric], c.filter_op, c.filter_value);
}

// Evaluates and folds every point of rows [first, first + count) into `a` (global point index =
// row x inner size + j). The evaluator is a template parameter so the per-point switch leaves
// the inner loop, and one accumulator serves the whole block: an accumulator is over 1 KB
// (histogram and quantile bins), and copying and merging one per row cost 45-70 % of the
// throughput on grids with short rows (layout-22b-64: 8 points per row).
template <int Evaluator>
FC_HD inline void sweep_rows_of(const sweep_config& c, const double* values, std::uint64_t first, std::uint64_t count,
                                sweep_accumulator& a)
{
  double x[sweep_max_inputs];
  double m[sweep_max_metrics];
  const int inner = c.axis_count - 1;
  const int slot = c.axis_input[inner];
  const std::uint64_t n = c.axis_size[inner];
  const double* inner_values = values + c.axis_offset[inner];
  for (std::uint64_t row = first; row < first + count; ++row) {
    sweep_row_inputs(c, values, row, x);
    for (std::uint64_t j = 0; j < n; ++j) {
      x[slot] = inner_values[j];
      if (c.has_distributions) {
        sweep_apply_draws(c, x);
      }
      if (Evaluator == static_cast<int>(sweep_evaluator::layout)) {
        evaluate_layout_point(c, x, m);
      } else if (Evaluator == static_cast<int>(sweep_evaluator::compliance)) {
        evaluate_compliance_point(c, x, m);
      } else if (Evaluator == static_cast<int>(sweep_evaluator::capacity)) {
        evaluate_capacity_point(c, x, m);
      } else {
        evaluate_training_point(c, x, m);
      }
      sweep_fold_point(c, m, row * n + j, a);
    }
  }
}

// The accumulator of rows [first, first + count): a block of rows, one work item of a launcher.
FC_HD inline sweep_accumulator sweep_row_block(const sweep_config& c, const double* values, std::uint64_t first,
                                               std::uint64_t count)
{
  sweep_accumulator a = sweep_empty(c.objective_max);
  switch (c.evaluator) {
    case static_cast<int>(sweep_evaluator::layout):
      sweep_rows_of<static_cast<int>(sweep_evaluator::layout)>(c, values, first, count, a);
      break;
    case static_cast<int>(sweep_evaluator::compliance):
      sweep_rows_of<static_cast<int>(sweep_evaluator::compliance)>(c, values, first, count, a);
      break;
    case static_cast<int>(sweep_evaluator::capacity):
      sweep_rows_of<static_cast<int>(sweep_evaluator::capacity)>(c, values, first, count, a);
      break;
    default: sweep_rows_of<static_cast<int>(sweep_evaluator::training)>(c, values, first, count, a); break;
  }
  return a;
}

}  // namespace fleetcap
