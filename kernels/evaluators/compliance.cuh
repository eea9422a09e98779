#pragma once
// Sweep evaluator "compliance": hypothetical parts under the 2023 rule (ECCN 3A090), the
// thresholds themselves as inputs.

#include <array>
#include <cstdint>

#include "kernels/compliance.cuh"
#include "kernels/fc_hd.cuh"
#include "kernels/sweep_evaluator.hpp"
#include "kernels/sweep_types.hpp"
#include "kernels/tpp.cuh"

namespace fleetcap {

// The status of each test mask of the 2023 rule (kernels/compliance.cuh), as doubles.
struct compliance_status_by_tests {
  double status[rule_3a090_2023_test_masks];
  constexpr compliance_status_by_tests() : status{}
  {
    for (int t = 0; t < rule_3a090_2023_test_masks; ++t) {
      status[t] = static_cast<double>(verdict_of_3a090_2023_tests(static_cast<unsigned>(t)).status);
    }
  }
};
inline constexpr compliance_status_by_tests compliance_status_table{};

// For one status, the test masks that give it: a 256-bit set, bit t of word t / 64.
struct compliance_masks_of_status {
  std::uint64_t word[rule_3a090_2023_test_masks / 64];
  constexpr explicit compliance_masks_of_status(verdict_status s) : word{}
  {
    for (int t = 0; t < rule_3a090_2023_test_masks; ++t) {
      if (verdict_of_3a090_2023_tests(static_cast<unsigned>(t)).status == static_cast<int>(s)) {
        word[t / 64] |= std::uint64_t{1} << (t % 64);
      }
    }
  }
  // 1 if the test mask t (0-255) gives the status, else 0. The word is chosen by
  // selects and the bit by a shift: the CPU block loop vectorises these, where it makes an
  // indexed load (the table above) lane by lane.
  constexpr double holds(std::uint64_t t) const
  {
    const std::uint64_t w = (t & 128) != 0 ? ((t & 64) != 0 ? word[3] : word[2]) : ((t & 64) != 0 ? word[1] : word[0]);
    return static_cast<double>((w >> (t & 63)) & 1);
  }
};
static_assert(rule_3a090_2023_test_masks == 256, "compliance_masks_of_status::holds picks one of four words");
inline constexpr compliance_masks_of_status compliance_masks_3a090_a{verdict_status::eccn_3a090_a};
inline constexpr compliance_masks_of_status compliance_masks_3a090_b{verdict_status::eccn_3a090_b};
inline constexpr compliance_masks_of_status compliance_masks_not_controlled{verdict_status::not_controlled};
inline constexpr compliance_masks_of_status compliance_masks_exempt{verdict_status::exempt};

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
    const std::uint64_t tests = rule_3a090_2023_tests(p, r);
    m[0] = p.tpp;
    m[1] = p.performance_density;
#if defined(__CUDA_ARCH__)
    const int status = verdict_of_3a090_2023_tests(static_cast<unsigned>(tests)).status;
    m[2] = status == static_cast<int>(verdict_status::eccn_3a090_a) ? 1.0 : 0.0;
    m[3] = status == static_cast<int>(verdict_status::eccn_3a090_b) ? 1.0 : 0.0;
    m[4] = status == static_cast<int>(verdict_status::not_controlled) ? 1.0 : 0.0;
    m[5] = status == static_cast<int>(verdict_status::exempt) ? 1.0 : 0.0;
    m[6] = static_cast<double>(status);
#else
    // The same verdict from tables built from that function: the status by an indexed load,
    // the indicators by bit sets, which the CPU block loop vectorises. The CPU evaluates a block
    // once per metric a scenario reads, so a map that reads only indicators makes no indexed
    // loads. Measured on h20-design-space with 100x the TOPS axis (120 M points, one thread,
    // AMD EPYC with AVX-512, whole command): indicators from the status table 0.33 s, from the
    // bit sets 0.28 s.
    m[2] = compliance_masks_3a090_a.holds(tests);
    m[3] = compliance_masks_3a090_b.holds(tests);
    m[4] = compliance_masks_not_controlled.holds(tests);
    m[5] = compliance_masks_exempt.holds(tests);
    m[6] = compliance_status_table.status[tests];
#endif
  }
};

}  // namespace fleetcap
