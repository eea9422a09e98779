// TPP and performance density from the built-in catalogue against published figures.
// Each expectation names its source (see shared/reference/FACTS.md, part 2.3) and the test
// prints how far off we are, so a drift shows its size and not just a failure.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "fleetcap/catalog.hpp"
#include "fleetcap/part_metrics.hpp"

namespace fleetcap {
namespace {

struct published_figure {
  const char* part;
  double tpp;
  double tpp_tolerance;
  double pd;  // NaN where none is published
  double pd_tolerance;
  const char* source;
};

const published_figure published[] = {
    // BIS-derived TPP quoted by the [LEAD] research note (1,979 x 8) and the [TRACKER]
    // export-control tracker; PD 19.4 from tweaktown/smbom (they truncate 19.45).
    {"h100-sxm", 15832, 1, 19.4, 0.06, "[LEAD], [TRACKER]; PD tweaktown/smbom"},
    {"h200-sxm", 15832, 1, NAN, 0, "[TRACKER] (H200 SXM TPP 15,832)"},
    {"h800-sxm", 15832, 1, NAN, 0, "[LEAD] (same compute as H100)"},
    // SemiAnalysis via the FT (4 Jul 2024): H20 TPP 2,368; PD 2.9 from tweaktown/smbom.
    {"h20", 2368, 1, 2.9, 0.02, "SemiAnalysis via FT; PD tweaktown/smbom"},
    // [LEAD] (624 x 8) and Epoch via [TRACKER] ("4,992, right above 4,800").
    {"a100-sxm4-80gb", 4992, 1, NAN, 0, "[LEAD], Epoch via [TRACKER]"},
    {"a100-pcie-40gb", 4992, 1, NAN, 0, "[LEAD]"},
    {"a800-sxm4-80gb", 4992, 1, NAN, 0, "[LEAD]"},
    // [LEAD]: B200 "~36,000".
    {"b200", 36000, 1, NAN, 0, "[LEAD]"},
    // Huawei's CloudMatrix384 paper (arXiv 2506.12708): 752 TFLOPS dense BF16/FP16 per 910C,
    // so TPP 752 x 16 = 12,032 (issue 9).
    {"ascend-910c", 12032, 1, NAN, 0, "arXiv 2506.12708"},
};

TEST(published_tpp, catalogue_reproduces_published_figures)
{
  const auto parts = load_specs(*builtin_catalog());
  std::vector<part_spec> chosen;
  for (const auto& f : published) {
    chosen.push_back(find_part(parts, f.part));
  }
  const auto metrics = evaluate_parts(backend_kind::cpu, chosen);
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    const auto& f = published[i];
    const auto& m = metrics[i].mid;
    std::printf("%-16s TPP %9.1f vs published %7.0f (off by %+.1f, %+.4f%%)  [%s]\n", f.part, m.tpp,
                f.tpp, m.tpp - f.tpp, 100.0 * (m.tpp - f.tpp) / f.tpp, f.source);
    EXPECT_NEAR(m.tpp, f.tpp, f.tpp_tolerance) << f.part << " (" << f.source << ")";
    if (!std::isnan(f.pd)) {
      std::printf("%-16s PD  %9.3f vs published %7.2f (off by %+.3f)\n", f.part,
                  m.performance_density, f.pd, m.performance_density - f.pd);
      EXPECT_NEAR(m.performance_density, f.pd, f.pd_tolerance) << f.part;
    }
  }
}

// SemiAnalysis via the FT: Ascend 910B TPP "over 5,000". Our sheet's range is 313-376 x 16 =
// 5,008-6,016 (Huawei's Atlas 800T A2 white paper), so every end of it agrees.
TEST(published_tpp, ascend_910b_is_over_5000)
{
  const auto parts = load_specs(*builtin_catalog());
  const auto m = evaluate_parts(backend_kind::cpu, {find_part(parts, "ascend-910b")}).front();
  EXPECT_GT(m.low.tpp, 5000.0);
  EXPECT_GT(m.mid.tpp, 5000.0);
}

// The H20 was "designed not to exceed" the 2023 thresholds: TPP under 2,400 (3A090.b.1) and
// PD under 3.2 (3A090.b.2), per FACTS R2 and the H20 sheet's sources.
TEST(published_tpp, h20_sits_just_under_the_2023_lines)
{
  const auto parts = load_specs(*builtin_catalog());
  const auto m = evaluate_parts(backend_kind::cpu, {find_part(parts, "h20")}).front();
  EXPECT_LT(m.high.tpp, 2400.0);
  EXPECT_LT(m.high.performance_density, 3.2);
}

}  // namespace
}  // namespace fleetcap
