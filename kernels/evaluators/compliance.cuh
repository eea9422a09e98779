#pragma once
// Sweep evaluator "compliance": hypothetical parts under the 2023 rule (ECCN 3A090), the
// thresholds themselves as inputs.

#include <array>

#include "kernels/compliance.cuh"
#include "kernels/fc_hd.cuh"
#include "kernels/sweep_evaluator.hpp"
#include "kernels/sweep_types.hpp"
#include "kernels/tpp.cuh"

namespace fleetcap {

struct compliance_evaluator {
  static constexpr const char* name = "compliance";
  // The four thresholds default to the us-3a090-2023 rule's values (filled in by the host).
  static constexpr std::array<sweep_input, 8> inputs = {{
      sweep_input_positive("dense_tops", 1e12, "expected a positive number up to 1e12"),
      sweep_input_whole("bit_length", 1, 64, "expected a whole bit length from 1 to 64"),
      sweep_input_positive("die_area_mm2", 1e12, "expected a positive number up to 1e12"),
      sweep_input_any("data_center", 1),
      sweep_input_any("a1_tpp_min"),
      sweep_input_any("b1_tpp_min"),
      sweep_input_any("b2_pd_min"),
      sweep_input_any("a2_pd_min"),
  }};
  static constexpr std::array<const char*, 7> metrics = {
      {"tpp", "performance_density", "is_3a090_a", "is_3a090_b", "not_controlled", "exempt", "status"}};
  // Comparisons and one division a point: evaluated once per metric a scenario reads, rather
  // than writing all seven (kernels/sweep_block_fold.cuh).
  static constexpr bool metric_passes = true;

  // Metrics: 0 TPP, 1 PD, 2 is 3A090.a, 3 is 3A090.b, 4 not controlled, 5 exempt, 6 status code.
  FC_HD static void evaluate(const sweep_config& c, const double* x, double* m)
  {
    // Field by field, not a copy of c.rule and edits: GCC split a struct copy into a loop of its
    // own, run once per point, which cost a quarter of a compliance map's time.
    rule_3a090_2023_params r;
    r.a1_tpp_min = x[4];
    r.a2_tpp_min = c.rule.a2_tpp_min;
    r.a2_pd_min = x[7];
    r.b1_tpp_min = x[5];
    r.b1_tpp_max = x[4];  // b.1's upper TPP bound is a.1's line
    r.b1_pd_min = c.rule.b1_pd_min;
    r.b1_pd_max = c.rule.b1_pd_max;
    r.b2_tpp_min = c.rule.b2_tpp_min;
    r.b2_pd_min = x[6];
    r.b2_pd_max = c.rule.b2_pd_max;
    r.non_datacenter_tpp_min = x[4];  // Note 2 exempts below a.1's line
    part_compliance_inputs p{};
    p.tpp = tpp_of_format(x[0] * 1e12, static_cast<int>(x[1]));
    p.performance_density = performance_density(p.tpp, x[2] * 1e-6);
    p.data_center = x[3] != 0.0 ? 1 : 0;
    // The tests and the verdict as selects: the CPU block loop keeps the tests in mask registers
    // and makes each indicator from a few blends (kernels/compliance.cuh).
    const int status = verdict_of_3a090_2023_tests(rule_3a090_2023_tests_of(p, r)).status;
    m[0] = p.tpp;
    m[1] = p.performance_density;
    m[2] = status == static_cast<int>(verdict_status::eccn_3a090_a) ? 1.0 : 0.0;
    m[3] = status == static_cast<int>(verdict_status::eccn_3a090_b) ? 1.0 : 0.0;
    m[4] = status == static_cast<int>(verdict_status::not_controlled) ? 1.0 : 0.0;
    m[5] = status == static_cast<int>(verdict_status::exempt) ? 1.0 : 0.0;
    m[6] = static_cast<double>(status);
  }
};

}  // namespace fleetcap
