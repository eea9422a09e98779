// CUDA backend: the same kernel source compiled by nvcc for the CUDA device system.
#include <thrust/system/cuda/execution_policy.h>

#define FC_BACKEND_NS cuda_backend
#define FC_EXEC_POLICY thrust::cuda::par
#include "kernels/part_metrics.inl"
#include "kernels/cuda_call.cuh"
#include "kernels/device_buffer.cuh"

namespace fleetcap::cuda_backend {

void evaluate_parts(const part_figures* parts, std::size_t count, part_metrics* out)
{
  if (count == 0) {
    return;
  }
  device_buffer<part_figures> d_parts(parts, count);
  device_buffer<part_metrics> d_out(count);
  try {
    evaluate_parts_on_device(d_parts.data(), count, d_out.data());
  } catch (const std::exception& e) {
    throw_device_error(std::string("TPP kernel failed on CUDA: ") + e.what());
  }
  d_out.copy_to(out, count);
}

}  // namespace fleetcap::cuda_backend
