#pragma once
// Plain-loop reference for the TPP / PD kernel, written from the rule's text rather than from
// kernels/tpp.cuh: TPP = max over formats of dense TOPS x bit length; PD = TPP / mm^2.

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "kernels/part_figures.hpp"

namespace fleetcap::test {

inline part_metrics reference_part_metrics(const part_figures& p)
{
  // Bit lengths in numeric_format order: fp64, fp64 tensor, fp32, tf32 (19-bit operation),
  // bf16, fp16, fp8, int8, fp4, int4, int16.
  static const int bits[format_count] = {64, 64, 32, 19, 16, 16, 8, 8, 4, 4, 16};
  part_metrics m{0.0, 0.0, -1};
  for (int f = 0; f < format_count; ++f) {
    // Same operation order as the kernel (op/s x 1e-12 x bits), so equality can be exact.
    const double tops = p.dense_peak_ops_per_s[f] * 1e-12;
    if (tops * bits[f] > m.tpp) {
      m.tpp = tops * bits[f];
      m.tpp_format = f;
    }
  }
  m.performance_density = p.applicable_die_area_m2 > 0
                              ? m.tpp / (p.applicable_die_area_m2 * 1e6)
                              : std::numeric_limits<double>::quiet_NaN();
  return m;
}

// Random hypothetical parts, including absent formats (0), ties and unknown areas.
inline std::vector<part_figures> random_parts(std::size_t n, unsigned seed)
{
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> tops(0.5, 10000.0);
  std::uniform_real_distribution<double> area(50.0, 2000.0);
  std::uniform_int_distribution<int> coin(0, 3);
  std::vector<part_figures> parts(n);
  for (auto& p : parts) {
    for (int f = 0; f < format_count; ++f) {
      p.dense_peak_ops_per_s[f] = coin(rng) == 0 ? 0.0 : tops(rng) * 1e12;
    }
    if (coin(rng) == 1) {  // a tie between 16-bit and 8-bit paths, as on most NVIDIA parts
      p.dense_peak_ops_per_s[static_cast<int>(numeric_format::fp8)] =
          2.0 * p.dense_peak_ops_per_s[static_cast<int>(numeric_format::bf16)];
    }
    p.applicable_die_area_m2 = coin(rng) == 2 ? 0.0 : area(rng) * 1e-6;
  }
  return parts;
}

// Bitwise-equal doubles (NaN equals NaN): the backends must agree exactly.
inline bool same_double(double a, double b)
{
  return (std::isnan(a) && std::isnan(b)) || a == b;
}

}  // namespace fleetcap::test
