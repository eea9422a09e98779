#pragma once
// Plain data for the fleet Monte Carlo kernel. No CUDA or Thrust types.

#include <cstdint>

namespace fleetcap {

enum class mc_distribution : int { triangular = 0, pert = 1 };

// One holding: units as low/mid/high, the group it adds to and the part it is made of.
struct mc_holding {
  double units_low;
  double units_mid;
  double units_high;
  int group;
  int part;
};

// A per-unit figure of one part (FLOP/s, W, TPP ...) as low/mid/high.
struct mc_part_figure {
  double low;
  double mid;
  double high;
};

struct mc_config {
  std::uint64_t seed;
  int distribution;  // mc_distribution
  int group_count;
  int holding_count;
  std::uint64_t figure_stream;  // distinguishes the metric, so each metric's part draws differ
};

}  // namespace fleetcap
