#pragma once
/// @file
/// @brief Verdicts of rule sets on parts, with the clause and the numbers that decided them.

#include <optional>
#include <string>
#include <vector>

#include "fleetcap/part_metrics.hpp"
#include "fleetcap/rules.hpp"
#include "fleetcap/spec.hpp"
#include "kernels/compliance_types.hpp"

namespace fleetcap {

/// @brief JSON spelling of a status: "3A090.a", "not_controlled", "case_by_case" ...
const char* status_name(verdict_status status);

/// @brief One rule's verdict on one subject (a part, a fleet, a training run).
struct rule_verdict {
  std::string rule;     ///< rule id
  verdict_status status;
  std::string clause;   ///< e.g. "3A090.b.1", "Note 2 to 3A090", "Art. 51(2)"
  std::string reason;   ///< the numbers that decided it, in words
  bool in_force = true; ///< on the date asked (or today when no date was given)
};

/// @brief Who holds the item and where it goes: what a rule's destination and headquarters
/// scope is checked against. Empty fields were not given; the verdict then still applies the
/// technical test and its reason says which part of the scope was not checked.
struct compliance_subject {
  std::string destination;  ///< ISO code of where the item is exported to or installed
  std::string owner_hq;     ///< ISO code of the owner's headquarters
  std::string where;        ///< what named them, for errors ("--destination", "FILE: /entries/3/location")
};

/// @brief The kernel's view of a part at the low (0), mid (1) or high (2) end of its ranges.
part_compliance_inputs compliance_inputs(const part_spec& part, const part_metrics_range& metrics, int which);

/// @brief Verdicts of `selected` rules on a part. `all` resolves `based_on` references.
/// `today` marks which rules are in force (for this part: an early application counts).
/// A verdict outside a rule's scope (the part's origin always; destination and headquarters
/// when `subject` gives them) is not_applicable, or undetermined where the rule says so.
/// @throws input_error when the diffusion rule's tier table lacks the subject's destination.
std::vector<rule_verdict> comply_part(const part_spec& part, const part_metrics_range& metrics,
                                      const std::vector<rule>& all, const std::vector<const rule*>& selected,
                                      const date& today, const compliance_subject& subject = {});

/// @brief Whether the rule's item-origin scope covers the part (its vendor_country).
bool origin_in_scope(const rule& r, const part_spec& part);

/// @brief Whether an owner headquartered in `owner_hq` is inside the rule's headquarters scope
/// (true when the rule sets no headquarters limit).
bool owner_in_scope(const rule& r, const std::string& owner_hq);

/// @brief Whether a holding of this part counts against the us_diffusion_2025 caps: a US-origin
/// (scope) item that the rule's `based_on` classifies 3A090.a at the mid.
bool counts_against_diffusion_caps(const rule& diffusion, const std::vector<rule>& all, const part_spec& part,
                                   const part_metrics_range& metrics);

/// @brief Verdicts on a training run of `operations` total operations (FLOP).
std::vector<rule_verdict> comply_training(double operations, bool biological_sequence_data,
                                          const std::vector<const rule*>& selected, const date& today);

/// @brief Today's date (UTC) from the system clock.
date today_utc();

}  // namespace fleetcap
