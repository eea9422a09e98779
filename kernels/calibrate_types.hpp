#pragma once
// Plain data for calibration: measured runs and the grid of efficiency parameters.

#include <cstdint>

#include "kernels/training_types.hpp"

namespace fleetcap {

struct calibration_run {
  transformer_shape shape;
  parallel_layout layout;
  double measured_flop_per_s_per_gpu;  // Megatron's FLOP count / step time / GPUs; 0 if step time given
  double measured_step_seconds;        // 0 if FLOP/s given
};

// Five linear axes: matmul_max, matmul_half_size, scale_up_collective, scale_out_collective,
// dp_overlap. Point i decodes in mixed radix with matmul_max varying slowest.
inline constexpr int calibration_axes = 5;

struct calibration_grid {
  double low[calibration_axes];
  double high[calibration_axes];
  std::uint64_t count[calibration_axes];
};

struct calibration_best {
  double error;          // mean absolute relative error over the runs used
  std::uint64_t index;   // grid point (lowest index among equal errors)
};

}  // namespace fleetcap
