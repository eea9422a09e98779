// Compositions (kernels/composition.cuh): the interval extremes against a brute-force search
// over the feasible set, and the draws' invariants (on the simplex, inside the box, median at
// the mid for every linear function of the shares).

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "kernels/composition.cuh"

namespace fleetcap {
namespace {

struct mix {
  std::vector<double> low, mid, high;
};

// Random box with sum low <= 1 <= sum high and mids on the simplex inside the box.
mix random_mix(std::mt19937_64& rng, int n)
{
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (;;) {
    mix m;
    std::vector<double> w(static_cast<std::size_t>(n));
    double sum = 0.0;
    for (auto& x : w) {
      x = u(rng) + 0.05;
      sum += x;
    }
    bool ok = true;
    for (int i = 0; i < n; ++i) {
      const double mid = w[static_cast<std::size_t>(i)] / sum;
      m.mid.push_back(mid);
      m.low.push_back(mid * u(rng));
      m.high.push_back(std::min(1.0, mid + (1.0 - mid) * u(rng) * 0.5));
      ok = ok && m.low.back() <= mid && mid <= m.high.back();
    }
    if (ok) {
      return m;
    }
  }
}

// Plain reference: the optimum of a linear function over box ∩ {sum = 1} is at a vertex where
// all but at most one share sit on a bound. Enumerate every bound pattern for n - 1 shares,
// solve the last one, keep the feasible ones.
double brute_extreme(const mix& m, const std::vector<double>& g, bool maximise)
{
  const int n = static_cast<int>(m.low.size());
  double best = maximise ? -1e300 : 1e300;
  for (int free = 0; free < n; ++free) {
    for (int mask = 0; mask < (1 << (n - 1)); ++mask) {
      double sum = 0.0, value = 0.0;
      int bit = 0;
      for (int i = 0; i < n; ++i) {
        if (i == free) {
          continue;
        }
        const double s = (mask >> bit++) & 1 ? m.high[static_cast<std::size_t>(i)] : m.low[static_cast<std::size_t>(i)];
        sum += s;
        value += s * g[static_cast<std::size_t>(i)];
      }
      const double s_free = 1.0 - sum;
      if (s_free < m.low[static_cast<std::size_t>(free)] - 1e-12 || s_free > m.high[static_cast<std::size_t>(free)] + 1e-12) {
        continue;
      }
      value += s_free * g[static_cast<std::size_t>(free)];
      best = maximise ? std::max(best, value) : std::min(best, value);
    }
  }
  return best;
}

TEST(composition, extremes_match_brute_force_vertex_search)
{
  std::mt19937_64 rng(2024);
  std::uniform_real_distribution<double> u(0.0, 3.0);
  for (int trial = 0; trial < 500; ++trial) {
    const int n = 1 + trial % 6;
    const mix m = random_mix(rng, n);
    std::vector<double> g(static_cast<std::size_t>(n));
    for (auto& x : g) {
      x = trial % 5 == 0 ? std::floor(u(rng)) : u(rng);  // ties included
    }
    for (bool maximise : {false, true}) {
      const double fast = composition_extreme(n, m.low.data(), m.high.data(), g.data(), maximise);
      const double ref = brute_extreme(m, g, maximise);
      EXPECT_NEAR(fast, ref, 1e-12 * std::max(1.0, std::fabs(ref))) << "trial " << trial << " n " << n;
    }
  }
}

TEST(composition, equal_figures_make_a_point_total)
{
  // Microsoft's 2024 Hopper: H100 0.6-0.8-0.95 and H200 0.05-0.2-0.4; both one H100e per unit,
  // so every composition is worth exactly the count (Omdia's 485,000 stays 485,000).
  const double low[] = {0.6, 0.05}, high[] = {0.95, 0.4}, g[] = {1.0, 1.0};
  EXPECT_DOUBLE_EQ(composition_extreme(2, low, high, g, false), 1.0);
  EXPECT_DOUBLE_EQ(composition_extreme(2, low, high, g, true), 1.0);
}

TEST(composition, draws_stay_on_the_simplex_inside_the_box_with_median_at_the_mid)
{
  // ByteDance's 2024 mix in data/fleets/hopper-2024.json: h20, h800, h100.
  const double low[] = {0.6, 0.01, 0.01}, mid[] = {0.85, 0.05, 0.1}, high[] = {0.98, 0.2, 0.3};
  // Two linear functions: the H100e of one unit (0.15 per H20, 1 per H800/H100) and the H100 share.
  const double h100e[] = {296.0 / 1979.0, 1.0, 1.0};
  const double h100_only[] = {0.0, 0.0, 1.0};
  for (int shape : {0, 1}) {
    const int n_samples = 200000;
    std::vector<double> a, b;
    for (int s = 0; s < n_samples; ++s) {
      double out[3];
      composition_draw(3, low, mid, high, shape, 7, 11, static_cast<std::uint64_t>(s), out);
      double sum = 0.0, va = 0.0, vb = 0.0;
      for (int i = 0; i < 3; ++i) {
        ASSERT_GE(out[i], low[i]);
        ASSERT_LE(out[i], high[i]);
        sum += out[i];
        va += out[i] * h100e[i];
        vb += out[i] * h100_only[i];
      }
      ASSERT_NEAR(sum, 1.0, 1e-12);
      a.push_back(va);
      b.push_back(vb);
    }
    auto median = [](std::vector<double> v) {
      std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
      return v[v.size() / 2];
    };
    double mid_a = 0.0;
    for (int i = 0; i < 3; ++i) {
      mid_a += mid[i] * h100e[i];
    }
    // Exact in distribution; the sampling error of a median at N = 2e5 is well under 0.5 %.
    EXPECT_NEAR(median(a) / mid_a, 1.0, 0.005) << "shape " << shape;
    EXPECT_NEAR(median(b) / mid[2], 1.0, 0.005) << "shape " << shape;
    // And the draws reach towards the bounds: the LP extremes bracket them, and the spread is real.
    const double lo = composition_extreme(3, low, high, h100e, false), hi = composition_extreme(3, low, high, h100e, true);
    EXPECT_GE(*std::min_element(a.begin(), a.end()), lo - 1e-12);
    EXPECT_LE(*std::max_element(a.begin(), a.end()), hi + 1e-12);
    EXPECT_LT(*std::min_element(a.begin(), a.end()), mid_a - 0.5 * (mid_a - lo));
    EXPECT_GT(*std::max_element(a.begin(), a.end()), mid_a + 0.5 * (hi - mid_a));
  }
}

TEST(composition, split_draw_has_its_mid_as_median_and_stays_in_bounds)
{
  // Asymmetric: China's 2024 H20 forecast, 1.00M-1.05M-1.20M.
  for (int shape : {0, 1}) {
    int below = 0;
    const int n = 100000;
    for (int i = 0; i < n; ++i) {
      const double u1 = (i + 0.5) / n, u2 = std::fmod(0.6180339887 * i, 1.0);
      const double x = split_draw(1.0e6, 1.05e6, 1.2e6, shape, u1, u2);
      ASSERT_GE(x, 1.0e6);
      ASSERT_LE(x, 1.2e6);
      below += x < 1.05e6;
    }
    EXPECT_NEAR(below, n / 2, 1);
  }
}

}  // namespace
}  // namespace fleetcap
