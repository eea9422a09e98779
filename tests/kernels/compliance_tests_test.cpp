// The 2023 rule (ECCN 3A090.a/.b) in two steps, its clause tests and the first that holds, both
// branch-free (kernels/compliance.cuh), against the rule written as one chain of early returns
// (this file's reference, the form it had before the sweep needed it branch-free), on a grid of
// TPP, PD (with unknowns) and data-centre status that sits on every threshold and beside it,
// under the published thresholds and moved ones.

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kernels/compliance.cuh"

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

}  // namespace
}  // namespace fleetcap
