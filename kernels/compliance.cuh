#pragma once
// Threshold tests of export-control and reporting rules, as single-source functions of a
// part's numbers and a rule's parameters. Each returns a status and the clause that decided
// it; host code turns the clause into words with the numbers. Unknown figures are NaN, and a
// test that needs one returns `undetermined` rather than guessing.

#include "kernels/compliance_types.hpp"
#include "kernels/fc_hd.cuh"

namespace fleetcap {

FC_HD constexpr verdict make_verdict(verdict_status s, verdict_clause c)
{
  return verdict{static_cast<int>(s), static_cast<int>(c)};
}

// NaN test that compiles the same on host and device (no -ffast-math in this project).
FC_HD inline bool is_unknown(double x) { return x != x; }

// ECCN 3A090 (7 Oct 2022 IFR, 87 FR 62186): an IC is controlled when BOTH its aggregate
// bidirectional I/O is "600 Gbyte/s or more" AND bit length x TOPS is "4800 or more".
// The I/O figure used here is the scale-up (NVLink/HCCS/MLU-Link) bandwidth; host-interface
// bandwidth (PCIe, <= 128 GB/s on these parts) changes no verdict in the catalogue.
FC_HD inline verdict classify_3a090_2022(const part_compliance_inputs& p, const rule_3a090_2022_params& r)
{
  if (is_unknown(p.tpp)) {
    return make_verdict(verdict_status::undetermined, verdict_clause::missing_tpp);
  }
  if (p.tpp < r.tpp_min) {
    return make_verdict(verdict_status::not_controlled, verdict_clause::tpp_below_2022);
  }
  if (is_unknown(p.io_bidirectional_bytes_per_s)) {
    return make_verdict(verdict_status::undetermined, verdict_clause::missing_io);
  }
  if (p.io_bidirectional_bytes_per_s < r.io_bidirectional_bytes_per_s_min) {
    return make_verdict(verdict_status::not_controlled, verdict_clause::io_below_2022);
  }
  return make_verdict(verdict_status::eccn_3a090_a, verdict_clause::io_and_tpp_2022);
}

// ECCN 3A090.a/.b (17 Oct 2023 IFR, 88 FR 73458, in force 17 Nov 2023):
//   a.1  TPP >= 4800;  a.2  TPP >= 1600 and PD >= 5.92;
//   b.1  2400 <= TPP < 4800 and 1.6 <= PD < 5.92;  b.2  TPP >= 1600 and 3.2 <= PD < 5.92;
//   Note 2: 3A090 does not apply to items not designed or marketed for data centres that
//   do not have a TPP of 4800 or more.
// Order: a.1 first (it needs no PD and catches non-data-centre parts too), then Note 2, then
// a.2, b.1, b.2. Where a clause would turn on an unknown PD, the verdict is undetermined.
//
// In two steps: the tests each clause makes, then the first that holds. Both are made without
// branches (every comparison is made; the verdict is a chain of selects), so that a sweep's CPU
// block loop evaluates them as vectors for a compliance map: the tests stay in mask registers and
// the verdict is a few blends. Measured on h20-design-space with 100x the TOPS axis (120 M
// points, one thread, AMD EPYC with AVX-512, whole command, mean of 7): the tests as a bit mask
// in a double, the verdict's indicators looked up in tables built from this function, 0.267 s;
// the mask as a 64-bit integer 0.248 s; this form 0.22-0.24 s (runs on this shared VM vary).
struct rule_3a090_2023_tests {
  bool tpp_unknown;
  bool a1;
  bool note2;  // not for data centres and under the Note 2 line
  bool pd_unknown;
  bool pd_matters;  // a TPP at which some PD clause could apply
  bool a2;
  bool b1;
  bool b2;
};

FC_HD inline rule_3a090_2023_tests rule_3a090_2023_tests_of(const part_compliance_inputs& p, const rule_3a090_2023_params& r)
{
  const double tpp = p.tpp, pd = p.performance_density;
  // & and | rather than && and ||: every comparison is made, none is conditional.
  rule_3a090_2023_tests t;
  t.tpp_unknown = is_unknown(tpp);
  t.a1 = tpp >= r.a1_tpp_min;
  t.note2 = !p.data_center & (tpp < r.non_datacenter_tpp_min);
  t.pd_unknown = is_unknown(pd);
  t.pd_matters = (tpp >= r.a2_tpp_min) | (tpp >= r.b2_tpp_min) | ((tpp >= r.b1_tpp_min) & (tpp < r.b1_tpp_max));
  t.a2 = (tpp >= r.a2_tpp_min) & (pd >= r.a2_pd_min);
  t.b1 = (tpp >= r.b1_tpp_min) & (tpp < r.b1_tpp_max) & (pd >= r.b1_pd_min) & (pd < r.b1_pd_max);
  t.b2 = (tpp >= r.b2_tpp_min) & (pd >= r.b2_pd_min) & (pd < r.b2_pd_max);
  return t;
}

// The verdict of the tests: the first clause that holds, in the order above.
FC_HD constexpr verdict verdict_of_3a090_2023_tests(const rule_3a090_2023_tests& t)
{
  return t.tpp_unknown  ? make_verdict(verdict_status::undetermined, verdict_clause::missing_tpp)
         : t.a1         ? make_verdict(verdict_status::eccn_3a090_a, verdict_clause::a1)
         : t.note2      ? make_verdict(verdict_status::exempt, verdict_clause::note2_non_datacenter)
         : t.pd_unknown ? (t.pd_matters ? make_verdict(verdict_status::undetermined, verdict_clause::missing_pd)
                                        : make_verdict(verdict_status::not_controlled, verdict_clause::below_a_and_b))
         : t.a2         ? make_verdict(verdict_status::eccn_3a090_a, verdict_clause::a2)
         : t.b1         ? make_verdict(verdict_status::eccn_3a090_b, verdict_clause::b1)
         : t.b2         ? make_verdict(verdict_status::eccn_3a090_b, verdict_clause::b2)
                        : make_verdict(verdict_status::not_controlled, verdict_clause::below_a_and_b);
}

FC_HD inline verdict classify_3a090_2023(const part_compliance_inputs& p, const rule_3a090_2023_params& r)
{
  return verdict_of_3a090_2023_tests(rule_3a090_2023_tests_of(p, r));
}

FC_HD inline bool is_3a090_item(const verdict& v)
{
  return v.status == static_cast<int>(verdict_status::eccn_3a090_a) ||
         v.status == static_cast<int>(verdict_status::eccn_3a090_b);
}

// April 2025 is-informed letter to NVIDIA (8-K of 15 Apr 2025): a licence is required for the
// H20 and any IC reaching its memory bandwidth or its interconnect bandwidth. "Or a
// combination" is not defined publicly; either figure reaching the H20's counts here.
FC_HD inline verdict classify_h20_letter(const part_compliance_inputs& p, const rule_h20_letter_params& r)
{
  const bool memory_known = !is_unknown(p.memory_bandwidth_bytes_per_s);
  const bool io_known = !is_unknown(p.io_bidirectional_bytes_per_s);
  if (memory_known && p.memory_bandwidth_bytes_per_s >= r.memory_bandwidth_bytes_per_s_min) {
    return make_verdict(verdict_status::licence_required, verdict_clause::memory_bandwidth_reached);
  }
  if (io_known && p.io_bidirectional_bytes_per_s >= r.scale_up_bytes_per_s_min) {
    return make_verdict(verdict_status::licence_required, verdict_clause::scale_up_reached);
  }
  if (!memory_known) {
    return make_verdict(verdict_status::undetermined, verdict_clause::missing_memory_bandwidth);
  }
  if (!io_known) {
    return make_verdict(verdict_status::undetermined, verdict_clause::missing_io);
  }
  return make_verdict(verdict_status::not_controlled, verdict_clause::below_h20_envelope);
}

// January 2026 licence review policy (91 FR 1684, 15 CFR 742.6(b)(10)(iii)(A)(1)): 3A090
// commodities with TPP "less than 21,000" AND total DRAM bandwidth "less than 6,500 GB/s" are
// reviewed case by case for China/Macau; others keep the presumption of denial (a licence is
// required either way). `base` is the part's 3A090 verdict under the rule it builds on.
FC_HD inline verdict classify_cbc_2026(const part_compliance_inputs& p, const verdict& base,
                                       const rule_cbc_2026_params& r)
{
  if (base.status == static_cast<int>(verdict_status::undetermined)) {
    return base;
  }
  if (!is_3a090_item(base)) {
    return make_verdict(verdict_status::not_applicable, verdict_clause::not_a_3a090_item);
  }
  if (is_unknown(p.memory_bandwidth_bytes_per_s)) {
    return make_verdict(verdict_status::undetermined, verdict_clause::missing_memory_bandwidth);
  }
  if (p.tpp < r.tpp_max && p.memory_bandwidth_bytes_per_s < r.dram_bandwidth_bytes_per_s_max) {
    return make_verdict(verdict_status::case_by_case, verdict_clause::inside_cbc_envelope);
  }
  return make_verdict(verdict_status::licence_required, verdict_clause::outside_cbc_envelope);
}

// Framework for AI Diffusion (90 FR 4544, Jan 2025): a worldwide licence requirement for
// 3A090.a items except to Tier 1 (the US and 18 partners, no cap); Tier 3 (D:5 and Macau) keeps a
// presumption of denial; Tier 2 exports need a licence and count against the country caps.
// `base` is the part's verdict under the 2023 rule the diffusion rule builds on.
FC_HD inline verdict classify_diffusion_part(const verdict& base, int tier)
{
  if (base.status == static_cast<int>(verdict_status::undetermined)) {
    return base;
  }
  if (base.status != static_cast<int>(verdict_status::eccn_3a090_a)) {
    return make_verdict(verdict_status::not_applicable, verdict_clause::rule_not_for_parts);
  }
  switch (tier) {
    case tier_1: return make_verdict(verdict_status::not_applicable, verdict_clause::tier1_no_cap);
    case tier_3: return make_verdict(verdict_status::licence_required, verdict_clause::tier3_presumption_of_denial);
    case tier_unpublished: return make_verdict(verdict_status::undetermined, verdict_clause::tier_unknown);
    default: return make_verdict(verdict_status::licence_required, verdict_clause::worldwide_licence_3a090a);
  }
}

// A country's cumulative 3A090.a TPP against the diffusion cap: Tier 2 only ("up to" the cap
// fits, more does not); Tier 1 has no cap; Tier 3 has no allocation (presumption of denial).
FC_HD inline verdict classify_diffusion_country(int tier, double tpp, double cap_tpp)
{
  switch (tier) {
    case tier_1: return make_verdict(verdict_status::not_applicable, verdict_clause::tier1_no_cap);
    case tier_3: return make_verdict(verdict_status::licence_required, verdict_clause::tier3_presumption_of_denial);
    case tier_2: break;
    default: return make_verdict(verdict_status::undetermined, verdict_clause::tier_unknown);
  }
  if (is_unknown(tpp)) {
    return make_verdict(verdict_status::undetermined, verdict_clause::threshold);
  }
  return make_verdict(tpp > cap_tpp ? verdict_status::above_threshold : verdict_status::below_threshold,
                      verdict_clause::threshold);
}

// A scalar against a line. `strict` is true for "greater than" / "more than" / "over"
// (value > line) and false for "or more" / "at least" (value >= line).
FC_HD inline verdict compare_to_threshold(double value, double line, bool strict)
{
  if (is_unknown(value)) {
    return make_verdict(verdict_status::undetermined, verdict_clause::threshold);
  }
  const bool above = strict ? value > line : value >= line;
  return make_verdict(above ? verdict_status::above_threshold : verdict_status::below_threshold,
                      verdict_clause::threshold);
}

}  // namespace fleetcap
