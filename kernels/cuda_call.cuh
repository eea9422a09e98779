#pragma once
// FC_CUDA_TRY: turns a failed CUDA runtime call into fleetcap::error with file and line.
// CUDA files only.

#include <cuda_runtime_api.h>

#include <string>

#include "kernels/device_error.hpp"

#define FC_CUDA_TRY(call)                                                                     \
  do {                                                                                        \
    const cudaError_t fc_cuda_status_ = (call);                                               \
    if (fc_cuda_status_ != cudaSuccess) {                                                     \
      ::fleetcap::throw_device_error(std::string(#call) + " failed at " + __FILE__ + ":" +     \
                                     std::to_string(__LINE__) + ": " +                        \
                                     cudaGetErrorString(fc_cuda_status_));                     \
    }                                                                                         \
  } while (0)
