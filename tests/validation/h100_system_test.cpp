// The shipped dgx-h100 system against public H100 runs with full layouts: NVIDIA's DGX Cloud
// Benchmarking Recipes 25.02 (github.com/NVIDIA/dgxc-benchmarking; data/workloads/dgxc-h100-*).
// The system was fitted on the BF16 set, so that figure is in-sample and is printed for
// reference; the FP8 sets (the same runs in FP8, and NeMo 24.07's FP8 runs) were held out.
// Leave-one-out and leave-one-model-out errors come from `fleetcap calibrate
// dgxc-h100-bf16-2025` (3 min on this machine, too slow for a test): 1.66 % and 2.33 % / 5.64 %.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "fleetcap/catalog.hpp"
#include "fleetcap/training.hpp"
#include "kernels/training.cuh"

namespace fleetcap {
namespace {

struct set_error {
  double mean = 0, max = 0;
};

set_error shipped_system_error(const char* id, numeric_format precision)
{
  const auto source = builtin_catalog();
  const auto parts = load_specs(*source);
  const auto systems = load_systems(*source, parts);
  const auto set = load_run_set(id, *source);
  const auto& system = find_system(systems, set.system);
  const auto figures = figures_for(system, find_part(parts, system.part), precision);
  set_error e;
  for (const auto& run : set.runs) {
    const double predicted = estimate_step(run.shape, run.layout, figures).step_seconds;
    const double error = std::fabs(predicted - run.step_seconds) / run.step_seconds;
    e.mean += error / static_cast<double>(set.runs.size());
    e.max = std::max(e.max, error);
  }
  std::printf("%s on %s: mean %.2f%%, max %.2f%% over %zu runs\n", id, system.id.c_str(), 100 * e.mean, 100 * e.max,
              set.runs.size());
  return e;
}

// Measured when the system was fitted: 1.29 % mean, 3.42 % max (in-sample).
TEST(dgx_h100_system, fits_the_bf16_runs_it_was_fitted_on)
{
  const auto e = shipped_system_error("dgxc-h100-bf16-2025", numeric_format::bf16);
  EXPECT_LE(e.mean, 0.015);
  EXPECT_LE(e.max, 0.04);
}

// Held out. Measured: 8.33 % mean, 13.29 % max (DGX Cloud FP8) and 15.78 % / 35.24 % (NeMo
// 24.07 FP8; GPT-3 20B is the outlier). The bounds pin these so that a regression fails.
TEST(dgx_h100_system, predicts_the_held_out_fp8_runs)
{
  const auto dgxc = shipped_system_error("dgxc-h100-fp8-2025", numeric_format::fp8);
  EXPECT_LE(dgxc.mean, 0.09);
  EXPECT_LE(dgxc.max, 0.14);
  const auto nemo = shipped_system_error("nemo-h100-fp8-2024", numeric_format::fp8);
  EXPECT_LE(nemo.mean, 0.17);
}

// FP8 recipes keep the attention core in BF16: the system's FP8 figures carry the BF16 peak
// for it (H100 SXM: 1,979 and 989.5 dense TFLOP/s, specs/h100-sxm.json).
TEST(dgx_h100_system, fp8_costs_the_attention_core_at_the_bf16_peak)
{
  const auto source = builtin_catalog();
  const auto parts = load_specs(*source);
  const auto& part = find_part(parts, "h100-sxm");
  const auto system = default_system(part);
  const auto fp8 = figures_for(system, part, numeric_format::fp8);
  const auto bf16 = figures_for(system, part, numeric_format::bf16);
  EXPECT_DOUBLE_EQ(fp8.attention_peak_flop_per_s, bf16.peak_flop_per_s);
  EXPECT_DOUBLE_EQ(bf16.attention_peak_flop_per_s, bf16.peak_flop_per_s);
  EXPECT_GT(fp8.peak_flop_per_s, 1.9 * bf16.peak_flop_per_s);
}

}  // namespace
}  // namespace fleetcap
