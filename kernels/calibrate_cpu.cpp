// CPU backend of the calibration search (Thrust OpenMP device system).
#include <thrust/system/omp/execution_policy.h>

#define FC_BACKEND_NS cpu_backend
#define FC_EXEC_POLICY thrust::omp::par
#include "kernels/calibrate.inl"

namespace fleetcap::cpu_backend {

calibration_best calibrate_grid(const calibration_run* runs, int run_count, int skip, const calibration_grid& grid,
                                const system_figures& base)
{
  const std::uint64_t points = calibration_points(grid);
  return calibrate_on_device(runs, run_count, skip, grid, base, points);
}

}  // namespace fleetcap::cpu_backend
