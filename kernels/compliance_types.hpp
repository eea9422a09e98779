#pragma once
// Plain data for the threshold tests: verdict codes, clause codes and each rule kind's
// parameters in SI units. No CUDA or Thrust types, so host code may include it.

namespace fleetcap {

// Verdict status. The spellings used in JSON are in host/src/compliance.cpp (status_name).
enum class verdict_status : int {
  eccn_3a090_a,
  eccn_3a090_b,
  eccn_3a090_c,
  not_controlled,
  exempt,
  licence_required,
  case_by_case,
  above_threshold,
  below_threshold,
  not_applicable,
  undetermined,  // a figure the test needs is unknown (e.g. no published die area)
};

// The clause of the rule that decided a verdict.
enum class verdict_clause : int {
  none,
  // 3A090 (2022): both conditions, or which one failed.
  io_and_tpp_2022,
  io_below_2022,
  tpp_below_2022,
  // 3A090 (2023).
  a1,
  a2,
  b1,
  b2,
  note2_non_datacenter,
  below_a_and_b,
  // April 2025 is-informed letter (H20-class parts).
  memory_bandwidth_reached,
  scale_up_reached,
  below_h20_envelope,
  // January 2026 case-by-case policy.
  inside_cbc_envelope,
  outside_cbc_envelope,
  not_a_3a090_item,
  // January 2025 AI Diffusion rule: worldwide licence requirement for 3A090.a items, by the
  // tier of the destination.
  worldwide_licence_3a090a,
  tier1_no_cap,
  tier3_presumption_of_denial,
  tier_unknown,
  // A letter that names parts (us_named_parts_letter).
  named_in_letter,
  not_named_in_letter,
  // Outside the rule's scope (data/rules/README.md, "Scope").
  outside_item_origin,
  outside_destination_and_headquarters,
  // Scalar thresholds (training operations, cluster FLOP/s, shares).
  threshold,
  // Not applicable / unknown.
  co_packaged_hbm,
  rule_not_for_parts,
  missing_tpp,
  missing_pd,
  missing_io,
  missing_memory_bandwidth,
};

struct verdict {
  int status;  // verdict_status
  int clause;  // verdict_clause
};

// ECCN 3A090 as of the October 2022 IFR (87 FR 62186). `_min` thresholds are "or more".
struct rule_3a090_2022_params {
  double io_bidirectional_bytes_per_s_min;  // 600 GB/s
  double tpp_min;                           // 4800
};

// ECCN 3A090.a/.b as of the October 2023 IFR (88 FR 73458). `_min` = "or more", `_max` =
// "less than".
struct rule_3a090_2023_params {
  double a1_tpp_min;
  double a2_tpp_min;
  double a2_pd_min;
  double b1_tpp_min;
  double b1_tpp_max;
  double b1_pd_min;
  double b1_pd_max;
  double b2_tpp_min;
  double b2_pd_min;
  double b2_pd_max;
  double non_datacenter_tpp_min;  // Note 2: exempt unless TPP is this or more
};

// April 2025 licence requirement for ICs reaching the H20's memory or interconnect bandwidth.
struct rule_h20_letter_params {
  double memory_bandwidth_bytes_per_s_min;
  double scale_up_bytes_per_s_min;
};

// January 2026 case-by-case review (91 FR 1684): TPP and total DRAM bandwidth "less than".
struct rule_cbc_2026_params {
  double tpp_max;
  double dram_bandwidth_bytes_per_s_max;
};

// Diffusion tiers as the kernels read them: 1, 2, 3 from the rule's table; 0 when no
// destination is given; -1 when the location is not published.
enum diffusion_tier : int { tier_unpublished = -1, tier_not_given = 0, tier_1 = 1, tier_2 = 2, tier_3 = 3 };

// What the part-level tests read of a part (SI units; NaN = unknown).
struct part_compliance_inputs {
  double tpp;                              // NaN when no dense peak is known
  double performance_density;              // NaN when no applicable die area is known
  double io_bidirectional_bytes_per_s;     // aggregate bidirectional scale-up I/O
  double memory_bandwidth_bytes_per_s;     // total DRAM bandwidth
  int data_center;                         // 1 = designed or marketed for data centres
};

}  // namespace fleetcap
