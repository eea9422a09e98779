#pragma once
// Plain data shared by the host and the kernels: what a kernel needs to know about one part,
// in SI units. No CUDA or Thrust types here, so host code and public headers may include it.

#include <cstddef>

namespace fleetcap {

// Numeric formats a spec sheet may quote a dense peak for. The order is part of the contract:
// when two formats give the same TPP, the one listed first decides (deterministic ties).
enum class numeric_format : int {
  fp64,
  fp64_tensor,
  fp32,
  tf32,
  bf16,
  fp16,
  fp8,
  int8,
  fp4,
  int4,
  int16,
};
inline constexpr int format_count = 11;

// One part's figures as the kernels see them. A figure that is unknown or not supported is 0.
struct part_figures {
  double dense_peak_ops_per_s[format_count];  // dense (non-sparse) peak per format, op/s
  double applicable_die_area_m2;              // non-planar logic-die area (15 CFR 772.1), m^2
};

// What the TPP / performance-density kernel returns for one part.
struct part_metrics {
  double tpp;                  // total processing performance (dimensionless, bits x TOPS)
  double performance_density;  // TPP per mm^2 of applicable die area; NaN when area unknown
  int tpp_format;              // numeric_format that decided the TPP; -1 when no peak is known
};

}  // namespace fleetcap
