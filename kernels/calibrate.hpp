#pragma once
// Launchers of the calibration search, one per backend: the grid point with the least mean
// relative error over runs (all but `skip`; -1 keeps all).

#include <cstdint>

#include "kernels/calibrate_types.hpp"

namespace fleetcap {

namespace cpu_backend {
calibration_best calibrate_grid(const calibration_run* runs, int run_count, int skip, const calibration_grid& grid,
                                const system_figures& base);
}  // namespace cpu_backend

namespace cuda_backend {
calibration_best calibrate_grid(const calibration_run* runs, int run_count, int skip, const calibration_grid& grid,
                                const system_figures& base);
}  // namespace cuda_backend

}  // namespace fleetcap
