#pragma once
// A batch of a group's points evaluated for the host's sample (host/src/sweep_sample.cpp): the
// histogram metric at each point and whether the filter keeps it, from which the host places the
// group's quantile bins before the group is folded.
//
// Inputs are decoded point by point (an index's digits, then any Monte Carlo draws) into one
// array per input slot; the evaluator then runs across the batch in one loop the compiler can
// vectorise, as in the block loop (kernels/sweep_block_fold.cuh). One point at a time through
// the evaluator's function pointer took about 30 ns a point on the compliance map (its select
// chain compiled to branches, which mispredict on a random sample), 60 % of planning its bins.

#include <cstdint>
#include <utility>

#include "kernels/fc_hd.cuh"
#include "kernels/sweep.cuh"
#include "kernels/sweep_types.hpp"

namespace fleetcap {

// The inputs of points index[0..nb), as sweep_point_inputs makes them (the same digits, values
// and draws), input slot i of point j at xs[i * B + j].
// Every slot is filled with its fixed value first, a vector fill, and the axes' digits written
// over it: copying each point's 16 inputs in one at a time took a sixth of the sample's time.
template <int B>
inline void sweep_gather_inputs(const sweep_config& c, const double* values, const std::uint64_t* index, int nb, double* xs)
{
  for (int i = 0; i < sweep_max_inputs; ++i) {
    for (int j = 0; j < nb; ++j) {
      xs[i * B + j] = c.fixed[i];
    }
  }
  for (int j = 0; j < nb; ++j) {
    std::uint64_t rest = index[j];
    for (int a = c.axis_count - 1; a >= 0; --a) {
      const std::uint64_t q = rest / c.axis_size[a];
      xs[c.axis_input[a] * B + j] = values[c.axis_offset[a] + (rest - q * c.axis_size[a])];
      rest = q;
    }
  }
  if (c.has_distributions) {
    for (int j = 0; j < nb; ++j) {
      double x[sweep_max_inputs];
      for (int i = 0; i < sweep_max_inputs; ++i) {
        x[i] = xs[i * B + j];
      }
      sweep_apply_draws(c, x);
      for (int i = 0; i < sweep_max_inputs; ++i) {
        xs[i * B + j] = x[i];
      }
    }
  }
}

// Points a batch holds: its inputs and metrics (up to 24 x 256 doubles, 48 KiB) are local arrays.
inline constexpr int sweep_sample_batch = 256;

template <class E, int B, int... I, int... K>
FC_HOT_INLINE void sweep_evaluate_gathered(const sweep_config& __restrict__ c, const double* __restrict__ xs, int nb,
                                           double* __restrict__ mb, std::integer_sequence<int, I...>,
                                           std::integer_sequence<int, K...>)
{
  // As sweep_evaluate_block: copies without loops, so the evaluator alone is left in the loop.
  for (int j = 0; j < nb; ++j) {
    const double xl[sizeof...(I)] = {xs[I * B + j]...};
    double m[sweep_max_metrics];
    E::evaluate(c, xl, m);
    ((mb[K * B + j] = m[K]), ...);
  }
}

// The same for metric k alone, for evaluators that declare metric_passes (as
// sweep_evaluate_metrics): GCC vectorises the compliance evaluator for one metric, not for all.
template <class E, int B, int... K>
FC_HOT_INLINE void sweep_evaluate_gathered_metric(int k, const sweep_config& c, const double* xs, int nb, double* mb,
                                                  std::integer_sequence<int, K...>)
{
  ((k == K ? (sweep_evaluate_gathered<E, B>(c, xs, nb, mb, std::make_integer_sequence<int, sweep_max_inputs>{},
                                            std::integer_sequence<int, K>{}),
              0)
           : 0),
   ...);
}

// value[j] = the histogram metric at point index[j], keep[j] = 1 where the filter keeps it (as
// sweep_point_valid), for j < n. The same inputs and formulas as sweep_point_inputs and E::evaluate
// one point at a time, so the same numbers bit for bit (no contraction: CMakeLists.txt).
template <class E>
FC_CPU_CLONES FC_FLATTEN void sweep_sample_points(const sweep_config& c, const double* values, const std::uint64_t* index,
                                                  std::size_t n, double* value, unsigned char* keep)
{
  constexpr int B = sweep_sample_batch;
  constexpr int metrics = static_cast<int>(E::metrics.size());
  double xs[sweep_max_inputs * B];
  double mb[metrics * B];
  for (std::size_t j0 = 0; j0 < n; j0 += B) {
    const int nb = n - j0 < static_cast<std::size_t>(B) ? static_cast<int>(n - j0) : B;
    sweep_gather_inputs<B>(c, values, index + j0, nb, xs);
    const int hm = c.histogram_metric >= 0 ? c.histogram_metric : 0;
    const int fm = c.filter_metric >= 0 ? c.filter_metric : hm;
    if constexpr (sweep_has_metric_passes<E>::value) {
      const int read[2] = {hm, fm};
      for (int q = 0; q < (fm != hm ? 2 : 1); ++q) {
        sweep_evaluate_gathered_metric<E, B>(read[q], c, xs, nb, mb, std::make_integer_sequence<int, metrics>{});
      }
    } else {
      sweep_evaluate_gathered<E, B>(c, xs, nb, mb, std::make_integer_sequence<int, sweep_max_inputs>{},
                                    std::make_integer_sequence<int, metrics>{});
    }
    const double* h = mb + hm * B;
    const double* f = mb + fm * B;
    for (int j = 0; j < nb; ++j) {
      value[j0 + static_cast<std::size_t>(j)] = h[j];
      keep[j0 + static_cast<std::size_t>(j)] =
          c.filter_metric < 0 || sweep_predicate(f[j], c.filter_op, c.filter_value) ? 1 : 0;
    }
  }
}

}  // namespace fleetcap
