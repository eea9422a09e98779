// The 2023 rule (ECCN 3A090.a/.b) in two steps, its clause tests as a bit mask and the first
// that holds (kernels/compliance.cuh), against the rule written as one chain of early returns
// (this file's reference, the form it had before the sweep needed it branch-free), on a grid of
// TPP, PD (with unknowns) and data-centre status that sits on every threshold and beside it,
// under the published thresholds and moved ones; and the compliance map's CPU table against the
// function it is built from, for every mask.

#include <gtest/gtest.h>

#include <cmath>
#include <utility>
#include <vector>

#include "kernels/compliance.cuh"
#include "kernels/evaluators/compliance.cuh"

namespace fleetcap {
namespace {

verdict reference_3a090_2023(const part_compliance_inputs& p, const rule_3a090_2023_params& r)
{
  const auto v = [](verdict_status s, verdict_clause c) { return verdict{static_cast<int>(s), static_cast<int>(c)}; };
  if (std::isnan(p.tpp)) {
    return v(verdict_status::undetermined, verdict_clause::missing_tpp);
  }
  if (p.tpp >= r.a1_tpp_min) {
    return v(verdict_status::eccn_3a090_a, verdict_clause::a1);
  }
  if (!p.data_center && p.tpp < r.non_datacenter_tpp_min) {
    return v(verdict_status::exempt, verdict_clause::note2_non_datacenter);
  }
  const bool pd_matters = p.tpp >= r.a2_tpp_min || p.tpp >= r.b2_tpp_min || (p.tpp >= r.b1_tpp_min && p.tpp < r.b1_tpp_max);
  if (std::isnan(p.performance_density)) {
    return pd_matters ? v(verdict_status::undetermined, verdict_clause::missing_pd)
                      : v(verdict_status::not_controlled, verdict_clause::below_a_and_b);
  }
  const double pd = p.performance_density;
  if (p.tpp >= r.a2_tpp_min && pd >= r.a2_pd_min) {
    return v(verdict_status::eccn_3a090_a, verdict_clause::a2);
  }
  if (p.tpp >= r.b1_tpp_min && p.tpp < r.b1_tpp_max && pd >= r.b1_pd_min && pd < r.b1_pd_max) {
    return v(verdict_status::eccn_3a090_b, verdict_clause::b1);
  }
  if (p.tpp >= r.b2_tpp_min && pd >= r.b2_pd_min && pd < r.b2_pd_max) {
    return v(verdict_status::eccn_3a090_b, verdict_clause::b2);
  }
  return v(verdict_status::not_controlled, verdict_clause::below_a_and_b);
}

// The published thresholds (88 FR 73458: a.1 4800; a.2 1600 and 5.92; b.1 2400 to 4800 and 1.6
// to 5.92; b.2 1600 and 3.2 to 5.92; Note 2 below 4800).
rule_3a090_2023_params published()
{
  return {4800.0, 1600.0, 5.92, 2400.0, 4800.0, 1.6, 5.92, 1600.0, 3.2, 5.92, 4800.0};
}

// Each threshold, the doubles beside it, and values between and beyond.
std::vector<double> around(const std::vector<double>& lines, double low, double high)
{
  std::vector<double> v = {0.0, low, high};
  for (const double x : lines) {
    v.push_back(x);
    v.push_back(std::nextafter(x, -HUGE_VAL));
    v.push_back(std::nextafter(x, HUGE_VAL));
    v.push_back(x * 0.9);
    v.push_back(x * 1.1);
  }
  return v;
}

TEST(compliance_2023_in_two_steps, every_verdict_and_clause_match_the_rule_as_one_chain)
{
  auto moved = published();  // a what-if: b.1 from 1,600, a.1 at 6,000, PD lines moved
  moved.a1_tpp_min = moved.b1_tpp_max = moved.non_datacenter_tpp_min = 6000.0;
  moved.b1_tpp_min = 1600.0;
  moved.b2_pd_min = 2.0;
  moved.a2_pd_min = 8.0;
  for (const auto& r : {published(), moved}) {
    std::vector<double> tpps = around({r.a1_tpp_min, r.a2_tpp_min, r.b1_tpp_min, r.b1_tpp_max, r.b2_tpp_min}, 1.0, 1e5);
    std::vector<double> pds = around({r.a2_pd_min, r.b1_pd_min, r.b1_pd_max, r.b2_pd_min, r.b2_pd_max}, 0.01, 100.0);
    tpps.push_back(std::nan(""));
    pds.push_back(std::nan(""));
    int checked = 0;
    for (const double tpp : tpps) {
      for (const double pd : pds) {
        for (const int data_center : {0, 1}) {
          part_compliance_inputs p{};
          p.tpp = tpp;
          p.performance_density = pd;
          p.data_center = data_center;
          const verdict got = classify_3a090_2023(p, r), want = reference_3a090_2023(p, r);
          ASSERT_EQ(got.status, want.status) << "TPP " << tpp << ", PD " << pd << ", data centre " << data_center;
          ASSERT_EQ(got.clause, want.clause) << "TPP " << tpp << ", PD " << pd << ", data centre " << data_center;
          ++checked;
        }
      }
    }
    EXPECT_GT(checked, 1000);
  }
}

TEST(compliance_2023_in_two_steps, the_cpu_table_is_the_verdict_function)
{
  for (unsigned t = 0; t < static_cast<unsigned>(rule_3a090_2023_test_masks); ++t) {
    EXPECT_EQ(compliance_status_table.status[t], static_cast<double>(verdict_of_3a090_2023_tests(t).status)) << "mask " << t;
  }
}

// The bit sets the CPU reads the evaluator's indicators from: each mask in exactly the set of
// its status, for all 256 masks, and each set holding some mask (no indicator is always 0).
TEST(compliance_2023_in_two_steps, the_cpu_bit_sets_are_the_verdict_function)
{
  const std::pair<const compliance_masks_of_status*, verdict_status> sets[] = {
      {&compliance_masks_3a090_a, verdict_status::eccn_3a090_a},
      {&compliance_masks_3a090_b, verdict_status::eccn_3a090_b},
      {&compliance_masks_not_controlled, verdict_status::not_controlled},
      {&compliance_masks_exempt, verdict_status::exempt},
  };
  for (const auto& [set, status] : sets) {
    int members = 0;
    for (unsigned t = 0; t < static_cast<unsigned>(rule_3a090_2023_test_masks); ++t) {
      const double want = verdict_of_3a090_2023_tests(t).status == static_cast<int>(status) ? 1.0 : 0.0;
      EXPECT_EQ(set->holds(static_cast<std::uint64_t>(t)), want) << "status " << static_cast<int>(status) << ", mask " << t;
      members += want == 1.0 ? 1 : 0;
    }
    EXPECT_GT(members, 0) << "status " << static_cast<int>(status);
  }
}

}  // namespace
}  // namespace fleetcap
