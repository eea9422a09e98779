// Sweep histograms and quantiles against plain loops over every point: counts outside the
// histogram's range are counted apart (issue 11: they were folded into the end bins), every
// quantile's bound holds the sorted values' k-th smallest, bounds stay inside [min, max], small
// groups get exact quantiles, and shards merge into the same quantiles.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "fleetcap/sweep.hpp"
#include "kernels/sweep.cuh"
#include "sweep_fixture.hpp"
#include "test_util.hpp"

namespace fleetcap {
namespace {

using nlohmann::json;

class sweep_quantiles : public test::sweep_fixture {};

// The valid values of the histogram metric in each group, sorted: the reference.
std::vector<std::vector<double>> sorted_values(const sweep_plan& plan)
{
  const auto& c = plan.config;
  const std::uint64_t per_group = plan.total_points / plan.group_count;
  std::vector<std::vector<double>> v(plan.group_count);
  sweep_each_point(plan, [&](std::uint64_t index, const double* m) {
    if (c.filter_metric < 0 || sweep_predicate(m[c.filter_metric], c.filter_op, c.filter_value)) {
      v[index / per_group].push_back(m[c.histogram_metric]);
    }
  });
  for (auto& g : v) {
    std::sort(g.begin(), g.end());
  }
  return v;
}

struct check_options {
  bool expect_exact = false;       // the group is small enough to be sampled whole
  double max_relative_bound = 1.0;  // the widest bound allowed, relative to the value
};

// Runs the plan and checks every group's histogram and quantiles against plain loops.
void expect_right_quantiles(const sweep_plan& plan, const check_options& o, std::uint64_t shards = 1)
{
  const auto& c = plan.config;
  const auto want = sorted_values(plan);
  sweep_result got;
  if (shards == 1) {
    got = run_sweep(backend_kind::cpu, plan, 0, 1, 4096);
  } else {
    std::vector<sweep_result> parts;
    std::vector<std::string> names;
    for (std::uint64_t k = 0; k < shards; ++k) {
      parts.push_back(sweep_result_from_json(sweep_result_json(plan, run_sweep(backend_kind::cpu, plan, k, shards, 4096)), "s"));
      names.push_back("s" + std::to_string(k));
    }
    got = merge_sweep_results(plan, parts, names);
  }
  ASSERT_EQ(got.groups.size(), want.size());
  for (std::size_t g = 0; g < want.size(); ++g) {
    const auto& v = want[g];
    const auto& a = got.groups[g].accumulator;
    const auto& bins = got.groups[g].bins;
    ASSERT_EQ(a.valid, v.size()) << g;
    if (v.empty()) {
      continue;
    }
    EXPECT_EQ(a.histogram_min, v.front()) << g;
    EXPECT_EQ(a.histogram_max, v.back()) << g;
    // Histogram: plain counts on [from, to], the last bin closed, the rest below and above.
    std::vector<std::uint64_t> counts(static_cast<std::size_t>(c.histogram_bins), 0);
    std::uint64_t below = 0, above = 0;
    const double width = (bins.histogram_high - bins.histogram_low) / c.histogram_bins;
    for (double x : v) {
      if (x < bins.histogram_low) {
        ++below;
      } else if (x > bins.histogram_high) {
        ++above;
      } else {
        const auto b = width > 0 ? static_cast<std::size_t>(std::floor((x - bins.histogram_low) / width)) : 0;
        ++counts[std::min(b, counts.size() - 1)];
      }
    }
    EXPECT_EQ(a.histogram_below, below) << g;
    EXPECT_EQ(a.histogram_above, above) << g;
    for (std::size_t b = 0; b < counts.size(); ++b) {
      // The kernel multiplies by a precomputed scale, the loop divides: a value on a bin edge
      // may land one bin over; the totals must still agree.
      EXPECT_NEAR(static_cast<double>(a.histogram[b]), static_cast<double>(counts[b]), 2.0) << g << " bin " << b;
    }
    for (int p : {5, 50, 95}) {
      const std::size_t k = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(p * v.size() / 100.0 - 1e-9)));
      const double exact = v[k - 1];
      const auto q = read_sweep_quantile(a, bins, p);
      EXPECT_LE(q.low, exact) << "group " << g << " p" << p;
      EXPECT_GE(q.high, exact) << "group " << g << " p" << p;
      EXPECT_GE(q.low, v.front()) << "group " << g << " p" << p;
      EXPECT_LE(q.high, v.back()) << "group " << g << " p" << p;
      EXPECT_GE(q.value, q.low);
      EXPECT_LE(q.value, q.high);
      if (o.expect_exact) {
        EXPECT_EQ(q.low, exact) << "group " << g << " p" << p;
        EXPECT_EQ(q.high, exact) << "group " << g << " p" << p;
      }
      EXPECT_LE(q.high - q.low, o.max_relative_bound * std::fabs(exact)) << "group " << g << " p" << p;
    }
  }
}

