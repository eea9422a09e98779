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

/// @brief The kernel's view of a part at the low (0), mid (1) or high (2) end of its ranges.
part_compliance_inputs compliance_inputs(const part_spec& part, const part_metrics_range& metrics, int which);

/// @brief Verdicts of `selected` rules on a part. `all` resolves `based_on` references.
/// `today` marks which rules are in force.
std::vector<rule_verdict> comply_part(const part_spec& part, const part_metrics_range& metrics,
                                      const std::vector<rule>& all, const std::vector<const rule*>& selected,
                                      const date& today);

/// @brief Verdicts on a training run of `operations` total operations (FLOP).
std::vector<rule_verdict> comply_training(double operations, bool biological_sequence_data,
                                          const std::vector<const rule*>& selected, const date& today);

/// @brief Today's date (UTC) from the system clock.
date today_utc();

}  // namespace fleetcap
