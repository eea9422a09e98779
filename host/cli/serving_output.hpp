#pragma once
// What `serve` and `report` share: a part's best serving answer (or why there is none), the
// profile's provenance in words, and a fleet's serving capacity per group.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fleetcap/capacity.hpp"
#include "fleetcap/serving.hpp"

namespace fleetcap::cli {

inline constexpr double seconds_per_day = 86400.0;

struct part_answer {
  const part_spec* part = nullptr;
  serving_profile profile;
  std::optional<serving_answer> answer;
  std::string why_none;  // when no answer: the reason (a missing figure, does not fit, ...)
};

// The best configuration of `model` on `part`; with throw_errors a missing answer is an
// input_error (one part asked for), else it is kept as why_none (a row in a table).
part_answer answer_for(const workload& model, const part_spec& part, const std::vector<serving_profile>& profiles,
                       const serving_question& q, bool throw_errors);

// "specs/serving/h100-sxm.json (calibrated on ...)", "default efficiencies (uncalibrated)".
std::string profile_status(const serving_profile& p);

// Output tokens per day of each group of holdings, every unit at its part's best answer (a
// point per part) summed with the inventories' ranges; parts without an answer are listed as
// missing, never counted as zero. Groups by mid tokens/day, largest first.
struct serving_group {
  std::string group;
  summed units;
  summed output_tokens_per_day;
};
std::vector<serving_group> serving_by_group(const std::vector<holding>& holdings, const std::vector<part_spec>& parts,
                                            const std::map<std::size_t, part_answer>& answers, group_key key);

}  // namespace fleetcap::cli
