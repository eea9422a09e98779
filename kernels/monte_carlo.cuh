#pragma once
// Monte Carlo over a fleet's ranges: for sample s, each holding's units and each part's
// per-unit figure are drawn from their low/mid/high (triangular or PERT), and the products are
// summed per group. A part's figure is drawn once per sample and shared by every holding of
// that part (it is one unknown truth); holdings are independent of each other. Draws depend
// only on (seed, holding or part, sample), so every backend returns the same totals.

#include <cstdint>

#include "kernels/fc_hd.cuh"
#include "kernels/monte_carlo_types.hpp"
#include "kernels/random.cuh"

namespace fleetcap {

FC_HD inline double mc_draw(double low, double mid, double high, int distribution, std::uint64_t seed,
                            std::uint64_t stream, std::uint64_t sample)
{
  if (distribution == static_cast<int>(mc_distribution::pert)) {
    return pert_from_stream(low, mid, high, seed, stream, sample);
  }
  return triangular_from_uniform(low, mid, high, uniform_open(seed, stream, sample));
}

// Streams: holdings use 2h + 1 (the same for every metric, so all metrics see the same unit
// draws); parts use 2p + 2 mixed with the metric's stream.
FC_HD inline void mc_sample_totals(std::uint64_t sample, const mc_holding* holdings, const mc_part_figure* figures,
                                   const mc_config& cfg, double* row)
{
  for (int g = 0; g < cfg.group_count; ++g) {
    row[g] = 0.0;
  }
  for (int h = 0; h < cfg.holding_count; ++h) {
    const mc_holding& hd = holdings[h];
    const double units = mc_draw(hd.units_low, hd.units_mid, hd.units_high, cfg.distribution, cfg.seed,
                                 2ull * static_cast<std::uint64_t>(h) + 1ull, sample);
    const mc_part_figure& f = figures[hd.part];
    const double figure =
        mc_draw(f.low, f.mid, f.high, cfg.distribution, cfg.seed,
                splitmix64(cfg.figure_stream) ^ (2ull * static_cast<std::uint64_t>(hd.part) + 2ull), sample);
    row[hd.group] += units * figure;
  }
}

}  // namespace fleetcap
