#pragma once
// Total processing performance and performance density, the two numbers ECCN 3A090 turns on.
// Single source: the CLI, the CPU sweep and the CUDA sweep all call these functions.

#include <cmath>

#include "kernels/fc_hd.cuh"
#include "kernels/part_figures.hpp"

namespace fleetcap {

// Bit length of the operation for each numeric_format (technical note to 3A090, 2023 rule:
// "bit length of the operation"). TF32 is counted as 19 bits (1 sign + 8 exponent + 10
// mantissa), the width of the operation rather than of its 32-bit container; counting 32
// moves no part in the catalogue. Every format with a dense peak takes part in the maximum,
// the non-tensor FP32/FP64 units included: the rule counts all processing units. For the L20
// this gives 1,913.6 (FP32 59.8 x 32) where analysts quote 1,912 (8-bit tensor 239 x 8);
// both are far below every line.
FC_HD inline int format_bit_length(int format)
{
  switch (format) {
    case static_cast<int>(numeric_format::fp64): return 64;
    case static_cast<int>(numeric_format::fp64_tensor): return 64;
    case static_cast<int>(numeric_format::fp32): return 32;
    case static_cast<int>(numeric_format::tf32): return 19;
    case static_cast<int>(numeric_format::bf16): return 16;
    case static_cast<int>(numeric_format::fp16): return 16;
    case static_cast<int>(numeric_format::fp8): return 8;
    case static_cast<int>(numeric_format::int8): return 8;
    case static_cast<int>(numeric_format::fp4): return 4;
    case static_cast<int>(numeric_format::int4): return 4;
    case static_cast<int>(numeric_format::int16): return 16;
    default: return 0;
  }
}

// TPP contribution of one format: TPP = 2 x MacTOPS x bit length (15 CFR 772.1 and the
// technical note to 3A090.a, 88 FR 73458, 2023). Datasheet TOPS already count a MAC as two
// operations, so 2 x MacTOPS = dense TOPS. Input in op/s; the result is dimensionless.
FC_HD inline double tpp_of_format(double dense_peak_ops_per_s, int bit_length)
{
  return dense_peak_ops_per_s * 1e-12 * static_cast<double>(bit_length);
}

// TPP of a part: the largest per-format TPP. Spec sheets quote package-level peaks, which
// already aggregate "over all processing units" (all dies) as the rule requires. Ties go to
// the lower format index. Writes the deciding format to *format (-1 if nothing is known).
FC_HD inline double total_processing_performance(const part_figures& part, int* format)
{
  double best = 0.0;
  int best_format = -1;
  for (int f = 0; f < format_count; ++f) {
    const double t = tpp_of_format(part.dense_peak_ops_per_s[f], format_bit_length(f));
    if (t > best) {
      best = t;
      best_format = f;
    }
  }
  *format = best_format;
  return best;
}

// Performance density = TPP / applicable die area in mm^2, where the applicable area is all
// logic dies made on a non-planar transistor process, HBM excluded (technical note 4 to
// 3A090, 2023 rule). NaN when the area is unknown (0), so no threshold test can pass on it.
FC_HD inline double performance_density(double tpp, double applicable_die_area_m2)
{
  // Unknown (NaN) without a positive area. Written as a sum rather than a branch, so that a
  // compliance map's block loop vectorises it: the division is made either way.
  return tpp / (applicable_die_area_m2 * 1e6) + (applicable_die_area_m2 > 0.0 ? 0.0 : nan(""));
}

FC_HD inline part_metrics evaluate_part(const part_figures& part)
{
  part_metrics m{};
  m.tpp = total_processing_performance(part, &m.tpp_format);
  m.performance_density = performance_density(m.tpp, part.applicable_die_area_m2);
  return m;
}

}  // namespace fleetcap
