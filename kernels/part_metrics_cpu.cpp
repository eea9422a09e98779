// CPU backend: the kernel source compiled by the host compiler with Thrust's OpenMP device
// system (THRUST_DEVICE_SYSTEM_OMP is set for this file by CMake).
#include <thrust/system/omp/execution_policy.h>

#define FC_BACKEND_NS cpu_backend
#define FC_EXEC_POLICY thrust::omp::par
#include "kernels/part_metrics.inl"

namespace fleetcap::cpu_backend {

void evaluate_parts(const part_figures* parts, std::size_t count, part_metrics* out)
{
  if (count == 0) {
    return;
  }
  // Host memory is the OpenMP system's device memory, so raw pointers go straight in.
  evaluate_parts_on_device(parts, count, out);
}

}  // namespace fleetcap::cpu_backend
