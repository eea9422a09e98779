// CPU backend of the fleet Monte Carlo (Thrust OpenMP device system).
#include <thrust/system/omp/execution_policy.h>

#define FC_BACKEND_NS cpu_backend
#define FC_EXEC_POLICY thrust::omp::par
#include "kernels/monte_carlo.inl"

namespace fleetcap::cpu_backend {

void monte_carlo_totals(const mc_inputs& in, const mc_config& cfg, std::uint64_t samples, double* out)
{
  if (samples == 0) {
    return;
  }
  monte_carlo_on_device(in.entries, in.shares, in.figures, cfg, samples, out);
}

}  // namespace fleetcap::cpu_backend
