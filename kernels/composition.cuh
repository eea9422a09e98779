#pragma once
// A fleet entry's mix is one composition: shares s_i with low_i <= s_i <= high_i and
// sum s_i = 1. Intervals and Monte Carlo draws both respect that constraint, so a point count
// stays a point count (units of an entry are exactly its count in every composition) and no
// draw leaves the published bounds.
//
// - composition_extreme: the smallest or largest value of sum s_i g_i over the feasible set,
//   a linear programme over a box cut by one hyperplane. Its optimum is the greedy
//   fractional-knapsack fill (Dantzig, "Discrete-variable extremum problems", Oper. Res. 5,
//   1957): start every share at its low, give the rest of the unit mass to the largest g_i
//   (smallest, to minimise) up to its high, then the next.
// - split_draw / composition_draw: draws whose median is the mid. A scalar takes the lower or
//   the upper side with probability 1/2 each and a distance r (0..1) towards that side's
//   bound. A composition moves from the mid shares along a random direction d with sum d = 0,
//   by r times the distance to the boundary in that direction, or in the opposite one (again
//   probability 1/2 each). For every linear function L of the shares,
//   P(L(s) > L(mid) | d) = 1/2, so the median of every share, of every sum of shares and of
//   every per-entry total of units, FLOP/s or spend is its mid value, and every draw stays in
//   the box and on the simplex.

#include <cstdint>

#include "kernels/fc_hd.cuh"
#include "kernels/random.cuh"

namespace fleetcap {

inline constexpr int max_mix_parts = 16;  // parts in one entry's mix (the loader enforces it)

// Shapes of the distance r in [0, 1] from the mid towards a bound.
enum class split_shape : int {
  triangular = 0,  // density 2 (1 - r): each side is half of a triangle with its mode at the mid
  pert = 1,        // density 5 (1 - r)^4: each side is a PERT (Beta(1, 5)) with its mode at the mid
};

FC_HD inline double split_radius(int shape, double u)
{
  // Inverse CDFs: 1 - (1 - r)^2 = u and 1 - (1 - r)^5 = u.
  if (shape == static_cast<int>(split_shape::pert)) {
    return 1.0 - pow(1.0 - u, 0.2);
  }
  return 1.0 - sqrt(1.0 - u);
}

// low <= mid <= high; the median of the draw is mid.
FC_HD inline double split_draw(double low, double mid, double high, int shape, double u_side, double u_radius)
{
  const double r = split_radius(shape, u_radius);
  return u_side < 0.5 ? mid - r * (mid - low) : mid + r * (high - mid);
}

// min (maximise = false) or max of sum g_i s_i subject to low_i <= s_i <= high_i, sum s_i = 1.
// Requires sum low <= 1 <= sum high. O(n^2) selection: n <= max_mix_parts, no allocation.
FC_HD inline double composition_extreme(int n, const double* low, const double* high, const double* g, bool maximise)
{
  double value = 0.0, left = 1.0;
  bool used[max_mix_parts];
  for (int i = 0; i < n; ++i) {
    value += low[i] * g[i];
    left -= low[i];
    used[i] = false;
  }
  for (int step = 0; step < n && left > 0.0; ++step) {
    int best = -1;
    for (int i = 0; i < n; ++i) {
      // Ties go to the lowest index, so the fill is deterministic.
      if (!used[i] && (best < 0 || (maximise ? g[i] > g[best] : g[i] < g[best]))) {
        best = i;
      }
    }
    used[best] = true;
    const double add = fmin(left, high[best] - low[best]);
    value += add * g[best];
    left -= add;
  }
  return value;
}

// Writes one composition for (seed, stream, sample) into out[0..n).
FC_HD inline void composition_draw(int n, const double* low, const double* mid, const double* high, int shape,
                                   std::uint64_t seed, std::uint64_t stream, std::uint64_t sample, double* out)
{
  double d[max_mix_parts];
  double z_sum = 0.0, w_sum = 0.0;
  for (int i = 0; i < n; ++i) {
    const double w = high[i] - low[i];
    d[i] = (2.0 * uniform_open(seed, stream + 4ull * static_cast<std::uint64_t>(i) + 2ull, sample) - 1.0) * w;
    z_sum += d[i];
    w_sum += w;
    out[i] = mid[i];
  }
  if (!(w_sum > 0.0)) {
    return;
  }
  // Project onto sum d = 0, moving each share in proportion to its width (a fixed share of
  // zero width stays fixed).
  for (int i = 0; i < n; ++i) {
    d[i] -= (high[i] - low[i]) * z_sum / w_sum;
  }
  double forward = 1e300, backward = 1e300;
  bool moves = false;
  for (int i = 0; i < n; ++i) {
    if (d[i] > 0.0) {
      forward = fmin(forward, (high[i] - mid[i]) / d[i]);
      backward = fmin(backward, (mid[i] - low[i]) / d[i]);
      moves = true;
    } else if (d[i] < 0.0) {
      forward = fmin(forward, (mid[i] - low[i]) / -d[i]);
      backward = fmin(backward, (high[i] - mid[i]) / -d[i]);
      moves = true;
    }
  }
  if (!moves) {
    return;
  }
  const double r = split_radius(shape, uniform_open(seed, stream, 2 * sample + 1));
  const double t = uniform_open(seed, stream, 2 * sample) < 0.5 ? -r * backward : r * forward;
  for (int i = 0; i < n; ++i) {
    out[i] = fmin(high[i], fmax(low[i], mid[i] + t * d[i]));
  }
}

}  // namespace fleetcap