TEST_F(sweep_quantiles, small_groups_are_exact_and_out_of_range_points_are_counted_apart)
{
  // 555 points per group, many of them past the histogram's 100 days.
  const auto j = json::parse(R"({
      "id": "t", "evaluator": "training", "fixed": {"tokens": 1e13},
      "axes": [{"name": "part", "parts": ["h100-sxm", "h20", "b200"]},
               {"name": "chips", "values": [64, 1024, 16384]},
               {"name": "mfu", "linear": {"from": 0.2, "to": 0.6, "count": 5}},
               {"name": "params", "log": {"from": 1e9, "to": 1e13, "count": 37}}],
      "group_by": ["part"], "objective": {"metric": "days", "goal": "min"}, "filter": "fits",
      "histogram": {"metric": "days", "bins": 8, "from": 0, "to": 100}})");
  const auto plan = plan_of(j);
  expect_right_quantiles(plan, {true, 0.0});
  const auto doc = sweep_result_json(plan, run_sweep(backend_kind::cpu, plan, 0, 1, 1000));
  EXPECT_GT(doc["groups"][1]["histogram"]["above"].get<double>(), 0);  // the H20's long runs
}

TEST_F(sweep_quantiles, monte_carlo_groups_larger_than_the_sample_have_tight_honest_bounds)
{
  // frontier-run-uncertainty at 60,000 samples per group (its own 100,000 take longer than the
  // plain-loop reference should): groups are 7x the sample.
  auto j = builtin("frontier-run-uncertainty").scenario;
  j["samples"] = 60000;
  const auto plan = plan_of(j);
  expect_right_quantiles(plan, {false, 0.02});
}

TEST_F(sweep_quantiles, the_frontier_rows_that_were_wrong)
{
  // main printed for the 16k-H20 row "min 2,125 days, p50 [p5-p95] 630 [621-639]" (values past
  // the 640-day end folded into the last bin), and for the 131k-B200 row a p5 3.25 below the
  // minimum 17.5 and a p95 38.6 above the maximum 30.8.
  auto j = builtin("frontier-run-uncertainty").scenario;
  j["histogram"] = {{"metric", "days"}, {"bins", 32}, {"from", 0}, {"to", 640}};  // main's range
  const auto plan = plan_of(j);
  const auto doc = sweep_result_json(plan, run_sweep(backend_kind::cpu, plan, 0, 1, std::uint64_t{1} << 20));
  bool saw_h20 = false, saw_b200 = false;
  for (const auto& g : doc["groups"]) {
    const auto& q = g["quantiles"];
    const double lo = g["min"].get<double>(), hi = g["max"].get<double>();
    for (const char* p : {"p5", "p50", "p95"}) {
      EXPECT_GE(q[p]["low"].get<double>(), lo) << g["key"].dump() << p;
      EXPECT_LE(q[p]["high"].get<double>(), hi) << g["key"].dump() << p;
      // Tight: within 0.5 % of the value.
      EXPECT_LE(q[p]["high"].get<double>() - q[p]["low"].get<double>(), 0.005 * q[p]["value"].get<double>())
          << g["key"].dump() << p;
    }
    if (g["key"]["part"] == "h20" && g["key"]["chips"] == 16384) {
      saw_h20 = true;
      EXPECT_GT(q["p5"]["value"].get<double>(), 2125.0);
      EXPECT_EQ(g["histogram"]["above"].get<std::uint64_t>(), g["valid"].get<std::uint64_t>());
    }
    if (g["key"]["part"] == "b200" && g["key"]["chips"] == 131072) {
      saw_b200 = true;
      EXPECT_GT(q["p5"]["value"].get<double>(), 17.5);
      EXPECT_LT(q["p95"]["value"].get<double>(), 30.8);
    }
  }
  EXPECT_TRUE(saw_h20 && saw_b200);
}

