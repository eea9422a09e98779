// CUDA backend of the calibration search.
#include <thrust/system/cuda/execution_policy.h>

#define FC_BACKEND_NS cuda_backend
#define FC_EXEC_POLICY thrust::cuda::par
#include "kernels/calibrate.inl"
#include "kernels/device_buffer.cuh"

namespace fleetcap::cuda_backend {

calibration_best calibrate_grid(const calibration_run* runs, int run_count, int skip, const calibration_grid& grid,
                                const system_figures& base)
{
  const std::uint64_t points = calibration_points(grid);
  device_buffer<calibration_run> d_runs(runs, static_cast<std::size_t>(run_count));
  try {
    return calibrate_on_device(d_runs.data(), run_count, skip, grid, base, points);
  } catch (const std::exception& e) {
    throw_device_error(std::string("calibration kernel failed on CUDA: ") + e.what());
  }
}

}  // namespace fleetcap::cuda_backend
