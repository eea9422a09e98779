// The TPP / PD kernel on the CUDA backend: equal to the reference and to the CPU backend,
// bit for bit. Skipped (and reported as skipped) when no CUDA device is visible.

#include <gtest/gtest.h>

#include "fleetcap/backend.hpp"
#include "fleetcap/part_metrics.hpp"
#include "kernels/tpp_reference.hpp"

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
