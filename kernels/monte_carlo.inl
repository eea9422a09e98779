// Thrust launcher for mc_sample_totals, included by monte_carlo_cpu.cpp and
// monte_carlo_cuda.cu (see part_metrics.inl for the pattern).
//
// Napkin math: a sample costs, per entry, one amount draw, 2 + parts uniforms for the
// composition and 1-2 figure draws per part (~30 flops each, one pow for PERT); 15 entries of
// 2-3 parts x 1e6 samples = ~1e8 draws, ~0.5 s on 2 CPU cores, well under 10 ms on an H100.

#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>

#include "kernels/monte_carlo.cuh"
#include "kernels/monte_carlo.hpp"

namespace fleetcap {
namespace FC_BACKEND_NS {
namespace {

struct mc_sample_fn {
  const mc_entry* entries;
  const mc_share* shares;
  const mc_figure* figures;
  mc_config cfg;
  double* out;
  FC_HD void operator()(std::uint64_t sample) const
  {
    mc_sample_totals(sample, entries, shares, figures, cfg, out + sample * static_cast<std::uint64_t>(cfg.group_count));
  }
};

}  // namespace

void monte_carlo_on_device(const mc_entry* entries, const mc_share* shares, const mc_figure* figures,
                           const mc_config& cfg, std::uint64_t samples, double* out)
{
  thrust::counting_iterator<std::uint64_t> first(0);
  thrust::for_each(FC_EXEC_POLICY, first, first + samples, mc_sample_fn{entries, shares, figures, cfg, out});
}

}  // namespace FC_BACKEND_NS
}  // namespace fleetcap
