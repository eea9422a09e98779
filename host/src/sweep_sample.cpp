// A sweep group's sample: the values of the histogram metric at a deterministic set of the
// group's points that the filter keeps, from which sweep_bins.cpp places the group's quantile
// bins before the group is folded. It depends only on the scenario and the group, so every shard
// and backend draws the same one.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "detail/sweep_detail.hpp"
#include "fleetcap/sweep.hpp"
#include "fleetcap/sweep_evaluators.hpp"
#include "kernels/random.cuh"
#include "kernels/sweep.cuh"

namespace fleetcap::detail {

namespace {

// Valid values sampled, over all groups of a scenario, and the bounds per group: 2^18 host
// evaluations take well under 0.1 s for every evaluator here; at most 8x that are tried.
constexpr std::uint64_t sample_budget = std::uint64_t{1} << 18;
constexpr std::uint64_t sample_min = 512;
constexpr std::uint64_t sample_max = 8192;
constexpr std::uint64_t whole_group_factor = 4;

// A group's sample as it is drawn. Try k is point first + k of a small group (sampled whole: its
// quantiles come out exact), else a point drawn with the counter-based mixer (random.cuh) keyed
// by the group, so the sample does not alias with the grid's axis sizes as a fixed stride would.
// The sample is the valid values of the first tries in order, up to `wanted`; where the filter
// keeps few points, up to 8x that many are tried.
struct group_draw {
  std::uint64_t group = 0;
  std::uint64_t first = 0;
  std::uint64_t points = 0;
  std::uint64_t wanted = 0;
  std::uint64_t limit = 0;  // tries at most
  bool whole = false;
  std::uint64_t tried = 0;
  std::vector<double> values;

