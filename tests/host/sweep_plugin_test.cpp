// Adding an evaluator is one file: this one. A toy evaluator (its inputs, metrics and one FC_HD
// function), its CPU launcher (and, optionally, batch sampler) from kernels/sweep_cpu_launcher.hpp,
// one registration call, and a scenario that uses it by name, checked against plain loops:
// minimum, argmin, counts, mean, histogram and quantiles against the sorted values. (Built-in evaluators register in
// kernels/evaluators/registry.cuh instead, which also gives them a CUDA launcher.)

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "fleetcap/sweep.hpp"
#include "fleetcap/sweep_evaluators.hpp"
#include "kernels/sweep_cpu_launcher.hpp"
#include "kernels/sweep_evaluator.hpp"
#include "test_util.hpp"

namespace fleetcap {

// The toy: a paraboloid with a ridge, z = (a - 3)^2 + (b + 1)^2 + k sin(a b), and whether z < 4.
struct toy_evaluator {
  static constexpr const char* name = "toy-paraboloid";
  static constexpr std::array<sweep_input, 3> inputs = {{
      sweep_input_any("a"),
      sweep_input_any("b"),
      {"k", 0.5, 0.0, false, 10.0, false, "expected a ridge height from 0 to 10"},
  }};
  static constexpr std::array<const char*, 2> metrics = {{"z", "inside"}};
  FC_HD static void evaluate(const sweep_config&, const double* x, double* m)
  {
    m[0] = (x[0] - 3.0) * (x[0] - 3.0) + (x[1] + 1.0) * (x[1] + 1.0) + x[2] * sin(x[0] * x[1]);
    m[1] = m[0] < 4.0 ? 1.0 : 0.0;
  }
};

namespace {

using nlohmann::json;

int toy_index()
{
  static const int index =
      register_sweep_evaluator(sweep_evaluator_entry_of<toy_evaluator>(&cpu_backend::sweep_rows_of<toy_evaluator>, nullptr));
  return index;
}

TEST(sweep_plugin, a_toy_evaluator_in_one_file_matches_plain_loops)
{
  toy_index();
  const auto catalog = builtin_catalog();
  const auto parts = load_specs(*catalog);
  const auto j = json::parse(R"({
      "id": "toy", "evaluator": "toy-paraboloid", "fixed": {"k": 0.75},
      "axes": [{"name": "a", "linear": {"from": -2, "to": 8, "count": 301}},
               {"name": "b", "linear": {"from": -6, "to": 4, "count": 250}}],
      "objective": {"metric": "z", "goal": "min"},
      "count": [{"name": "inside", "metric": "inside", "op": "==", "value": 1}],
      "histogram": {"metric": "z", "bins": 16}})");
  const auto plan = parse_scenario({"toy.json", j.dump()}, *catalog, parts);
  EXPECT_EQ(plan.config.evaluator, toy_index());
  EXPECT_EQ(plan.metric_names, (std::vector<std::string>{"z", "inside"}));
  const auto got = run_sweep(backend_kind::cpu, plan, 0, 1, 10000);
  ASSERT_EQ(got.groups.size(), 1u);
  const auto& acc = got.groups[0].accumulator;

