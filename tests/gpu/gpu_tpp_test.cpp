// The TPP / PD kernel on the CUDA backend: equal to the reference and to the CPU backend,
// bit for bit. Skipped (and reported as skipped) when no CUDA device is visible.

#include <gtest/gtest.h>

#include "fleetcap/backend.hpp"
#include "fleetcap/capacity.hpp"
#include "fleetcap/part_metrics.hpp"
#include "fleetcap/sweep.hpp"
#include "kernels/tpp_reference.hpp"
#include "sweep_expect.hpp"

namespace fleetcap {
namespace {

bool cuda_visible()
{
  const auto b = query_backends();
  return b.cuda_built && b.cuda_device_count > 0;
}

TEST(gpu_tpp_kernel, cuda_backend_equals_reference_and_cpu_exactly)
{
  if (!cuda_visible()) {
    GTEST_SKIP() << "no CUDA device visible: " << query_backends().cuda_status;
  }
  const auto parts = test::random_parts(1000000, 7);
  const auto gpu = evaluate_figures(backend_kind::cuda, parts);
  const auto cpu = evaluate_figures(backend_kind::cpu, parts);
  ASSERT_EQ(gpu.size(), parts.size());
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto want = test::reference_part_metrics(parts[i]);
    ASSERT_TRUE(test::same_double(gpu[i].tpp, want.tpp)) << "part " << i;
    ASSERT_TRUE(test::same_double(gpu[i].performance_density, want.performance_density)) << "part " << i;
    ASSERT_EQ(gpu[i].tpp_format, want.tpp_format) << "part " << i;
    ASSERT_TRUE(test::same_double(gpu[i].tpp, cpu[i].tpp)) << "part " << i;
  }
}

TEST(gpu_tpp_kernel, auto_backend_picks_cuda_when_visible)
{
  if (!cuda_visible()) {
    GTEST_SKIP() << "no CUDA device visible";
  }
  EXPECT_EQ(resolve_backend(backend_choice::automatic), backend_kind::cuda);
}

}  // namespace
}  // namespace fleetcap


namespace fleetcap {
namespace {

// The fleet Monte Carlo on CUDA returns the CPU's quantiles (within 1e-12 relative: the draws
// are identical and the per-sample sums run in the same order).
TEST(gpu_monte_carlo, cuda_equals_cpu)
{
  if (!cuda_visible()) {
    GTEST_SKIP() << "no CUDA device visible";
  }
  const auto parts = load_specs(*builtin_catalog());
  const auto metrics = evaluate_parts(backend_kind::cpu, parts);
  const auto holdings = resolve_holdings(load_fleets(*builtin_catalog(), parts), parts);
  capacity_options o;
  const auto groups = aggregate_capacity(holdings, parts, metrics, o);
  for (auto dist : {mc_distribution::triangular, mc_distribution::pert}) {
    monte_carlo_options mc{200000, 3, dist};
    const auto cpu = monte_carlo_capacity(backend_kind::cpu, holdings, parts, metrics, groups, o, mc_metric::h100e, mc);
    const auto gpu = monte_carlo_capacity(backend_kind::cuda, holdings, parts, metrics, groups, o, mc_metric::h100e, mc);
    ASSERT_EQ(cpu.size(), gpu.size());
    for (std::size_t g = 0; g < cpu.size(); ++g) {
      EXPECT_NEAR(gpu[g].p50, cpu[g].p50, 1e-12 * std::fabs(cpu[g].p50)) << g;
      EXPECT_NEAR(gpu[g].p5, cpu[g].p5, 1e-12 * std::fabs(cpu[g].p5)) << g;
      EXPECT_NEAR(gpu[g].mean, cpu[g].mean, 1e-12 * std::fabs(cpu[g].mean)) << g;
    }
  }
}

}  // namespace
}  // namespace fleetcap


namespace fleetcap {
namespace {

// The CUDA tile kernel (kernels/sweep_tile.cuh) against the CPU block fold on every built-in
// scenario, in one tile and in small tiles (runs of points cut mid-row, blocks with idle
// threads): counts, extremes, argmins and bins exactly, sums within 1e-12 relative (issue 11).
TEST(gpu_sweep, cuda_equals_cpu_on_every_scenario)
{
  if (!cuda_visible()) {
    GTEST_SKIP() << "no CUDA device visible";
  }
  const auto catalog = builtin_catalog();
  const auto parts = load_specs(*catalog);
  for (const char* id : {"training-grid", "layout-22b-64", "layout-gpt3-1024", "h20-design-space", "frontier-run-uncertainty",
                         "china-mix-what-if", "serving-grid"}) {
    const auto plan = load_scenario(id, *catalog, parts);
    const auto cpu = run_sweep(backend_kind::cpu, plan, 0, 1, std::uint64_t{1} << 22);
    // About 38 tiles of an odd size: tiles start and end mid-row.
    for (const std::uint64_t tile : {std::uint64_t{1} << 22, plan.total_points / 37 + 1}) {
      const auto gpu = run_sweep(backend_kind::cuda, plan, 0, 1, tile);
      ASSERT_EQ(cpu.groups.size(), gpu.groups.size()) << id;
      for (std::size_t g = 0; g < cpu.groups.size(); ++g) {
        SCOPED_TRACE(std::string(id) + " group " + std::to_string(g) + " tile " + std::to_string(tile));
        // Draws go through log/cos/exp, whose device versions may differ from glibc's in the
        // last bit: with draws, values agree to rounding and argmins may differ between near-ties.
        test::expect_same_fold(gpu.groups[g].accumulator, cpu.groups[g].accumulator, !plan.config.has_distributions);
        // Both backends fold a group with the same host-made bins.
        EXPECT_EQ(cpu.groups[g].bins.quantile_edges, gpu.groups[g].bins.quantile_edges);
      }
    }
  }
}

}  // namespace
}  // namespace fleetcap
