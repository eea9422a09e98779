#pragma once
/// @file
/// @brief Fitting a system's efficiency parameters to measured runs.

#include <string>
#include <vector>

#include "fleetcap/backend.hpp"
#include "fleetcap/training.hpp"
#include "kernels/calibrate_types.hpp"

namespace fleetcap {

struct calibration_result {
  system_spec fitted;                   ///< the system with the best parameters
  double fit_mean_error = 0;            ///< mean |relative error| over all runs, fitted on all
  double fit_max_error = 0;
  std::vector<double> run_errors;       ///< per run, fitted on all
  std::vector<double> held_out_errors;  ///< per run, fitted on the others (leave-one-out)
  /// per run, fitted on the runs of the other models (leave-one-model-out: a model is a
  /// distinct shape); empty when the set holds a single model
  std::vector<double> held_out_model_errors;
  std::vector<double> predicted_tflops_per_gpu;  ///< per run, fitted on all (Megatron's count)
  std::vector<double> predicted_step_seconds;    ///< per run, fitted on all
  std::vector<int> model_of_run;                 ///< per run, its model's index (0, 1, ...)
  std::uint64_t grid_points = 0;
  bool dp_overlap_identified = true;  ///< false when every run has dp = 1 (kept at the system's value)
};

/// @brief The default search grid: matmul_max 0.40-0.95 (56 points), matmul_half_size
/// 0-4096 (33), scale-up and scale-out collective 0.3-1.0 (8 each), dp_overlap 0-1 (6).
calibration_grid default_calibration_grid();

/// @brief Grid search (on the backend) for the parameters that minimise the mean relative
/// error, then leave-one-out (each run predicted from a fit on the others) and
/// leave-one-model-out (each model's runs predicted from a fit on the other models' runs).
calibration_result calibrate(backend_kind backend, const run_set& runs, const system_spec& system, const part_spec& part,
                             numeric_format precision, const calibration_grid& grid);

}  // namespace fleetcap
