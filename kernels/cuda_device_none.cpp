#include "kernels/cuda_device.hpp"

namespace fleetcap {

cuda_device_info query_cuda_devices()
{
  cuda_device_info info;
  info.status = "this build has no CUDA backend (configured without nvcc or with FLEETCAP_CUDA=OFF)";
  return info;
}

}  // namespace fleetcap
