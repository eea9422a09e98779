#pragma once
// What the CUDA runtime can see. Defined by cuda_device.cu when the CUDA backend is built and
// by cuda_device_none.cpp otherwise, so host code calls it unconditionally.

#include <string>

namespace fleetcap {

struct cuda_device_info {
  bool backend_built = false;  // was the CUDA backend compiled into this binary?
  int device_count = 0;        // devices visible now (0 without a driver)
  std::string device_name;     // name of device 0, empty when none
  std::string status;          // why no device is visible (the runtime's message), else empty
  std::string architectures;   // CUDA architectures compiled in, e.g. "80-real;90"
};

cuda_device_info query_cuda_devices();

}  // namespace fleetcap
