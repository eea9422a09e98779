#pragma once
// Plain data for the sweep engine: a grid's axes, the evaluator's fixed inputs and tables, the
// reductions asked for, and the accumulator they fill. No CUDA or Thrust types.

#include <cstdint>

#include "kernels/compliance_types.hpp"
#include "kernels/serving_types.hpp"
#include "kernels/training_types.hpp"

namespace fleetcap {

inline constexpr int sweep_max_axes = 12;
inline constexpr int sweep_max_inputs = 16;
inline constexpr int sweep_max_metrics = 8;
inline constexpr int sweep_max_predicates = 4;
inline constexpr int sweep_max_bins = 32;
inline constexpr int sweep_max_parts = 32;
inline constexpr int sweep_max_models = 8;
// Quantile bins: up to 64 edges placed per group from a sample of it (host/src/sweep_bins.cpp),
// so 65 bins: below the first edge, between edges, at or above the last.
inline constexpr int sweep_max_quantile_edges = 64;
inline constexpr int sweep_max_quantile_bins = sweep_max_quantile_edges + 1;

enum class sweep_evaluator : int { training = 0, layout = 1, compliance = 2, capacity = 3, serving = 4 };

// A scenario input drawn per sample (Monte Carlo), parameters a, b, c as listed.
enum class sweep_distribution : int {
  none = 0,
  uniform = 1,     // low, high
  normal = 2,      // mean, sd
  lognormal = 3,   // mu, sigma of the logarithm
  triangular = 4,  // low, mode, high
  pert = 5,        // low, mode, high
};

// Input slots the engine uses for itself: the sample index of a Monte Carlo scenario, and the
// placeholder of a grid with only group axes.
inline constexpr int sweep_sample_slot = 14;
inline constexpr int sweep_scratch_slot = 15;

enum class sweep_op : int { less = 0, less_equal = 1, greater = 2, greater_equal = 3, equal = 4, not_equal = 5 };

// Per-part figures the evaluators look up by part index (an axis of part ids).
struct sweep_part {
  double peak_flop_per_s;  // dense peak at the training precision
  double memory_bytes;
  double tdp_watts;
  // Capacity evaluator (0 where unknown).
  double tpp;
  double eight_bit_ops_per_s;
  double price_usd;
  int domestic;  // vendor in the scenario's domestic country
};

// Serving evaluator: a part's serving figures (memory, links, its profile's efficiencies) and its
// dense peaks by weight width (16-bit: BF16, else FP16; 8-bit: FP8, else INT8; 4-bit: FP4); 0
// where the part has none. The figures' own peak fields are set per point from these.
struct sweep_serving_part {
  double peak_16bit;
  double peak_8bit;
  double peak_4bit;
  serving_figures figures;
};

// Serving evaluator: a model's shape and attention cache (a "model" axis indexes these).
struct sweep_serving_model {
  transformer_shape shape;
  latent_attention mla;
};

struct sweep_config {
  int evaluator;
  // Axes in engine order: group axes first, then the others; the last is the innermost.
  int axis_count;
  int group_axis_count;
  int axis_input[sweep_max_axes];
  std::uint64_t axis_size[sweep_max_axes];
  std::uint64_t axis_offset[sweep_max_axes];  // into the values table
  double fixed[sweep_max_inputs];            // inputs not on an axis
  // Monte Carlo inputs: drawn per point from (seed, input slot, sample index).
  int distribution[sweep_max_inputs];
  double distribution_a[sweep_max_inputs];
  double distribution_b[sweep_max_inputs];
  double distribution_c[sweep_max_inputs];
  int has_distributions;
  std::uint64_t seed;
  // Reductions.
  int objective_metric;
  int objective_max;   // 0: min/argmin, 1: max/argmax
  int filter_metric;   // -1: none; else a point counts only where metric <op> value holds
  int filter_op;
  double filter_value;
  int predicate_count;
  int predicate_metric[sweep_max_predicates];
  int predicate_op[sweep_max_predicates];
  double predicate_value[sweep_max_predicates];
  // Histogram of one metric over the valid points: `bins` equal bins on [low, high] (the last
  // closed), points below and above counted apart, never folded into the end bins. The host
  // sets low/high per group when the scenario leaves them to the data.
  int histogram_metric;  // -1: none
  int histogram_bins;
  double histogram_low;
  double histogram_high;
  double histogram_scale;  // bins / (high - low), set by the host; 0 when low == high
  // Quantile bins of the same metric: sorted edges, set per group by the host; bin k counts
  // edge[k-1] <= v < edge[k] (bin 0: v < edge[0]; bin count: v >= the last edge).
  int quantile_edge_count;
  double quantile_edges[sweep_max_quantile_edges];
  // Metrics checked per point for NaN or infinity: those the reductions above read.
  int checked_count;
  int checked_metric[sweep_max_metrics];
  // Evaluator tables.
  int part_count;
  sweep_part parts[sweep_max_parts];
  transformer_shape shape;         // layout evaluator
  system_figures system;           // layout evaluator
  rule_3a090_2023_params rule;     // compliance evaluator
  int serving_model_count;         // serving evaluator
  sweep_serving_model serving_models[sweep_max_models];
  sweep_serving_part serving_parts[sweep_max_parts];
};

// Reduction state of a range of points. Ties go to the lowest index.
struct sweep_accumulator {
  std::uint64_t points;
  std::uint64_t valid;
  double best;
  std::uint64_t best_index;
  double worst;
  std::uint64_t worst_index;
  double sum;
  std::uint64_t predicate[sweep_max_predicates];
  std::uint64_t histogram[sweep_max_bins];
  std::uint64_t histogram_below;  // valid points under the histogram's low end
  std::uint64_t histogram_above;  // and over its high end
  double histogram_min;           // exact extremes of the histogram metric over valid points
  double histogram_max;
  std::uint64_t quantile_bins[sweep_max_quantile_bins];
  // Points where some metric came out NaN or infinite (an input outside what the formulas can
  // represent): the host refuses the run and names the lowest such point and its first metric.
  std::uint64_t nonfinite;
  std::uint64_t nonfinite_index;
  int nonfinite_metric;
};

// Why a layout is not usable, in the order the checks run (metric 7 of the layout evaluator).
enum class layout_reason : int {
  usable = 0,
  chips_not_divisible = 1,   // tp x cp x pp does not divide the chips
  heads_not_divisible = 2,   // tp does not divide the attention heads
  layers_not_divisible = 3,  // pp x interleave does not divide the layers
  batch_not_divisible = 4,   // micro-batch x dp does not divide the global batch (or exceeds it)
  interleave_needs_pp = 5,
  sp_needs_tp = 6,
  zero_with_pp = 7,          // ZeRO 2/3 with pipeline parallelism (DeepSpeed does not support it)
  out_of_memory = 8,
  sequence_not_divisible = 9,  // 2 x cp does not divide the sequence
  ep_not_divisible = 10,       // ep does not divide the routed experts or dp x cp (or the model is dense)
};
inline constexpr int layout_reason_count = 11;

}  // namespace fleetcap
