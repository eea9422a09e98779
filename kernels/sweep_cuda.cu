// CUDA backend of the sweep engine.
#include <thrust/system/cuda/execution_policy.h>

#define FC_BACKEND_NS cuda_backend
#define FC_EXEC_POLICY thrust::cuda::par
#include "kernels/device_buffer.cuh"
// One row per thread: GPU parallelism comes from rows; merges happen in the reduction tree.
#define FC_SWEEP_POINTS_PER_ITEM 1
#include "kernels/sweep.inl"

namespace fleetcap::cuda_backend {

sweep_accumulator sweep_rows(const sweep_config& config, const double* values, std::size_t value_count,
                             std::uint64_t first_row, std::uint64_t row_count)
{
  device_buffer<double> d_values(values, value_count);
  try {
    return sweep_rows_on_device(config, d_values.data(), first_row, row_count);
  } catch (const std::exception& e) {
    throw_device_error(std::string("sweep kernel failed on CUDA: ") + e.what());
  }
}

}  // namespace fleetcap::cuda_backend
