// A sweep group's bins and the quantiles read from them (issue 11).
//
// Quantiles from one fixed-range histogram were wrong twice over: values past its end were
// folded into the end bins, and linear interpolation inside a 20-day bin put a p5 below the
// group's minimum. Here a group is binned in two ways, both fixed before its points are folded:
//
// - the histogram the scenario asks for, on its [from, to] (or the range of a sample of the
//   group when it gives none), with the points below and above counted apart;
// - quantile bins whose edges are order statistics of a deterministic sample of the group,
//   dense around p5, p50 and p95. A quantile is then known to lie in one bin, narrowed to the
//   group's exact minimum and maximum; that bin is the bound printed with it. Each target's
//   sample value s gets a bin [s, next double after s), so when the sample is the whole group
//   (small groups) every quantile is exact.
//
// The sample depends only on the scenario and the group, so every shard and backend uses the
// same edges and merged shards give the same quantiles as one run.

#include <algorithm>
#include <cmath>
#include <vector>

#include "fleetcap/sweep.hpp"
#include "fleetcap/sweep_evaluators.hpp"
#include "kernels/random.cuh"
#include "kernels/sweep.cuh"

namespace fleetcap {

namespace {

// Valid values sampled, over all groups of a scenario, and the bounds per group: 2^18 host
// evaluations take well under 0.1 s for every evaluator here; at most 8x that are tried.
constexpr std::uint64_t sample_budget = std::uint64_t{1} << 18;
constexpr std::uint64_t sample_min = 512;
constexpr std::uint64_t sample_max = 8192;
constexpr std::uint64_t whole_group_factor = 4;
constexpr int target_percents[] = {5, 50, 95};

// k = ceil(n p / 100), at least 1: the rank of the p-th percentile of n values (type 1 of
// Hyndman and Fan 1996, the inverse of the empirical distribution function).
std::uint64_t quantile_rank(std::uint64_t n, int percent)
{
  // n = 100 q + r, so ceil(n p / 100) = q p + ceil(r p / 100) without overflowing 64 bits.
  const auto p = static_cast<std::uint64_t>(percent);
  const std::uint64_t k = n / 100 * p + (n % 100 * p + 99) / 100;
  return std::max<std::uint64_t>(1, k);
}

// The valid values of the histogram metric at a deterministic sample of the group's points.
std::vector<double> sample_group(const sweep_plan& plan, std::uint64_t group)
{
  const auto& c = plan.config;
  const std::uint64_t row_size = plan.axes.back().values.size();
  const std::uint64_t points = plan.rows_per_group * row_size;
  const std::uint64_t first = group * points;
  const std::uint64_t per_group =
      std::clamp<std::uint64_t>(sample_budget / std::max<std::uint64_t>(1, plan.group_count), sample_min, sample_max);
  std::vector<double> values;
  double x[sweep_max_inputs];
  double m[sweep_max_metrics];
  const sweep_point_fn evaluate = sweep_evaluator_at(c.evaluator).evaluate;
  const auto take = [&](std::uint64_t index) {
    sweep_point_inputs(c, plan.values.data(), index, x);
    evaluate(c, x, m);
    if (sweep_point_valid(c, m)) {
      values.push_back(m[c.histogram_metric]);
    }
  };
  if (points <= whole_group_factor * per_group) {
    // Small groups are sampled whole: their quantiles come out exact.
    for (std::uint64_t i = 0; i < points; ++i) {
      take(first + i);
    }
  } else {
    // Indices drawn with the counter-based mixer (random.cuh), keyed by the group, so the
    // sample does not alias with the grid's axis sizes as a fixed stride would. Where the
    // filter keeps few points, up to 8x more are tried to find per_group valid ones.
    for (std::uint64_t k = 0; k < 8 * per_group && values.size() < per_group; ++k) {
      take(first + splitmix64(0xB1A5ull ^ splitmix64(group ^ splitmix64(k))) % points);
    }
  }
  std::sort(values.begin(), values.end());
  return values;
}

}  // namespace

sweep_group_bins plan_group_bins(const sweep_plan& plan, std::uint64_t group)
{
  sweep_group_bins bins;
  const auto& c = plan.config;
  bins.histogram_low = c.histogram_low;
  bins.histogram_high = c.histogram_high;
  if (c.histogram_metric < 0) {
    return bins;
  }
  const std::vector<double> v = sample_group(plan, group);
  if (v.empty()) {
    // No valid point in the sample: one bin, bounded by the exact minimum and maximum.
    return bins;
  }
  if (plan.histogram_from_data) {
    bins.histogram_low = v.front();
    bins.histogram_high = v.back();
  }
  const std::uint64_t n = v.size();
  const auto at_rank = [&](std::uint64_t k) { return v[static_cast<std::size_t>(std::min(k, n) - 1)]; };
  const auto at_level = [&](double level) {
    const double k = std::ceil(level * static_cast<double>(n));
    return at_rank(k < 1.0 ? 1 : static_cast<std::uint64_t>(k));
  };
  std::vector<double>& e = bins.quantile_edges;
  e.push_back(v.front());
  e.push_back(v.back());
  for (int j = 1; j < 16; ++j) {
    e.push_back(at_level(j / 16.0));
  }
  for (const int p : target_percents) {
    const double s = at_rank(quantile_rank(n, p));
    e.push_back(s);
    e.push_back(std::nextafter(s, HUGE_VAL));
    for (const double d : {1.0 / 1024, 1.0 / 512, 1.0 / 256, 1.0 / 128, 1.0 / 64, 1.0 / 32}) {
      e.push_back(at_level(std::max(0.0, p / 100.0 - d)));
      e.push_back(at_level(std::min(1.0, p / 100.0 + d)));
    }
  }
  std::sort(e.begin(), e.end());
  e.erase(std::unique(e.begin(), e.end()), e.end());
  e.erase(std::remove_if(e.begin(), e.end(), [](double x) { return !std::isfinite(x); }), e.end());
  static_assert(2 + 15 + 3 * 14 <= sweep_max_quantile_edges, "the edges above fit the kernel's table");
  return bins;
}

sweep_quantile read_sweep_quantile(const sweep_accumulator& a, const sweep_group_bins& bins, int percent)
{
  const auto& e = bins.quantile_edges;
  const std::size_t edges = e.size();
  const std::uint64_t k = quantile_rank(a.valid, percent);
  std::uint64_t before = 0;
  std::size_t b = 0;
  while (b < edges && before + a.quantile_bins[b] < k) {
    before += a.quantile_bins[b];
    ++b;
  }
  sweep_quantile q;
  q.low = b == 0 ? a.histogram_min : std::max(e[b - 1], a.histogram_min);
  q.high = b == edges ? a.histogram_max : std::min(e[b], a.histogram_max);
  if (b > 0 && b < edges && e[b] == std::nextafter(e[b - 1], HUGE_VAL)) {
    q.high = q.low;  // the bin [s, next double) holds s alone: exact
  }
  const double in_bin = static_cast<double>(a.quantile_bins[std::min(b, edges)]);
  const double t = in_bin > 0 ? (static_cast<double>(k - before) - 0.5) / in_bin : 0.5;
  q.value = std::clamp(q.low + (q.high - q.low) * t, q.low, q.high);
  return q;
}

}  // namespace fleetcap
