// Calibration against published Selene runs, per era of Megatron-LM. Each test fits the step
// model on one table and reports in-sample, leave-one-out and leave-one-model-out errors
// separately (the last holds out every run of a model and predicts them from the others).
// Only the held-out figures are validation; the in-sample ones are printed for reference.
//   Narayanan et al. 2021 (arXiv 2104.04473), Table 1: ten GPT runs, 1.7B-1T, TFLOP/s per GPU.
//   Korthikanti et al. 2022 (arXiv 2205.05198), Table 5: 22B/175B/530B/1T, full recompute and
//   sequence parallelism + selective recompute, iteration times.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <numeric>

#include "fleetcap/calibration.hpp"

namespace fleetcap {
namespace {

double mean_of(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size()); }

calibration_result calibrate_set(const char* id, const run_set& set)
{
  const auto source = builtin_catalog();
  const auto parts = load_specs(*source);
  const auto systems = load_systems(*source, parts);
  const auto& system = find_system(systems, set.system);
  const auto r = calibrate(backend_kind::cpu, set, system, find_part(parts, system.part), numeric_format::fp16,
                           default_calibration_grid());
  for (std::size_t i = 0; i < set.runs.size(); ++i) {
    std::printf("%-24s in-sample %5.2f%%  leave-one-out %5.2f%%  leave-one-model-out %5.2f%%\n", set.runs[i].name.c_str(),
                100 * r.run_errors[i], 100 * r.held_out_errors[i],
                r.held_out_model_errors.empty() ? 0.0 : 100 * r.held_out_model_errors[i]);
  }
  std::printf("%s: in-sample mean %.2f%% max %.2f%%; leave-one-out mean %.2f%%; leave-one-model-out mean %.2f%% max %.2f%%\n",
              id, 100 * r.fit_mean_error, 100 * r.fit_max_error, 100 * mean_of(r.held_out_errors),
              100 * mean_of(r.held_out_model_errors),
              100 * *std::max_element(r.held_out_model_errors.begin(), r.held_out_model_errors.end()));
  return r;
}

// Target (issue 10): leave-one-model-out mean <= 2.5 % with the 2021 system. Measured: 2.14 %.
TEST(megatron_table_1, leave_one_model_out_within_two_and_a_half_percent)
{
  const auto set = load_run_set("megatron-selene-2021", *builtin_catalog());
  ASSERT_EQ(set.runs.size(), 10u);
  const auto r = calibrate_set("Table 1", set);
  EXPECT_LE(r.fit_mean_error, 0.02);
  EXPECT_LE(mean_of(r.held_out_model_errors), 0.025);
}

// Target (issue 10): leave-one-model-out mean <= 2 %, max <= 4 %. NOT met: measured 4.97 %
// mean, 10.7 % max (the 22B model, the narrowest, predicted from the three wider ones; the
// other models are held out at 0.4-6.0 %). The bounds below pin what the model achieves so a
// regression fails; they are not the target.
TEST(korthikanti_table_5, held_out_errors_as_measured)
{
  const auto set = load_run_set("megatron-selene-2022", *builtin_catalog());
  ASSERT_EQ(set.runs.size(), 8u);
  const auto r = calibrate_set("Table 5", set);
  EXPECT_LE(r.fit_mean_error, 0.015);
  EXPECT_LE(mean_of(r.held_out_errors), 0.025);
  EXPECT_LE(mean_of(r.held_out_model_errors), 0.055);
  // Full recompute vs sequence parallelism + selective recompute: measured 1.29-1.32; the
  // step model gives 1.31-1.33 (4/3 of the FLOPs, less the work that does not repeat).
  for (std::size_t i = 0; i + 1 < set.runs.size(); i += 2) {
    const double measured = set.runs[i].step_seconds / set.runs[i + 1].step_seconds;
    const double predicted = r.predicted_step_seconds[i] / r.predicted_step_seconds[i + 1];
    std::printf("%s: full / selective + SP measured %.3f, predicted %.3f\n", set.runs[i].name.c_str(), measured, predicted);
    EXPECT_NEAR(predicted, measured, 0.03);
    EXPECT_LT(predicted, 4.0 / 3.0);
  }
}

}  // namespace
}  // namespace fleetcap
