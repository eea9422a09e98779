// CUDA backend: the same kernel source compiled by nvcc for the CUDA device system.
#include <thrust/device_vector.h>
#include <thrust/system/cuda/execution_policy.h>

#define FC_BACKEND_NS cuda_backend
#define FC_EXEC_POLICY thrust::cuda::par
#include "kernels/part_metrics.inl"
#include "kernels/cuda_call.cuh"

namespace fleetcap::cuda_backend {

void evaluate_parts(const part_figures* parts, std::size_t count, part_metrics* out)
{
  if (count == 0) {
    return;
  }
  part_figures* d_parts = nullptr;
  part_metrics* d_out = nullptr;
  FC_CUDA_TRY(cudaMalloc(&d_parts, count * sizeof(part_figures)));
  const cudaError_t out_status = cudaMalloc(&d_out, count * sizeof(part_metrics));
  if (out_status != cudaSuccess) {
    cudaFree(d_parts);
    FC_CUDA_TRY(out_status);
  }
  cudaError_t status = cudaMemcpy(d_parts, parts, count * sizeof(part_figures), cudaMemcpyHostToDevice);
  if (status == cudaSuccess) {
    try {
      evaluate_parts_on_device(d_parts, count, d_out);
    } catch (const std::exception& e) {
      cudaFree(d_parts);
      cudaFree(d_out);
      throw_device_error(std::string("thrust::transform on CUDA failed: ") + e.what());
    }
    status = cudaMemcpy(out, d_out, count * sizeof(part_metrics), cudaMemcpyDeviceToHost);
  }
  cudaFree(d_parts);
  cudaFree(d_out);
  FC_CUDA_TRY(status);
}

}  // namespace fleetcap::cuda_backend
