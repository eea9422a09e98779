// The sweep engine against brute-force loops on small grids, shards against the unsharded run,
// and bad scenarios.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>

#include "fleetcap/serving.hpp"
#include "fleetcap/sweep.hpp"
#include "kernels/serving.cuh"
#include "fleetcap/sweep_evaluators.hpp"
#include "kernels/sweep.cuh"
#include "sweep_expect.hpp"
#include "sweep_fixture.hpp"
#include "test_util.hpp"

namespace fleetcap {
namespace {

using nlohmann::json;

class sweeps : public test::sweep_fixture {
 protected:
  static std::string reject(const json& j)
  {
    return test::input_error_message([&] { plan_of(j); });
  }
  static json small_training()
  {
    return json::parse(R"({
      "id": "t", "evaluator": "training", "fixed": {"tokens": 1e13},
      "axes": [{"name": "part", "parts": ["h100-sxm", "h20", "b200"]},
               {"name": "chips", "values": [64, 1024, 16384]},
               {"name": "mfu", "linear": {"from": 0.2, "to": 0.6, "count": 5}},
               {"name": "params", "log": {"from": 1e9, "to": 1e13, "count": 37}}],
      "group_by": ["part"], "objective": {"metric": "days", "goal": "min"}, "filter": "fits",
      "count": [{"name": "big", "metric": "crosses_1e26", "op": "==", "value": 1}],
      "histogram": {"metric": "days", "bins": 8, "from": 0, "to": 100}})");
  }
};

// Brute force: every point through the same evaluator, reduced by plain loops.
void expect_matches_brute_force(const sweep_plan& plan, backend_kind backend)
{
  const auto& c = plan.config;
  const std::uint64_t per_group = plan.total_points / plan.group_count;
  std::vector<sweep_accumulator> want(plan.group_count, sweep_empty(c.objective_max));
  std::vector<long double> sums(plan.group_count, 0.0L);
  // Each group is folded with its own bins (histogram range, quantile edges), which the run
  // fixes before folding; tests/host/sweep_quantiles_test.cpp checks the bins themselves.
  std::vector<sweep_config> configs;
  for (std::uint64_t g = 0; g < plan.group_count; ++g) {
    configs.push_back(sweep_group_config(plan, plan_group_bins(plan, g)));
  }
  sweep_each_point(plan, [&](std::uint64_t index, const double* m) {
    const std::uint64_t g = index / per_group;
    sweep_fold_point(configs[g], m, index, want[g]);
    if (c.filter_metric < 0 || sweep_predicate(m[c.filter_metric], c.filter_op, c.filter_value)) {
      sums[g] += m[c.objective_metric];
    }
  });
  const auto got = run_sweep(backend, plan, 0, 1, 1000);
  ASSERT_EQ(got.groups.size(), plan.group_count);
  for (std::uint64_t g = 0; g < plan.group_count; ++g) {
    // The reference sum in long double, the plain loop's order.
    want[g].sum = static_cast<double>(sums[g]);
    test::expect_same_fold(got.groups[g].accumulator, want[g]);
  }
}

TEST_F(sweeps, training_evaluator_matches_brute_force)
{
  const auto plan = plan_of(small_training());
  EXPECT_EQ(plan.total_points, 3u * 3 * 5 * 37);
  expect_matches_brute_force(plan, backend_kind::cpu);
}

TEST_F(sweeps, layout_evaluator_matches_brute_force)
{
  auto j = builtin("layout-gpt3-1024").scenario;
  j["axes"][6]["values"] = {1, 2, 4};  // micro_batch: keep the grid small
  expect_matches_brute_force(plan_of(j), backend_kind::cpu);
}

TEST_F(sweeps, compliance_evaluator_matches_brute_force)
{
  auto j = builtin("h20-design-space").scenario;
  j["axes"][2] = {{"name", "die_area_mm2"}, {"linear", {{"from", 100}, {"to", 900}, {"count", 9}}}};
  j["axes"][3] = {{"name", "dense_tops"}, {"log", {{"from", 10}, {"to", 5000}, {"count", 40}}}};
  expect_matches_brute_force(plan_of(j), backend_kind::cpu);
}

TEST_F(sweeps, capacity_evaluator_matches_brute_force_and_the_fleet_figures)
{
  auto j = builtin("china-mix-what-if").scenario;
  j["axes"][1]["linear"]["count"] = 9;
  j["axes"][2]["linear"]["count"] = 11;
  const auto plan = plan_of(j);
  expect_matches_brute_force(plan, backend_kind::cpu);
  // One million H20s: 1e6 x 296 / 1,979 H100e (the fleet tests' basis), $12.5bn at the mid.
  double x[sweep_max_inputs] = {1e6, 0, 0};
  double m[sweep_max_metrics];
  evaluate_sweep_point(plan.config, x, m);
  EXPECT_NEAR(m[1], 1e6 * 296.0 / 1979.0, 1e-6);
  EXPECT_DOUBLE_EQ(m[5], 12.5e9);
  EXPECT_EQ(m[6], 0.0);  // no domestic parts
}

TEST_F(sweeps, serving_evaluator_matches_brute_force_and_the_serve_model)
{
  auto j = builtin("serving-grid").scenario;
  j["axes"][6]["values"] = {1, 2, 8};              // chips
  j["axes"][7]["values"] = {1, 2, 8};              // tp
  j["axes"][8]["values"] = {1, 16, 256, 4096};     // batch
  const auto plan = plan_of(j);
  expect_matches_brute_force(plan, backend_kind::cpu);

  // One point against kernels/serving.cuh called with the figures `serve` uses: Llama 3 70B on
  // one H200 at 8 bits (FP8 weights and KV cache), batch 128, 1,024 + 1,024 tokens.
  const auto plan1 = builtin("serving-grid");
  const auto workloads = load_workloads(*catalog);
  const auto& model = find_workload(workloads, "llama3-70b");
  const auto& h200 = find_part(*parts, "h200-sxm");
  const auto profile = serving_profile_for(load_serving_profiles(*catalog, *parts), h200);
  const auto precision = serving_precision_for(h200, "fp8");
  const auto f = serving_figures_for(h200, profile, precision);
  const serving_layout l{1, 1, 128, 1024, 1024, 0, 0};
  const double want = steady_state(model.shape, model.mla, l, precision.bytes, f).output_tokens_per_s;
  // Inputs: part, model, weight_bits, chips, tp, batch, input_len, output_len, ttft_ms, tpot_ms.
  double x[sweep_max_inputs] = {2, 1, 8, 1, 1, 128, 1024, 1024, 0, 0};  // h200-sxm, llama3-70b
  double m[sweep_max_metrics];
  evaluate_sweep_point(plan1.config, x, m);
  EXPECT_DOUBLE_EQ(m[0], want);
  EXPECT_DOUBLE_EQ(m[2], steady_state(model.shape, model.mla, l, precision.bytes, f).tpot_seconds);
  EXPECT_DOUBLE_EQ(m[1], ttft_seconds(model.shape, model.mla, l, precision.bytes, f));
  EXPECT_EQ(m[3], 1.0);
  EXPECT_EQ(m[7], 0.0);
  // A TPOT target it misses, a batch memory cannot hold, a width the part has no peak for, and
  // a tp that does not divide the chips: each not usable, with its reason, every metric finite.
  const struct {
    int slot;
    double value;
    double reason;
  } cases[] = {{9, 1.0, 6}, {5, 4096, 4}, {2, 4, 2}, {4, 2, 1}};
  for (const auto& k : cases) {
    double y[sweep_max_inputs];
    std::copy(std::begin(x), std::end(x), y);
    y[k.slot] = k.value;
    evaluate_sweep_point(plan1.config, y, m);
    EXPECT_EQ(m[3], 0.0) << k.slot;
    EXPECT_EQ(m[7], k.reason) << k.slot;
    for (double v : m) {
      EXPECT_TRUE(std::isfinite(v)) << k.slot;
    }
  }
}

TEST_F(sweeps, serving_scenarios_name_their_models)
{
  auto j = builtin("serving-grid").scenario;
  j["axes"][0]["models"] = {"llama3-8b", "no-such-model"};
  EXPECT_NE(reject(j).find("/axes/0/models/1"), std::string::npos) << reject(j);
  j["axes"].erase(0);
  j["group_by"] = {"part"};
  EXPECT_NE(reject(j).find("needs \"model\""), std::string::npos) << reject(j);
  j["model"] = "llama3-8b";
  EXPECT_EQ(plan_of(j).config.serving_model_count, 1);
}

TEST_F(sweeps, capacity_never_counts_a_missing_figure_as_zero)
{
  // main picked ascend-910c=0 as the best mix: with no 8-bit figure the 910C was worth 0 H100e.
  // Now it carries the documented substitute (TPP / 8) and the result names it.
  const auto plan = builtin("china-mix-what-if");
  ASSERT_FALSE(plan.substitutes.empty());
  EXPECT_NE(plan.substitutes.back().find("ascend-910c: no 8-bit figure"), std::string::npos);
  double x[sweep_max_inputs] = {0, 0, 1000};
  double m[sweep_max_metrics];
  evaluate_sweep_point(plan.config, x, m);
  EXPECT_GT(m[1], 0.5 * 1000);  // about 0.76-0.81 H100e per 910C (TPP 12,032-12,800 / 15,831)
  auto j = plan.scenario;
  j["axes"][1]["linear"]["count"] = 3;
  j["axes"][2]["linear"]["count"] = 3;
  const auto result = run_sweep(backend_kind::cpu, plan_of(j), 0, 1, 1000);
  const auto doc = sweep_result_json(plan_of(j), result);
  EXPECT_FALSE(doc["substitutes"].empty());
  // A metric some listed part has no figure for is refused, naming the part and the field.
  j["objective"] = {{"metric", "tdp_watts"}, {"goal", "min"}};
  EXPECT_EQ(reject(j), "data/scenarios/test.json: /parts: part \"ascend-910c\" (parts/2) has no TDP (tdp_w), which metric "
                       "\"tdp_watts\" needs; drop the part or use another metric");
}

// The H20 itself, as a point of the design space, is not controlled under the 2023 rule.
TEST_F(sweeps, compliance_point_for_the_h20)
{
  const auto plan = builtin("h20-design-space");
  double x[sweep_max_inputs] = {296, 8, 814, 1, 4800, 2400, 3.2, 5.92};
  double m[sweep_max_metrics];
  evaluate_sweep_point(plan.config, x, m);
  EXPECT_DOUBLE_EQ(m[0], 2368.0);
  EXPECT_EQ(m[4], 1.0);  // not controlled
}

TEST_F(sweeps, shards_merge_into_the_unsharded_result)
{
  const auto plan = plan_of(small_training());
  const auto whole = run_sweep(backend_kind::cpu, plan, 0, 1, 100);
  for (std::uint64_t n : {2u, 3u, 7u, 45u}) {
    std::vector<sweep_result> parts;
    std::vector<std::string> names;
    for (std::uint64_t k = 0; k < n; ++k) {
      // Round-trip through the JSON document, as `merge` does with files.
      parts.push_back(sweep_result_from_json(sweep_result_json(plan, run_sweep(backend_kind::cpu, plan, k, n, 100)), "part"));
      names.push_back("part" + std::to_string(k));
    }
    const auto merged = merge_sweep_results(plan, parts, names);
    const auto a = sweep_result_json(plan, whole), b = sweep_result_json(plan, merged);
    ASSERT_EQ(a["groups"].size(), b["groups"].size()) << n;
    for (std::size_t g = 0; g < a["groups"].size(); ++g) {
      auto ga = a["groups"][g], gb = b["groups"][g];
      // Sums may differ in the last bits (different summation order); everything else exactly.
      EXPECT_NEAR(ga["mean"].get<double>(), gb["mean"].get<double>(), 1e-12 * std::fabs(ga["mean"].get<double>()));
      ga.erase("mean");
      gb.erase("mean");
      ga["accumulator"].erase("sum");
      gb["accumulator"].erase("sum");
      EXPECT_EQ(ga, gb) << "shards " << n << " group " << g;
    }
  }
}

TEST_F(sweeps, merge_refuses_gaps_duplicates_and_other_scenarios)
{
  const auto plan = plan_of(small_training());
  const auto p0 = run_sweep(backend_kind::cpu, plan, 0, 2, 100);
  const auto p1 = run_sweep(backend_kind::cpu, plan, 1, 2, 100);
  EXPECT_NO_THROW(merge_sweep_results(plan, {p1, p0}, {"b", "a"}));
  EXPECT_NE(test::input_error_message([&] { merge_sweep_results(plan, {p0}, {"a"}); }).find("a is one of 2 shards, but 1 files"),
            std::string::npos);
  EXPECT_NE(test::input_error_message([&] { merge_sweep_results(plan, {p0, p0}, {"a", "b"}); }).find("also in a"),
            std::string::npos);
}

// Issue 12: merge verifies what it merges. Each edit below used to be merged (or to read past
// the end of an array); now each is refused, naming the file and the field.
// Issue 12 (found by fuzz_shard): counts written as floats or negatives were cast to 64-bit
// integers, undefined behaviour for 1e300 or -1.5; a missing field named no pointer.
TEST_F(sweeps, shard_fields_are_read_with_their_types)
{
  const auto plan = plan_of(small_training());
  const auto doc = sweep_result_json(plan, run_sweep(backend_kind::cpu, plan, 0, 2, 100));
  const auto refuse = [](const json& j) { return test::input_error_message([&] { sweep_result_from_json(j, "s.json"); }); };
  for (const json& bad : {json(1e300), json(-1.5), json(-1), json(2.5), json("3")}) {
    auto j = doc;
    j["groups"][0]["accumulator"]["best_index"] = bad;
    EXPECT_NE(refuse(j).find("s.json: /groups/0/accumulator/best_index: expected a whole number >= 0"), std::string::npos)
        << refuse(j);
  }
  auto j = doc;
  j["shard"]["count"] = 1e300;
  EXPECT_NE(refuse(j).find("s.json: /shard/count: expected a whole number"), std::string::npos) << refuse(j);
  j = doc;
  j["groups"][0]["accumulator"]["histogram"][3] = -2;
  EXPECT_NE(refuse(j).find("/groups/0/accumulator/histogram/3: expected a whole number"), std::string::npos) << refuse(j);
  j = doc;
  j["groups"][0]["accumulator"].erase("sum");
  EXPECT_NE(refuse(j).find("/groups/0/accumulator/sum: missing"), std::string::npos) << refuse(j);
  j = doc;
  j["groups"][0]["accumulator"]["best"] = "x";
  EXPECT_NE(refuse(j).find("/groups/0/accumulator/best: expected a number"), std::string::npos) << refuse(j);
  EXPECT_NO_THROW(sweep_result_from_json(doc, "s.json"));
}

TEST_F(sweeps, merge_verifies_every_shard_against_the_scenario)
{
  const auto plan = plan_of(small_training());
  const auto p0 = run_sweep(backend_kind::cpu, plan, 0, 2, 100);
  const auto p1 = run_sweep(backend_kind::cpu, plan, 1, 2, 100);
  const auto refuse = [&](sweep_result a, sweep_result b) {
    return test::input_error_message([&] { merge_sweep_results(plan, {a, b}, {"a", "b"}); });
  };
  auto bad = p1;
  bad.shard = 2;  // index equal to the count: was a heap-buffer-overflow
  EXPECT_NE(refuse(p0, bad).find("b: /shard/index: 2 is not below the count 2"), std::string::npos);
  auto x = p0, y = p1;  // swapped indices: each file claims the other's rows
  std::swap(x.shard, y.shard);
  EXPECT_NE(refuse(x, y).find("are not that shard's rows"), std::string::npos);
  bad = p1;
  bad.groups.front().accumulator.points += 1;
  EXPECT_NE(refuse(p0, bad).find("/accumulator/points"), std::string::npos);
  bad = p1;
  bad.groups.front().accumulator.valid = bad.groups.front().accumulator.points + 1;
  EXPECT_NE(refuse(p0, bad).find("more valid points than points"), std::string::npos);
  bad = p1;
  bad.groups.front().accumulator.best_index = 0;  // a point of the other shard
  EXPECT_NE(refuse(p0, bad).find("best or worst index outside the group's points"), std::string::npos);
  bad = p1;
  bad.groups.front().group += 1;
  EXPECT_NE(refuse(p0, bad).find("/group:"), std::string::npos);
  bad = p1;
  bad.groups.push_back(bad.groups.back());
  EXPECT_NE(refuse(p0, bad).find("groups where its rows touch"), std::string::npos);
  bad = p1;
  bad.shards = ~std::uint64_t{0};  // a huge count is never used to size anything
  EXPECT_NE(test::input_error_message([&] { merge_sweep_results(plan, {bad}, {"b"}); }).find("files were given"),
            std::string::npos);
}

// --- bad scenarios -----------------------------------------------------------------------

TEST_F(sweeps, bad_input)
{
  auto j = small_training();
  j["evaluator"] = "weather";
  EXPECT_NE(reject(j).find("/evaluator: unknown evaluator \"weather\""), std::string::npos);
  j = small_training();
  j["axes"][1]["name"] = "chip";
  EXPECT_NE(reject(j).find("/axes/1/name: unknown axis \"chip\""), std::string::npos) << reject(j);
  j = small_training();
  j["axes"][2]["linear"] = {{"from", 0.6}, {"to", 0.2}, {"count", 5}};
  EXPECT_NE(reject(j).find("/axes/2/linear/to: the range is reversed"), std::string::npos);
  j["axes"][2]["linear"] = {{"from", 0.4}, {"to", 0.4}, {"count", 5}};
  EXPECT_NE(reject(j).find("the range is empty"), std::string::npos);
  j["axes"][2]["linear"] = {{"from", 0.2}, {"to", 0.6}, {"count", 0}};
  EXPECT_NE(reject(j).find("/axes/2/linear/count: expected a positive whole count"), std::string::npos);
  j = small_training();
  j["axes"][3]["log"] = {{"from", 0}, {"to", 1e13}, {"count", 5}};
  EXPECT_NE(reject(j).find("/axes/3/log/from: a log range must be positive"), std::string::npos);
  j = small_training();
  j["objective"]["metric"] = "weeks";
  EXPECT_NE(reject(j).find("/objective/metric: unknown metric \"weeks\""), std::string::npos);
  j = small_training();
  j["fixed"].erase("tokens");
  EXPECT_NE(reject(j).find("input \"tokens\" has no value"), std::string::npos);
  // Issue 12: fields that used to be accepted as anything.
  j = small_training();
  j["id"] = "Not An Id";
  EXPECT_NE(reject(j).find("/id: \"Not An Id\" is not a valid id"), std::string::npos) << reject(j);
  j["id"] = std::string(100000, 'x');
  EXPECT_NE(reject(j).find("... (100000 characters) is not a valid id"), std::string::npos) << reject(j).substr(0, 200);
  j = small_training();
  j["description"] = 3.5;
  EXPECT_NE(reject(j).find("/description: expected a string, got 3.5"), std::string::npos) << reject(j);
  j = small_training();
  j["notes"] = 3.5;
  EXPECT_NE(reject(j).find("/notes: expected"), std::string::npos) << reject(j);
  j = small_training();
  j["axes"][0]["parts"] = {"h100-sxm", "h100-sxm5-80gb"};
  EXPECT_NE(reject(j).find("data/scenarios/test.json: /axes/0/parts/1: unknown part id \"h100-sxm5-80gb\""),
            std::string::npos)
      << reject(j);
}

TEST_F(sweeps, grids_over_2_to_the_63_are_refused)
{
  auto j = small_training();
  j["axes"] = json::array();
  j["axes"].push_back({{"name", "part"}, {"parts", {"h100-sxm"}}});
  for (const char* axis : {"chips", "mfu", "params", "tokens"}) {
    j["axes"].push_back({{"name", axis}, {"log", {{"from", 1}, {"to", 1e6}, {"count", 10000}}}});
  }
  j["fixed"] = json::object();
  j["axes"][2]["log"]["to"] = 0.9;
  j["axes"][2]["log"]["from"] = 0.1;
  // 1 x 1e4^4 = 1e16 points fits; a fifth axis of 1e4 (1e20 > 9.2e18) does not.
  EXPECT_EQ(plan_of(j).total_points, 10000000000000000ull);
  j["axes"][0] = {{"name", "part"}, {"parts", {"h100-sxm", "h20"}}};
  j["axes"].push_back({{"name", "part"}, {"parts", {"b200"}}});
  j["axes"].erase(j["axes"].size() - 1);
  j["group_by"] = json::array();
  j["axes"][4]["log"]["count"] = 1000000;  // tokens: 1e4^3 x 1e6 x 2 = 2e18 still fits
  EXPECT_EQ(plan_of(j).total_points, 2000000000000000000ull);
  j["axes"][0] = {{"name", "part"}, {"parts", {"h100-sxm", "h20", "b200", "h200-sxm", "h800-sxm"}}};  // 5e18 fits
  j["axes"][3]["log"]["count"] = 20000;  // 1e22: over
  EXPECT_NE(reject(j).find("more than 2^63 points"), std::string::npos) << reject(j);
}

TEST_F(sweeps, shard_specs)
{
  EXPECT_EQ(parse_shard("3/4"), (std::pair<std::uint64_t, std::uint64_t>{3, 4}));
  EXPECT_NE(test::input_error_message([] { parse_shard("3/2"); }).find("--shard: expected K/N with 0 <= K < N"),
            std::string::npos);
  EXPECT_NE(test::input_error_message([] { parse_shard("1/0"); }).find("--shard"), std::string::npos);
  EXPECT_NE(test::input_error_message([] { parse_shard("a/b"); }).find("--shard"), std::string::npos);
  // Issue 12: 2^64 used to wrap to 2^64 - 1; signs, spaces and newlines used to pass or echo.
  for (const char* bad : {"0/18446744073709551616", "0/-3", "+1/3", " 1/3", "1/3 ", "0/2\n5"}) {
    const auto msg = test::input_error_message([&] { parse_shard(bad); });
    EXPECT_NE(msg.find("--shard: expected K/N"), std::string::npos) << bad;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << bad;
  }
}

// Issue 12: zero or negative sizes in a layout axis divided by zero; a bit length of 0 and an
// MFU above 1 were accepted. Each is refused with the axis, the value and the domain.
TEST_F(sweeps, inputs_outside_their_domain_are_refused)
{
  const auto source = builtin_catalog();
  const auto parts = load_specs(*source);
  auto text = [&](const char* id) {
    for (const auto& f : source->json_files("data/scenarios")) {
      if (f.name.find(id) != std::string::npos) {
        return json::parse(f.text);
      }
    }
    return json();
  };
  auto j = text("layout-gpt3-1024");
  ASSERT_FALSE(j.is_null());
  for (auto& axis : j["axes"]) {
    if (axis["name"] == "tp") {
      axis = {{"name", "tp"}, {"values", {0, 8}}};
    }
  }
  const auto msg = test::input_error_message([&] { parse_scenario({"t.json", j.dump()}, *source, parts); });
  EXPECT_NE(msg.find("of \"tp\": expected a whole number from 1 to 1e15"), std::string::npos) << msg;
  auto t = small_training();
  t["fixed"]["mfu"] = 1.5;
  EXPECT_NE(reject(t).find("/fixed/mfu: expected a fraction in (0, 1]"), std::string::npos) << reject(t);
}

// Issue 12: a repeated group_by entry multiplied the grid and overflowed the config's fixed axis
// arrays; an explicit values list was not held to the 10^6 per-axis cap; deep nesting overflowed
// the stack.
TEST_F(sweeps, group_by_values_and_nesting_limits)
{
  auto j = small_training();
  j["group_by"] = json::array();
  for (int i = 0; i < 14; ++i) {
    j["group_by"].push_back(j["axes"][0]["name"]);
  }
  EXPECT_NE(reject(j).find("/group_by/1: \"" + j["axes"][0]["name"].get<std::string>() + "\" is listed twice"),
            std::string::npos)
      << reject(j);
  j = small_training();
  j["axes"][2] = {{"name", j["axes"][2]["name"]}, {"values", std::vector<double>(1000002, 0.5)}};
  EXPECT_NE(reject(j).find("at most 1,000,000 values per axis"), std::string::npos);
  std::string deep;
  for (int i = 0; i < 100000; ++i) {
    deep += "[";
  }
  const auto msg = test::input_error_message([&] { parse_scenario({"t.json", deep}, *builtin_catalog(), load_specs(*builtin_catalog())); });
  EXPECT_NE(msg.find("nested deeper than 64 levels"), std::string::npos) << msg.substr(0, 200);
}

TEST_F(sweeps, monte_carlo_inputs_are_drawn_per_sample)
{
  auto j = small_training();
  j["axes"] = json::array({json{{"name", "part"}, {"parts", {"h100-sxm"}}}});
  j["fixed"] = {{"params", 1e10}, {"chips", 1024}, {"mfu", 0.4},
                {"tokens", {{"distribution", "uniform"}, {"low", 1e12}, {"high", 3e12}}}};
  j["samples"] = 200000;
  j["seed"] = 9;
  j["objective"] = {{"metric", "flops"}, {"goal", "max"}};
  j.erase("filter");
  j["histogram"] = {{"metric", "flops"}, {"bins", 32}, {"from", 6e22}, {"to", 1.8e23}};
  const auto plan = plan_of(j);
  EXPECT_EQ(plan.total_points, 200000u);
  const auto doc = sweep_result_json(plan, run_sweep(backend_kind::cpu, plan, 0, 1, 1 << 16));
  const auto& g = doc["groups"][0];
  // Uniform tokens on [1e12, 3e12]: flops = 6 N D has mean 1.2e23 and median 1.2e23; the
  // sampling error of the mean at N = 2e5 is 0.13 %.
  EXPECT_NEAR(g["mean"].get<double>(), 1.2e23, 1.2e23 * 0.005);
  EXPECT_NEAR(g["quantiles"]["p50"]["value"].get<double>(), 1.2e23, 1.2e23 * 0.01);
  EXPECT_LE(g["max"].get<double>(), 1.8e23);
  EXPECT_GE(g["min"].get<double>(), 6e22);
  // Same seed, same numbers (also through the brute-force path); another seed, others.
  expect_matches_brute_force(plan, backend_kind::cpu);
  j["seed"] = 10;
  const auto other = sweep_result_json(plan_of(j), run_sweep(backend_kind::cpu, plan_of(j), 0, 1, 1 << 16));
  EXPECT_NE(other["groups"][0]["mean"], g["mean"]);
}

TEST_F(sweeps, bad_distributions)
{
  auto j = small_training();
  j["fixed"]["tokens"] = {{"distribution", "cauchy"}, {"low", 1}, {"high", 2}};
  j["samples"] = 10;
  EXPECT_NE(reject(j).find("/fixed/tokens/distribution: expected uniform, normal"), std::string::npos) << reject(j);
  j["fixed"]["tokens"] = {{"distribution", "triangular"}, {"low", 3}, {"mode", 1}, {"high", 2}};
  EXPECT_NE(reject(j).find("/fixed/tokens/mode: expected low <= mode <= high"), std::string::npos);
  j["fixed"]["tokens"] = {{"distribution", "normal"}, {"mean", 1e12}, {"sd", 0}};
  EXPECT_NE(reject(j).find("/fixed/tokens/sd: expected a positive spread"), std::string::npos);
  j["fixed"]["tokens"] = {{"distribution", "normal"}, {"mean", 1e12}, {"sd", 1e11}};
  j.erase("samples");
  EXPECT_NE(reject(j).find("give \"samples\": N"), std::string::npos);
}

// A 10^11-point grid would take too long for a test; memory independence of the grid size is
// structural (one accumulator per tile); the RSS measurement is in the benchmarks.

}  // namespace
}  // namespace fleetcap
