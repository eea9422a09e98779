#pragma once
// Calibration objective: the mean absolute relative error of the step-time model over measured
// runs, for one point of the efficiency-parameter grid. Runs with `skip` set are left out
// (leave-one-out validation).

#include <cstdint>

#include "kernels/calibrate_types.hpp"
#include "kernels/fc_hd.cuh"
#include "kernels/training.cuh"

namespace fleetcap {

FC_HD inline double grid_axis_value(const calibration_grid& g, int axis, std::uint64_t i)
{
  if (g.count[axis] <= 1) {
    return g.low[axis];
  }
  return g.low[axis] + (g.high[axis] - g.low[axis]) * static_cast<double>(i) / static_cast<double>(g.count[axis] - 1);
}

FC_HD inline std::uint64_t calibration_points(const calibration_grid& g)
{
  std::uint64_t n = 1;
  for (int a = 0; a < calibration_axes; ++a) {
    n *= g.count[a];
  }
  return n;
}

FC_HD inline system_figures grid_point(const calibration_grid& g, const system_figures& base, std::uint64_t index)
{
  std::uint64_t rest = index;
  std::uint64_t digit[calibration_axes];
  for (int a = calibration_axes - 1; a >= 0; --a) {
    digit[a] = rest % g.count[a];
    rest /= g.count[a];
  }
  system_figures s = base;
  s.matmul_max = grid_axis_value(g, 0, digit[0]);
  s.matmul_half_size = grid_axis_value(g, 1, digit[1]);
  s.scale_up_collective = grid_axis_value(g, 2, digit[2]);
  s.scale_out_collective = grid_axis_value(g, 3, digit[3]);
  s.dp_overlap = grid_axis_value(g, 4, digit[4]);
  return s;
}

// Relative error of one run: predicted vs measured TFLOP/s per GPU (Megatron's count), or step
// time when that is what was measured.
FC_HD inline double run_relative_error(const calibration_run& r, const system_figures& s)
{
  const step_estimate e = estimate_step(r.shape, r.layout, s);
  if (r.measured_step_seconds > 0.0) {
    return fabs(e.step_seconds - r.measured_step_seconds) / r.measured_step_seconds;
  }
  const double gpus = r.layout.tp * r.layout.pp * r.layout.dp;
  const double predicted = megatron_flop_per_step(r.shape, r.layout.global_batch) / (e.step_seconds * gpus);
  return fabs(predicted - r.measured_flop_per_s_per_gpu) / r.measured_flop_per_s_per_gpu;
}

FC_HD inline double calibration_error(const calibration_run* runs, int run_count, int skip, const calibration_grid& g,
                                      const system_figures& base, std::uint64_t index)
{
  const system_figures s = grid_point(g, base, index);
  double sum = 0.0;
  int used = 0;
  for (int i = 0; i < run_count; ++i) {
    if (i == skip) {
      continue;
    }
    sum += run_relative_error(runs[i], s);
    ++used;
  }
  return used > 0 ? sum / used : 0.0;
}

// Reduction: the smaller error wins; equal errors go to the lower index (deterministic).
FC_HD inline calibration_best better_of(const calibration_best& a, const calibration_best& b)
{
  if (a.error < b.error) {
    return a;
  }
  if (b.error < a.error) {
    return b;
  }
  return a.index <= b.index ? a : b;
}

}  // namespace fleetcap