  // Plain loops over every point.
  std::vector<double> z;
  double best = 1e300, sum = 0.0;
  std::uint64_t best_index = 0, inside = 0, index = 0;
  for (int ia = 0; ia < 301; ++ia) {
    for (int ib = 0; ib < 250; ++ib, ++index) {
      const double a = -2.0 + 10.0 * ia / 300.0, b = -6.0 + 10.0 * ib / 249.0;
      const double v = (a - 3) * (a - 3) + (b + 1) * (b + 1) + 0.75 * std::sin(a * b);
      if (v < best) {
        best = v;
        best_index = index;
      }
      inside += v < 4.0 ? 1 : 0;
      sum += v;
      z.push_back(v);
    }
  }
  std::sort(z.begin(), z.end());
  // Axis values come from the engine's own linear spacing, which may round differently from
  // the expression above in the last bit: compare values to 1e-12, indices and counts exactly.
  EXPECT_EQ(acc.points, 301u * 250u);
  EXPECT_EQ(acc.best_index, best_index);
  EXPECT_NEAR(acc.best, best, 1e-12);
  EXPECT_EQ(acc.predicate[0], inside);
  EXPECT_NEAR(acc.sum, sum, 1e-9 * std::fabs(sum));
  // 75,250 points: sampled, not exact; each bound holds the sorted k-th value.
  for (int p : {5, 50, 95}) {
    const auto k = static_cast<std::size_t>(std::ceil(p * z.size() / 100.0 - 1e-9));
    const auto q = read_sweep_quantile(acc, got.groups[0].bins, p);
    EXPECT_LE(q.low, z[k - 1] + 1e-12) << p;
    EXPECT_GE(q.high, z[k - 1] - 1e-12) << p;
    EXPECT_GE(q.low, z.front() - 1e-12);
    EXPECT_LE(q.high, z.back() + 1e-12);
  }
  // Its input domain is checked like a built-in one's.
  auto bad = j;
  bad["fixed"]["k"] = 11;
  const auto msg = test::input_error_message([&] { parse_scenario({"toy.json", bad.dump()}, *catalog, parts); });
  EXPECT_NE(msg.find("expected a ridge height from 0 to 10"), std::string::npos) << msg;
  // A name can be registered once.
  EXPECT_THROW(register_sweep_evaluator(sweep_evaluator_entry_of<toy_evaluator>(&cpu_backend::sweep_rows_of<toy_evaluator>, nullptr)),
               error);
  // The CUDA backend has no launcher for it: a clear error, not a crash.
  EXPECT_NE(test::input_error_message([&] { run_sweep(backend_kind::cuda, plan, 0, 1, 10000); }).find("no CUDA launcher"),
            std::string::npos);
}

// A plug-in may also pass the batch sampler from the same launcher header: its groups are then
// sampled in vectorised batches instead of one point at a time, with the same bins.
TEST(sweep_plugin, the_batch_sampler_gives_a_plug_in_the_same_bins)
{
  toy_index();
  auto entry = sweep_evaluator_entry_of<toy_evaluator>(&cpu_backend::sweep_rows_of<toy_evaluator>, nullptr,
                                                       &sweep_sample_points<toy_evaluator>);
  entry.name = "toy-paraboloid-batched";
  static const int batched = register_sweep_evaluator(entry);
  const auto catalog = builtin_catalog();
  const auto parts = load_specs(*catalog);
  auto j = json::parse(R"({
      "id": "toy", "evaluator": "toy-paraboloid", "fixed": {"k": 0.75},
      "axes": [{"name": "a", "linear": {"from": -2, "to": 8, "count": 301}},
               {"name": "b", "linear": {"from": -6, "to": 4, "count": 250}}],
      "objective": {"metric": "z", "goal": "min"}, "filter": "inside",
      "histogram": {"metric": "z", "bins": 16}})");
  const auto one_at_a_time = plan_group_bins(parse_scenario({"toy.json", j.dump()}, *catalog, parts), 0);
  j["evaluator"] = "toy-paraboloid-batched";
  const auto plan = parse_scenario({"toy.json", j.dump()}, *catalog, parts);
  EXPECT_EQ(plan.config.evaluator, batched);
  const auto in_batches = plan_group_bins(plan, 0);
  EXPECT_FALSE(in_batches.quantile_edges.empty());
  EXPECT_EQ(in_batches.quantile_edges, one_at_a_time.quantile_edges);
  EXPECT_EQ(in_batches.histogram_low, one_at_a_time.histogram_low);
  EXPECT_EQ(in_batches.histogram_high, one_at_a_time.histogram_high);
}

}  // namespace
}  // namespace fleetcap
