// A group's sample, from which its quantile bins are placed (host/src/sweep_sample.cpp): drawn
// in rounds of chunks over threads and evaluated in batches, it must be exactly what one thread
// evaluating point by point in try order draws (the reference below is that loop); the batch
// sampler must give the point function's numbers bit for bit; the radix sort must order as
// std::sort does; and groups planned together must get the bins they get one at a time.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "detail/sweep_detail.hpp"
#include "fleetcap/sweep.hpp"
#include "fleetcap/sweep_evaluators.hpp"
#include "kernels/random.cuh"
#include "kernels/sweep.cuh"
#include "sweep_fixture.hpp"

namespace fleetcap {
namespace {

using nlohmann::json;

class sweep_sample : public test::sweep_fixture {};

std::uint64_t bits_of(double x)
{
  std::uint64_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
}

// The sample as the engine drew it before it was spread over threads: one point at a time
// through the evaluator's point function, tries in order, until `per_group` valid values (all
// the group's points for a group of at most 4x that; at most 8x that many tries otherwise).
std::vector<double> reference_sample(const sweep_plan& plan, std::uint64_t group)
{
  const auto& c = plan.config;
  const std::uint64_t points = plan.rows_per_group * plan.axes.back().values.size();
  const std::uint64_t first = group * points;
  const std::uint64_t per_group = std::clamp<std::uint64_t>((std::uint64_t{1} << 18) / plan.group_count, 512, 8192);
  const auto& e = sweep_evaluator_at(c.evaluator);
  std::vector<double> values;
  const auto take = [&](std::uint64_t index) {
    double x[sweep_max_inputs];
    double m[sweep_max_metrics];
    sweep_point_inputs(c, plan.values.data(), index, x);
    e.evaluate(c, x, m);
    if (sweep_point_valid(c, m)) {
      values.push_back(m[c.histogram_metric]);
    }
  };
  if (points <= 4 * per_group) {
    for (std::uint64_t i = 0; i < points; ++i) {
      take(first + i);
    }
  } else {
    for (std::uint64_t k = 0; k < 8 * per_group && values.size() < per_group; ++k) {
      take(first + splitmix64(0xB1A5ull ^ splitmix64(group ^ splitmix64(k))) % points);
    }
  }
  return values;
}

void expect_reference_samples(const sweep_plan& plan)
{
  const auto got = detail::draw_group_samples(plan, 0, plan.group_count);
  ASSERT_EQ(got.size(), plan.group_count);
  for (std::uint64_t g = 0; g < plan.group_count; ++g) {
    const auto want = reference_sample(plan, g);
    ASSERT_EQ(got[g].size(), want.size()) << plan.origin << " group " << g;
    for (std::size_t i = 0; i < want.size(); ++i) {
      ASSERT_EQ(bits_of(got[g][i]), bits_of(want[i])) << plan.origin << " group " << g << " value " << i;
    }
  }
}

TEST_F(sweep_sample, samples_are_the_first_valid_tries_in_order)
{
  // A compliance map (a filter keeping about half the points: two rounds), a training grid with
  // a filter, and Monte Carlo groups (draws per point).
  for (const char* id : {"h20-design-space", "training-grid", "frontier-run-uncertainty"}) {
    expect_reference_samples(builtin(id));
  }
  // A filter that keeps under 1 % of the points: rounds until the 8x limit of tries.
  auto j = builtin("h20-design-space").scenario;
  j["filter"] = json::parse(R"({"metric": "tpp", "op": ">", "value": 70000})");
  expect_reference_samples(plan_of(j));
  // A filter that keeps no point: an empty sample after 8x the tries.
  j["filter"] = json::parse(R"({"metric": "tpp", "op": ">", "value": 1e9})");
  const auto none = detail::draw_group_samples(plan_of(j), 0, 5);
  for (const auto& s : none) {
    EXPECT_TRUE(s.empty());
  }
  // 64 groups planned at once (as run_sweep does) with that filter: rounds larger than the cap
  // on tries a round holds, so groups wait for later rounds.
  for (auto& axis : j.at("axes")) {
    if (axis.at("name") == "die_area_mm2") {
      axis["linear"]["count"] = 20;
    }
    if (axis.at("name") == "dense_tops") {
      axis["log"]["count"] = 10000;  // groups of 10,000 points: sampled, not whole
    }
  }
  j["group_by"] = json::array({"b1_tpp_min", "bit_length", "die_area_mm2"});
  j["filter"] = json::parse(R"({"metric": "tpp", "op": ">", "value": 60000})");
  {
    const auto plan = plan_of(j);
    ASSERT_EQ(plan.group_count, 300u);
    const auto got = detail::draw_group_samples(plan, 0, 64);
    for (std::uint64_t g = 0; g < 64; ++g) {
      const auto want = reference_sample(plan, g);
      ASSERT_EQ(got[g].size(), want.size()) << "group " << g;
      for (std::size_t i = 0; i < want.size(); ++i) {
        ASSERT_EQ(bits_of(got[g][i]), bits_of(want[i])) << "group " << g << " value " << i;
      }
    }
  }
  // Small groups, sampled whole.
  j = builtin("h20-design-space").scenario;
  for (auto& axis : j.at("axes")) {
    if (axis.at("name") == "dense_tops") {
      axis["log"]["count"] = 20;
    }
  }
  expect_reference_samples(plan_of(j));
}

TEST_F(sweep_sample, the_batch_sampler_gives_the_point_functions_numbers)
{
  // Every built-in evaluator, through a shipped scenario with a histogram added where it has
  // none; indices at random over the whole grid, more than one batch.
  const std::vector<std::pair<const char*, const char*>> cases = {{"training-grid", "days"},
                                                                  {"frontier-run-uncertainty", "days"},
                                                                  {"h20-design-space", "performance_density"},
                                                                  {"layout-22b-64", ""},
                                                                  {"china-mix-what-if", ""},
                                                                  {"serving-grid", ""}};
  for (const auto& [id, metric] : cases) {
    auto j = builtin(id).scenario;
    const auto base = builtin(id);
    const std::string m = *metric != '\0' ? metric : base.metric_names.front();
    j["histogram"] = {{"metric", m}, {"bins", 8}};
    const auto plan = plan_of(j);
    const auto& c = plan.config;
    const auto& e = sweep_evaluator_at(c.evaluator);
    ASSERT_NE(e.cpu_sample, nullptr) << id;
    std::mt19937_64 rng(7);
    std::vector<std::uint64_t> index(700);
    for (auto& i : index) {
      i = rng() % plan.total_points;
    }
    std::vector<double> value(index.size());
    std::vector<unsigned char> keep(index.size());
    e.cpu_sample(c, plan.values.data(), index.data(), index.size(), value.data(), keep.data());
    for (std::size_t k = 0; k < index.size(); ++k) {
      double x[sweep_max_inputs];
      double mm[sweep_max_metrics];
      sweep_point_inputs(c, plan.values.data(), index[k], x);
      e.evaluate(c, x, mm);
      ASSERT_EQ(bits_of(value[k]), bits_of(mm[c.histogram_metric])) << id << " point " << index[k];
      ASSERT_EQ(keep[k] != 0, sweep_point_valid(c, mm)) << id << " point " << index[k];
    }
  }
}

TEST_F(sweep_sample, groups_planned_together_get_the_bins_they_get_alone)
{
  for (const char* id : {"h20-design-space", "frontier-run-uncertainty"}) {
    const auto plan = builtin(id);
    const auto together = plan_bins_of_groups(plan, 0, plan.group_count);
    for (std::uint64_t g = 0; g < plan.group_count; ++g) {
      const auto alone = plan_group_bins(plan, g);
      EXPECT_EQ(together[g].quantile_edges, alone.quantile_edges) << id << " group " << g;
      EXPECT_EQ(together[g].histogram_low, alone.histogram_low);
      EXPECT_EQ(together[g].histogram_high, alone.histogram_high);
    }
  }
}

// std::sort's order, with -0.0 before 0.0 (which it leaves in either order).
bool before(double a, double b) { return a < b || (a == b && std::signbit(a) && !std::signbit(b)); }

TEST(sort_doubles, orders_as_std_sort)
{
  std::mt19937_64 rng(11);
  const double specials[] = {0.0,
                             -0.0,
                             std::numeric_limits<double>::infinity(),
                             -std::numeric_limits<double>::infinity(),
                             std::numeric_limits<double>::denorm_min(),
                             -std::numeric_limits<double>::denorm_min(),
                             std::numeric_limits<double>::max(),
                             std::numeric_limits<double>::lowest(),
                             1.0,
                             -1.0};
  for (const std::size_t n : {0, 1, 2, 3, 17, 256, 257, 8192, 20000}) {
    for (int kind = 0; kind < 4; ++kind) {
      std::vector<double> v(n);
      for (auto& x : v) {
        switch (kind) {
          case 0: x = std::ldexp(static_cast<double>(rng() >> 11), -53) * 4800.0; break;  // one sign, few exponents
          case 1: x = std::ldexp(static_cast<double>(rng() >> 11) - 4503599627370496.0, static_cast<int>(rng() % 200) - 100); break;
          case 2: x = specials[rng() % 10]; break;                      // ties, zeros of both signs, infinities
          default: x = static_cast<double>(static_cast<int>(rng() % 7) - 3); break;  // many ties
        }
      }
      auto want = v;
      std::stable_sort(want.begin(), want.end(), before);
      detail::sort_doubles(v);
      ASSERT_EQ(v.size(), want.size());
      for (std::size_t i = 0; i < n; ++i) {
        ASSERT_EQ(bits_of(v[i]), bits_of(want[i])) << "n " << n << " kind " << kind << " at " << i;
      }
    }
  }
}

}  // namespace
}  // namespace fleetcap
