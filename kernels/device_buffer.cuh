#pragma once
// A CUDA device allocation that frees itself (CUDA files only), so a failing launcher never
// leaks device memory on its error path.

#include <cuda_runtime_api.h>

#include <cstddef>

#include "kernels/cuda_call.cuh"

namespace fleetcap {

template <typename T>
class device_buffer {
 public:
  explicit device_buffer(std::size_t count) : m_count(count)
  {
    if (count > 0) {
      FC_CUDA_TRY(cudaMalloc(reinterpret_cast<void**>(&m_data), count * sizeof(T)));
    }
  }
  device_buffer(const T* host, std::size_t count) : device_buffer(count)
  {
    if (count > 0) {
      FC_CUDA_TRY(cudaMemcpy(m_data, host, count * sizeof(T), cudaMemcpyHostToDevice));
    }
  }
  ~device_buffer() { cudaFree(m_data); }
  device_buffer(const device_buffer&) = delete;
  device_buffer& operator=(const device_buffer&) = delete;

  T* data() const { return m_data; }
  void copy_to(T* host, std::size_t count) const
  {
    if (count > 0) {
      FC_CUDA_TRY(cudaMemcpy(host, m_data, count * sizeof(T), cudaMemcpyDeviceToHost));
    }
  }

 private:
  T* m_data = nullptr;
  std::size_t m_count = 0;
};

}  // namespace fleetcap
