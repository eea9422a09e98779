// The TPP / PD kernel on the CPU backend against the plain-loop reference.

#include <gtest/gtest.h>

#include <cmath>

#include "fleetcap/part_metrics.hpp"
#include "kernels/tpp.cuh"
#include "kernels/tpp_reference.hpp"

namespace fleetcap {
namespace {

TEST(tpp_kernel, cpu_backend_equals_reference_exactly)
{
  const auto parts = test::random_parts(100000, 42);
  const auto got = evaluate_figures(backend_kind::cpu, parts);
  ASSERT_EQ(got.size(), parts.size());
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto want = test::reference_part_metrics(parts[i]);
    ASSERT_TRUE(test::same_double(got[i].tpp, want.tpp)) << "part " << i;
    ASSERT_TRUE(test::same_double(got[i].performance_density, want.performance_density)) << "part " << i;
    ASSERT_EQ(got[i].tpp_format, want.tpp_format) << "part " << i;
  }
}

TEST(tpp_kernel, empty_input_gives_empty_output)
{
  EXPECT_TRUE(evaluate_figures(backend_kind::cpu, {}).empty());
}

TEST(tpp_kernel, part_without_any_peak_has_no_tpp_format)
{
  part_figures p{};
  p.applicable_die_area_m2 = 800e-6;
  const auto m = evaluate_part(p);
  EXPECT_EQ(m.tpp, 0.0);
  EXPECT_EQ(m.tpp_format, -1);
}

TEST(tpp_kernel, unknown_area_gives_nan_density)
{
  part_figures p{};
  p.dense_peak_ops_per_s[static_cast<int>(numeric_format::int8)] = 624e12;
  const auto m = evaluate_part(p);
  EXPECT_DOUBLE_EQ(m.tpp, 4992.0);
  EXPECT_TRUE(std::isnan(m.performance_density));
}

// BIS example in the 2023 rule's technical note: the 4,800 line "can be met with 600 tera
// integer operations ... at 8 bits or 300 tera FLOPS ... at 16 bits".
TEST(tpp_kernel, bis_worked_example_meets_4800)
{
  part_figures eight_bit{};
  eight_bit.dense_peak_ops_per_s[static_cast<int>(numeric_format::int8)] = 600e12;
  part_figures sixteen_bit{};
  sixteen_bit.dense_peak_ops_per_s[static_cast<int>(numeric_format::fp16)] = 300e12;
  EXPECT_DOUBLE_EQ(evaluate_part(eight_bit).tpp, 4800.0);
  EXPECT_DOUBLE_EQ(evaluate_part(sixteen_bit).tpp, 4800.0);
}

TEST(tpp_kernel, ties_go_to_the_lower_format_index)
{
  part_figures p{};
  p.dense_peak_ops_per_s[static_cast<int>(numeric_format::bf16)] = 148e12;  // 2,368
  p.dense_peak_ops_per_s[static_cast<int>(numeric_format::fp8)] = 296e12;   // 2,368
  EXPECT_EQ(evaluate_part(p).tpp_format, static_cast<int>(numeric_format::bf16));
}

TEST(tpp_kernel, tf32_counts_nineteen_bits)
{
  EXPECT_EQ(format_bit_length(static_cast<int>(numeric_format::tf32)), 19);
  EXPECT_EQ(format_bit_length(static_cast<int>(numeric_format::fp4)), 4);
  EXPECT_EQ(format_bit_length(99), 0);
}

}  // namespace
}  // namespace fleetcap
