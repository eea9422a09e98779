#pragma once
// Launchers for the fleet Monte Carlo kernel, one per backend: out[s * group_count + g] is
// group g's total in sample s, for s in [0, samples).

#include <cstddef>
#include <cstdint>

#include "kernels/monte_carlo_types.hpp"

namespace fleetcap {

// The kernel's inputs as plain arrays (host memory).
struct mc_inputs {
  const mc_entry* entries;
  const mc_share* shares;
  int share_count;
  const mc_figure* figures;
  int figure_count;
};

namespace cpu_backend {
void monte_carlo_totals(const mc_inputs& in, const mc_config& cfg, std::uint64_t samples, double* out);
}  // namespace cpu_backend

namespace cuda_backend {
void monte_carlo_totals(const mc_inputs& in, const mc_config& cfg, std::uint64_t samples, double* out);
}  // namespace cuda_backend

}  // namespace fleetcap
