#pragma once
// Plain data for the fleet Monte Carlo kernel. No CUDA or Thrust types.

#include <cstdint>

namespace fleetcap {

// Shape of each side of a low/mid/high draw; the mid is always the median (composition.cuh).
enum class mc_distribution : int { triangular = 0, pert = 1 };

// One inventory entry: an amount (a count of units, or a budget in USD) spread over a mix.
struct mc_entry {
  double amount_low;
  double amount_mid;
  double amount_high;
  int first_share;  // index of its first mc_share
  int share_count;  // parts in the mix (1..max_mix_parts)
  std::uint64_t stream;  // keys the entry's amount and composition draws
};

// One part of an entry's mix: its share bounds, the group it adds to (-1: none) and what one
// share-unit is worth: figure (per unit of the amount) divided by divisor (a price, for
// budgets), each an index into the figure table or -1 (figure -1: contributes nothing).
struct mc_share {
  double low;
  double mid;
  double high;
  int group;
  int figure;
  int divisor;
};

// A per-unit figure (FLOP/s, W, TPP, USD ...) as low/mid/high, drawn once per sample and
// stream: every use of the same figure in one sample sees the same value (one unknown truth).
struct mc_figure {
  double low;
  double mid;
  double high;
  std::uint64_t stream;
};

struct mc_config {
  std::uint64_t seed;
  int distribution;  // mc_distribution
  int group_count;
  int entry_count;
};

}  // namespace fleetcap