TEST_F(sweep_quantiles, histogram_range_from_the_data)
{
  auto j = builtin("frontier-run-uncertainty").scenario;
  j["samples"] = 30000;
  j["histogram"] = {{"metric", "days"}, {"bins", 16}};
  const auto plan = plan_of(j);
  EXPECT_TRUE(plan.histogram_from_data);
  expect_right_quantiles(plan, {false, 0.02});
  const auto doc = sweep_result_json(plan, run_sweep(backend_kind::cpu, plan, 0, 1, 1 << 16));
  for (const auto& g : doc["groups"]) {
    // The range is the sample's: inside [min, max], and nearly all points inside it.
    EXPECT_GE(g["histogram"]["from"].get<double>(), g["min"].get<double>());
    EXPECT_LE(g["histogram"]["to"].get<double>(), g["max"].get<double>());
    EXPECT_LT(g["histogram"]["below"].get<double>() + g["histogram"]["above"].get<double>(), 0.01 * 30000);
  }
  j["histogram"] = {{"metric", "days"}, {"bins", 16}, {"from", 0}};
  EXPECT_NE(test::input_error_message([&] { plan_of(j); }).find("/histogram/to: give both"), std::string::npos);
}

TEST_F(sweep_quantiles, shards_merge_into_the_same_quantiles)
{
  auto j = builtin("frontier-run-uncertainty").scenario;
  j["samples"] = 20000;
  const auto plan = plan_of(j);
  // 7 shards split groups between shards; each bins a group alike.
  expect_right_quantiles(plan, {false, 0.02}, 7);
  const auto whole = sweep_result_json(plan, run_sweep(backend_kind::cpu, plan, 0, 1, 4096));
  std::vector<sweep_result> parts;
  std::vector<std::string> names;
  for (std::uint64_t k = 0; k < 7; ++k) {
    parts.push_back(run_sweep(backend_kind::cpu, plan, k, 7, 4096));
    names.push_back("s" + std::to_string(k));
  }
  const auto merged = sweep_result_json(plan, merge_sweep_results(plan, parts, names));
  for (std::size_t g = 0; g < whole["groups"].size(); ++g) {
    EXPECT_EQ(whole["groups"][g]["quantiles"], merged["groups"][g]["quantiles"]) << g;
    EXPECT_EQ(whole["groups"][g]["histogram"], merged["groups"][g]["histogram"]) << g;
  }
  // A shard binned differently (another build, an edited file) is refused. Here groups are one
  // row each (the sample axis is innermost), so take a grid whose groups shards split.
  const auto small = plan_of(json::parse(R"({
      "id": "t", "evaluator": "training", "fixed": {"tokens": 1e13, "part": "h100-sxm"},
      "axes": [{"name": "chips", "values": [64, 1024, 16384]},
               {"name": "mfu", "linear": {"from": 0.2, "to": 0.6, "count": 5}},
               {"name": "params", "log": {"from": 1e9, "to": 1e13, "count": 37}}],
      "group_by": ["chips"], "objective": {"metric": "days", "goal": "min"},
      "histogram": {"metric": "days", "bins": 8}})"));
  parts.clear();
  names.clear();
  for (std::uint64_t k = 0; k < 2; ++k) {
    parts.push_back(run_sweep(backend_kind::cpu, small, k, 2, 4096));
    names.push_back("s" + std::to_string(k));
  }
  ASSERT_EQ(parts[0].groups.back().group, parts[1].groups.front().group);  // group 1 is split
  EXPECT_NO_THROW(merge_sweep_results(small, parts, names));
  parts[1].groups.front().bins.quantile_edges.back() += 1.0;
  const auto msg = test::input_error_message([&] { merge_sweep_results(small, parts, names); });
  EXPECT_NE(msg.find("quantile edges differ"), std::string::npos) << msg;
}

TEST_F(sweep_quantiles, discrete_metrics_are_exact)
{
  // The layout search's global batch used takes few distinct values: ties sit on edges.
  auto j = builtin("layout-gpt3-1024").scenario;
  j["axes"][6]["values"] = {1, 2, 4};
  j["histogram"] = {{"metric", "mfu"}, {"bins", 10}, {"from", 0}, {"to", 1}};
  const auto plan = plan_of(j);
  // 17,640 points, sampled whole (groups up to 4 x 8,192 points are): exact.
  EXPECT_EQ(plan.total_points, 17640u);
  expect_right_quantiles(plan, {true, 0.0});
  // The same with 16 micro-batch sizes (94,080 points, sampled): bounds hold, if wider.
  j["axes"][6]["values"] = json::array();
  for (int mb = 1; mb <= 16; ++mb) {
    j["axes"][6]["values"].push_back(mb);
  }
  expect_right_quantiles(plan_of(j), {false, 1.0});
}

}  // namespace
}  // namespace fleetcap
