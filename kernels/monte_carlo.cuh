#pragma once
// Monte Carlo over a fleet's ranges. For sample s, each entry draws its amount and one
// composition of its mix (shares that sum to 1 inside their bounds, composition.cuh); each
// per-unit figure is drawn once and shared by every holding that uses it. Group g's total is
// sum over shares in g of amount x share x figure / divisor. Every draw has its mid as median
// and stays inside its bounds, so every total stays inside the interval answer. Draws depend
// only on (seed, stream, sample), so every backend returns the same totals.

#include <cstdint>

#include "kernels/composition.cuh"
#include "kernels/fc_hd.cuh"
#include "kernels/monte_carlo_types.hpp"
#include "kernels/random.cuh"

namespace fleetcap {

FC_HD inline double mc_draw(double low, double mid, double high, int shape, std::uint64_t seed, std::uint64_t stream,
                            std::uint64_t sample)
{
  if (!(high > low)) {
    return mid;
  }
  return split_draw(low, mid, high, shape, uniform_open(seed, stream, 2 * sample),
                    uniform_open(seed, stream, 2 * sample + 1));
}

FC_HD inline double mc_figure_draw(const mc_figure* figures, int index, int shape, std::uint64_t seed,
                                   std::uint64_t sample)
{
  const mc_figure& f = figures[index];
  return mc_draw(f.low, f.mid, f.high, shape, seed, f.stream, sample);
}

FC_HD inline void mc_sample_totals(std::uint64_t sample, const mc_entry* entries, const mc_share* shares,
                                   const mc_figure* figures, const mc_config& cfg, double* row)
{
  for (int g = 0; g < cfg.group_count; ++g) {
    row[g] = 0.0;
  }
  double low[max_mix_parts], mid[max_mix_parts], high[max_mix_parts], drawn[max_mix_parts];
  for (int e = 0; e < cfg.entry_count; ++e) {
    const mc_entry& en = entries[e];
    const double amount = mc_draw(en.amount_low, en.amount_mid, en.amount_high, cfg.distribution, cfg.seed,
                                  en.stream, sample);
    const mc_share* sh = shares + en.first_share;
    for (int i = 0; i < en.share_count; ++i) {
      low[i] = sh[i].low;
      mid[i] = sh[i].mid;
      high[i] = sh[i].high;
    }
    composition_draw(en.share_count, low, mid, high, cfg.distribution, cfg.seed, splitmix64(en.stream), sample, drawn);
    for (int i = 0; i < en.share_count; ++i) {
      if (sh[i].group < 0 || sh[i].figure < 0) {
        continue;
      }
      double value = amount * drawn[i] * mc_figure_draw(figures, sh[i].figure, cfg.distribution, cfg.seed, sample);
      if (sh[i].divisor >= 0) {
        value /= mc_figure_draw(figures, sh[i].divisor, cfg.distribution, cfg.seed, sample);
      }
      row[sh[i].group] += value;
    }
  }
}

}  // namespace fleetcap
