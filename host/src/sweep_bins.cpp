// A sweep group's bins and the quantiles read from them (issue 11).
//
// Quantiles from one fixed-range histogram were wrong twice over: values past its end were
// folded into the end bins, and linear interpolation inside a 20-day bin put a p5 below the
// group's minimum. Here a group is binned in two ways, both fixed before its points are folded:
//
// - the histogram the scenario asks for, on its [from, to] (or the range of a sample of the
//   group when it gives none), with the points below and above counted apart;
// - quantile bins whose edges are order statistics of a deterministic sample of the group
//   (drawn by sweep_sample.cpp), dense around p5, p50 and p95. A quantile is then known to lie
//   in one bin, narrowed to the group's exact minimum and maximum; that bin is the bound
//   printed with it. Each target's sample value s gets a bin [s, next double after s), so when
//   the sample is the whole group (small groups) every quantile is exact.
//
// The sample depends only on the scenario and the group, so every shard and backend uses the
// same edges and merged shards give the same quantiles as one run.

#include <algorithm>
#include <cmath>
#include <exception>
#include <vector>

#include "detail/sweep_detail.hpp"
#include "fleetcap/sweep.hpp"
#include "kernels/sweep_types.hpp"

namespace fleetcap {

namespace {

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

// The bins from a group's sorted sample.
sweep_group_bins bins_of_sample(const sweep_plan& plan, const std::vector<double>& v)
{
  sweep_group_bins bins;
  const auto& c = plan.config;
  bins.histogram_low = c.histogram_low;
  bins.histogram_high = c.histogram_high;
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

}  // namespace

std::vector<sweep_group_bins> plan_bins_of_groups(const sweep_plan& plan, std::uint64_t first, std::uint64_t end)
{
  std::vector<sweep_group_bins> bins(static_cast<std::size_t>(end - first));
  if (plan.config.histogram_metric < 0) {
    for (auto& b : bins) {
      b.histogram_low = plan.config.histogram_low;
      b.histogram_high = plan.config.histogram_high;
    }
    return bins;
  }
  std::vector<std::vector<double>> samples = detail::draw_group_samples(plan, first, end);
  const auto n = static_cast<std::int64_t>(samples.size());
  std::exception_ptr failure;
#pragma omp parallel for schedule(dynamic)
  for (std::int64_t i = 0; i < n; ++i) {
    try {
      auto& v = samples[static_cast<std::size_t>(i)];
      detail::sort_doubles(v);
      bins[static_cast<std::size_t>(i)] = bins_of_sample(plan, v);
    } catch (...) {
#pragma omp critical(fleetcap_plan_bins)
      failure = std::current_exception();
    }
  }
  if (failure) {
    std::rethrow_exception(failure);
  }
  return bins;
}

sweep_group_bins plan_group_bins(const sweep_plan& plan, std::uint64_t group)
{
  return plan_bins_of_groups(plan, group, group + 1).front();
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
