#pragma once
/// @file
/// @brief TPP and performance density of parts, evaluated by the single-source kernel on the
/// chosen backend.

#include <vector>

#include "fleetcap/backend.hpp"
#include "fleetcap/spec.hpp"

namespace fleetcap {

/// @brief TPP and PD at the low, mid and high ends of a part's uncertain figures.
struct part_metrics_range {
  part_metrics low;
  part_metrics mid;
  part_metrics high;
};

/// @brief Evaluates raw figures on a backend (the launcher, one call for all of them).
std::vector<part_metrics> evaluate_figures(backend_kind backend,
                                           const std::vector<part_figures>& figures);

/// @brief Evaluates every part at its low, mid and high figures in one launch.
std::vector<part_metrics_range> evaluate_parts(backend_kind backend,
                                               const std::vector<part_spec>& parts);

}  // namespace fleetcap
