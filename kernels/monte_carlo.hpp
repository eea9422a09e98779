#pragma once
// Launchers for the fleet Monte Carlo kernel, one per backend: out[s * group_count + g] is
// group g's total in sample s, for s in [0, samples).

#include <cstddef>
#include <cstdint>

#include "kernels/monte_carlo_types.hpp"

namespace fleetcap {

namespace cpu_backend {
void monte_carlo_totals(const mc_holding* holdings, const mc_part_figure* figures, int part_count,
                        const mc_config& cfg, std::uint64_t samples, double* out);
}  // namespace cpu_backend

namespace cuda_backend {
void monte_carlo_totals(const mc_holding* holdings, const mc_part_figure* figures, int part_count,
                        const mc_config& cfg, std::uint64_t samples, double* out);
}  // namespace cuda_backend

}  // namespace fleetcap