  std::uint64_t point(std::uint64_t k) const
  {
    return whole ? first + k : first + splitmix64(0xB1A5ull ^ splitmix64(group ^ splitmix64(k))) % points;
  }
  bool done() const { return tried >= limit || values.size() >= wanted; }
  // Tries for the next round: what the valid share seen so far says the rest needs, 5 % more.
  std::uint64_t next_tries() const
  {
    if (whole) {
      return limit - tried;
    }
    const double share = tried > 0 ? std::max(static_cast<double>(values.size()) / static_cast<double>(tried), 0.125) : 1.0;
    const auto want = static_cast<std::uint64_t>(static_cast<double>(wanted - values.size()) / share * 1.05) + 64;
    return std::min(limit - tried, want);
  }
};

group_draw draw_of(const sweep_plan& plan, std::uint64_t group)
{
  group_draw d;
  const std::uint64_t row_size = plan.axes.back().values.size();
  d.group = group;
  d.points = plan.rows_per_group * row_size;
  d.first = group * d.points;
  const std::uint64_t per_group =
      std::clamp<std::uint64_t>(sample_budget / std::max<std::uint64_t>(1, plan.group_count), sample_min, sample_max);
  d.whole = d.points <= whole_group_factor * per_group;
  d.wanted = d.whole ? d.points : per_group;
  d.limit = d.whole ? d.points : 8 * per_group;
  return d;
}

// Tries [k0, k1) of one group: the unit of work spread over threads.
struct draw_chunk {
  std::size_t draw;
  std::uint64_t k0;
  std::uint64_t k1;
  std::size_t at;    // offset in the round's buffer
  std::size_t kept;  // the valid values, moved to its start
};
constexpr std::uint64_t chunk_tries = 512;
// A round takes groups until it holds this many tries (2 MiB of values; the last group taken
// adds at most 8 x 8,192 more), so memory stays bounded with 64 groups planned at once and a
// filter that keeps few points (up to 8x the sample tried per group). The others wait.
constexpr std::size_t round_tries = std::size_t{1} << 18;

// The histogram metric at points index[0..n) and whether the filter keeps each: the evaluator's
// batch sampler (kernels/sweep_sample.cuh), else its point function one point at a time.
void sample_points(const sweep_config& c, const double* values, const std::uint64_t* index, std::size_t n, double* value,
                   unsigned char* keep)
{
  const auto& e = sweep_evaluator_at(c.evaluator);
  if (e.cpu_sample != nullptr) {
    e.cpu_sample(c, values, index, n, value, keep);
    return;
  }
  double x[sweep_max_inputs];
  double m[sweep_max_metrics];
  for (std::size_t j = 0; j < n; ++j) {
    sweep_point_inputs(c, values, index[j], x);
    e.evaluate(c, x, m);
    value[j] = m[c.histogram_metric];
    keep[j] = sweep_point_valid(c, m) ? 1 : 0;
  }
}

}  // namespace

// Draws every group's sample in rounds: each round tries, for every group still short, what it
// is estimated to need, in chunks spread over the threads (5 groups on 2 threads were 3 rounds of
// one group each), then takes the valid values in try order. Tries past a group's last needed one
// are wasted, never used, so the sample is what one thread trying in order would draw.
std::vector<std::vector<double>> draw_group_samples(const sweep_plan& plan, std::uint64_t first, std::uint64_t end)
{
  const auto& c = plan.config;
  std::vector<group_draw> draws;
  for (std::uint64_t g = first; g < end; ++g) {
    draws.push_back(draw_of(plan, g));
  }
  std::vector<draw_chunk> chunks;
  // Not zeroed, and kept for the next round where it is large enough (its first touch is a page
  // fault per 4 KiB): every entry a chunk reads, it wrote.
  std::unique_ptr<double[]> value;
  std::size_t capacity = 0;
  for (;;) {
    chunks.clear();
    std::size_t total = 0;
    for (std::size_t i = 0; i < draws.size() && total < round_tries; ++i) {
      if (draws[i].done()) {
        continue;
      }
      const std::uint64_t end = draws[i].tried + draws[i].next_tries();
      for (std::uint64_t k0 = draws[i].tried; k0 < end; k0 += chunk_tries) {
        const std::uint64_t k1 = std::min(end, k0 + chunk_tries);
        chunks.push_back({i, k0, k1, total, 0});
        total += static_cast<std::size_t>(k1 - k0);
      }
    }
    if (chunks.empty()) {
      break;
    }
    if (total > capacity) {
      value.reset(new double[total]);
      capacity = total;
    }
    const auto n = static_cast<std::int64_t>(chunks.size());
#pragma omp parallel for schedule(dynamic)
    for (std::int64_t i = 0; i < n; ++i) {
      draw_chunk& ch = chunks[static_cast<std::size_t>(i)];
      const group_draw& d = draws[ch.draw];
      std::uint64_t index[chunk_tries];
      unsigned char keep[chunk_tries];
      const auto count = static_cast<std::size_t>(ch.k1 - ch.k0);
      for (std::size_t j = 0; j < count; ++j) {
        index[j] = d.point(ch.k0 + j);
      }
      double* v = value.get() + ch.at;
      sample_points(c, plan.values.data(), index, count, v, keep);
      for (std::size_t j = 0; j < count; ++j) {
        v[ch.kept] = v[j];
        ch.kept += keep[j];
      }
    }
    // Chunks are listed by group, then in try order: a group takes each chunk's valid values
    // until it has what it wants (the tries after that one are not used).
    for (const draw_chunk& ch : chunks) {
      group_draw& d = draws[ch.draw];
      if (d.done()) {
        continue;
      }
      const std::size_t take = std::min<std::size_t>(ch.kept, static_cast<std::size_t>(d.wanted) - d.values.size());
      d.values.insert(d.values.end(), value.get() + ch.at, value.get() + ch.at + take);
      d.tried = ch.k1;
    }
  }
  std::vector<std::vector<double>> samples;
  for (auto& d : draws) {
    samples.push_back(std::move(d.values));
  }
  return samples;
}

}  // namespace fleetcap::detail
