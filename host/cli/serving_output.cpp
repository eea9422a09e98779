// What `serve` and `report` share (serving_output.hpp).

#include "serving_output.hpp"

#include <algorithm>

#include "fleetcap/error.hpp"

namespace fleetcap::cli {

part_answer answer_for(const workload& model, const part_spec& part, const std::vector<serving_profile>& profiles,
                       const serving_question& q, bool throw_errors)
{
  part_answer pa{&part, serving_profile_for(profiles, part), std::nullopt, ""};
  try {
    auto a = best_serving(model, part, pa.profile, q);
    if (a.best) {
      pa.answer = a;
    } else {
      pa.why_none = a.why_none;
    }
  } catch (const input_error& e) {
    if (throw_errors) {
      throw;
    }
    pa.why_none = e.what();
  }
  FC_EXPECTS(!throw_errors || pa.answer, pa.why_none);
  return pa;
}

std::string profile_status(const serving_profile& p)
{
  if (p.origin == "default") {
    return "default efficiencies (uncalibrated)";
  }
  std::string on;
  for (const auto& s : p.calibrated_on) {
    on += (on.empty() ? "" : ", ") + s;
  }
  return p.origin + (on.empty() ? " (not calibrated on this part's own measurements)" : " (calibrated on " + on + ")");
}

std::vector<serving_group> serving_by_group(const std::vector<holding>& holdings, const std::vector<part_spec>& parts,
                                            const std::map<std::size_t, part_answer>& answers, group_key key)
{
  std::map<std::string, std::vector<holding>> groups;
  for (const auto& h : holdings) {
    groups[group_of(h, parts, key)].push_back(h);
  }
  // A point per part: the model has no range of its own; the ranges are the inventories'.
  const auto per_unit = [&](const holding& h) {
    const auto it = answers.find(h.part_index);
    return it != answers.end() && it->second.answer
               ? range::exact(it->second.answer->output_tokens_per_s_per_chip * seconds_per_day)
               : range::unknown();
  };
  const auto one = [](const holding&) { return range::exact(1.0); };
  std::vector<serving_group> out;
  for (const auto& [g, hs] : groups) {
    out.push_back({g, sum_per_unit(hs, parts, one), sum_per_unit(hs, parts, per_unit)});
  }
  const auto mid = [](const serving_group& g) {
    return unknown_value(g.output_tokens_per_day) ? -1.0 : g.output_tokens_per_day.value.mid;
  };
  std::sort(out.begin(), out.end(), [&](const serving_group& a, const serving_group& b) {
    return mid(a) != mid(b) ? mid(a) > mid(b) : a.group < b.group;
  });
  return out;
}

}  // namespace fleetcap::cli
