#pragma once
// Sweep evaluator "training": the simple training grid (Level 1 of `fleetcap train`).

#include <array>
#include <cmath>

#include "kernels/fc_hd.cuh"
#include "kernels/sweep_evaluator.hpp"
#include "kernels/sweep_types.hpp"
#include "kernels/training.cuh"

namespace fleetcap {

struct training_evaluator {
  static constexpr const char* name = "training";
  static constexpr std::array<sweep_input, 5> inputs = {{
      sweep_input_positive("params", 1e30, "expected a positive number up to 1e30"),
      sweep_input_positive("tokens", 1e30, "expected a positive number up to 1e30"),
      sweep_input_positive("chips", 1e30, "expected a positive number up to 1e30"),
      {"mfu", 0.4, 0.0, true, 1.0, false, "expected a fraction in (0, 1]"},
      sweep_input_any("part"),  // a part axis or "fixed": {"part": ID}; the host checks the index
  }};
  static constexpr std::array<const char*, 8> metrics = {
      {"seconds", "days", "flops", "fits", "crosses_1e25", "crosses_1e26", "gpu_hours", "energy_mwh"}};
  // A few multiplications a point: the CPU evaluates a block once per metric a scenario reads
  // rather than writing all eight (kernels/sweep_block_fold.cuh).
  static constexpr bool metric_passes = true;

  // 6 N D at the MFU on the chips' dense peak; fits = mixed-precision Adam state (16 bytes per
  // parameter, fully sharded over the chips) within HBM; energy at TDP.
  FC_HD static void evaluate(const sweep_config& c, const double* x, double* m)
  {
    // The host checks the part index; clamped all the same to stay in bounds (fmin/fmax, not
    // branches, so the CPU block loop can vectorise this function).
    const int index = static_cast<int>(fmin(fmax(x[4], 0.0), static_cast<double>(c.part_count - 1)));
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
};

}  // namespace fleetcap
