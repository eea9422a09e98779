// The shipped serving profiles against the published serving measurements (data/serving/).
// What each profile was fitted on is checked, and the errors are pinned at the values measured
// when the profiles were fitted, so a change to the model or the data that moves them is seen.
// In-sample: h100-sxm and h200-sxm were fitted together on both TensorRT-LLM tables and the
// SGLang large-scale-EP runs, b200 on both TensorRT-LLM tables. Held out: every H20 and H800
// measurement (those parts carry the h100-sxm efficiencies); leave-one-set-out is pinned in
// the refit test below.

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "fleetcap/catalog.hpp"
#include "fleetcap/serving.hpp"

namespace fleetcap {
namespace {

struct set_error {
  double mean = 0;
  std::size_t evaluated = 0;
  std::size_t skipped = 0;
};

std::map<std::string, set_error> errors_by_set()
{
  const auto source = builtin_catalog();
  const auto parts = load_specs(*source);
  const auto workloads = load_workloads(*source);
  const auto profiles = load_serving_profiles(*source, parts);
  std::map<std::string, set_error> out;
  for (const auto& set : load_serving_measurements(*source, workloads, parts)) {
    auto& e = out[set.id];
    for (const auto& m : set.measurements) {
      const auto& part = find_part(parts, m.part);
      const auto pr = predict_measurement(m, find_workload(workloads, m.model), part, serving_profile_for(profiles, part));
      if (!pr.evaluated) {
        ++e.skipped;
        EXPECT_FALSE(pr.why_not.empty()) << m.name;
        continue;
      }
      EXPECT_TRUE(std::isfinite(pr.predicted) && pr.predicted > 0) << m.name;
      e.mean += std::fabs(pr.predicted / m.value - 1.0);
      ++e.evaluated;
    }
    if (e.evaluated) {
      e.mean /= static_cast<double>(e.evaluated);
    }
  }
  return out;
}

TEST(serving_validation, shipped_profiles_say_what_they_were_fitted_on)
{
  const auto source = builtin_catalog();
  const auto parts = load_specs(*source);
  const std::vector<std::string> hopper = {"trtllm-perf-overview-v1-0", "trtllm-perf-overview-per-gpu",
                                           "lmsys-sglang-deepseek-h100-large-scale-ep"};
  const std::vector<std::string> b200 = {"trtllm-perf-overview-v1-0", "trtllm-perf-overview-per-gpu"};
  for (const auto& p : load_serving_profiles(*source, parts)) {
    if (p.part == "h100-sxm" || p.part == "h200-sxm") {
      EXPECT_EQ(p.calibrated_on, hopper) << p.part;
    } else if (p.part == "b200") {
      EXPECT_EQ(p.calibrated_on, b200) << p.part;
    } else {
      EXPECT_TRUE(p.calibrated_on.empty()) << p.part << ": transferred profiles are not fitted on their part";
    }
  }
}

TEST(serving_validation, errors_in_sample_and_held_out_are_as_measured)
{
  const auto e = errors_by_set();
  // In-sample (not a validation): 117 TensorRT-LLM v1.0 rows, 41 per-GPU rows, 4 SGLang rows.
  EXPECT_EQ(e.at("trtllm-perf-overview-v1-0").evaluated, 117u);
  EXPECT_NEAR(e.at("trtllm-perf-overview-v1-0").mean, 0.1000, 0.0005);
  EXPECT_EQ(e.at("trtllm-perf-overview-per-gpu").evaluated, 41u);
  EXPECT_NEAR(e.at("trtllm-perf-overview-per-gpu").mean, 0.1804, 0.0005);
  EXPECT_NEAR(e.at("lmsys-sglang-deepseek-h100-large-scale-ep").mean, 0.1646, 0.0005);
  // Held out: DeepSeek-R1/V3 on H20 (SGLang, Ant Group) and on H800 (DeepSeek's profile).
  EXPECT_EQ(e.at("lmsys-sglang-ant-group-h20").evaluated, 8u);
  EXPECT_NEAR(e.at("lmsys-sglang-ant-group-h20").mean, 0.3397, 0.0005);
  EXPECT_NEAR(e.at("alibaba-infersim-h20").mean, 0.1947, 0.0005);
  // Rows without the inputs the model needs are listed as not evaluated, never scored as 0.
  EXPECT_EQ(e.at("mlperf-inference-v4-1-llama2-70b").evaluated, 0u);
  EXPECT_EQ(e.at("mlperf-inference-v4-1-llama2-70b").skipped, 8u);
  EXPECT_EQ(e.at("deepseek-day6-inference-h800").skipped, 3u);
}

TEST(serving_validation, refitting_hopper_on_its_sets_gives_the_shipped_profile)
{
  const auto source = builtin_catalog();
  const auto parts = load_specs(*source);
  const auto workloads = load_workloads(*source);
  const auto& h100 = find_part(parts, "h100-sxm");
  const auto& h200 = find_part(parts, "h200-sxm");
  const auto shipped = serving_profile_for(load_serving_profiles(*source, parts), h100);
  std::vector<serving_measurement_set> sets;
  for (const auto& id : shipped.calibrated_on) {
    sets.push_back(load_serving_measurement_set(id, *source, workloads, parts));
  }
  const auto fit = calibrate_serving(sets, workloads, {&h100, &h200}, default_serving_profile(h100));
  EXPECT_EQ(fit.rows, 100u);
  EXPECT_DOUBLE_EQ(fit.profile.decode_bandwidth, shipped.decode_bandwidth);
  EXPECT_DOUBLE_EQ(fit.profile.decode_compute, shipped.decode_compute);
  EXPECT_DOUBLE_EQ(fit.profile.prefill_compute, shipped.prefill_compute);
  EXPECT_DOUBLE_EQ(fit.profile.expert_compute, shipped.expert_compute);
  EXPECT_NEAR(fit.profile.step_overhead_s, shipped.step_overhead_s, 1e-12);
  EXPECT_NEAR(fit.profile.collective_latency_s, shipped.collective_latency_s, 1e-12);
  // Measured: in-sample 10.88 %, leave-one-out 11.16 %, leave-one-model-out 15.82 %,
  // leave-one-set-out 24.49 % (the per-GPU TensorRT-LLM table predicted from the others: 40.5 %).
  EXPECT_NEAR(fit.in_sample, 0.1088, 0.0005);
  EXPECT_NEAR(fit.leave_one_out, 0.1116, 0.0005);
  EXPECT_NEAR(fit.leave_one_model_out, 0.1582, 0.0005);
  EXPECT_NEAR(fit.leave_one_set_out, 0.2449, 0.0005);
  ASSERT_EQ(fit.per_set.size(), 3u);
}

}  // namespace
}  // namespace fleetcap
