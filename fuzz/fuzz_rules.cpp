// Rule sets (data/rules/<id>.json) and country groups (data/rules/groups/): parse_rule against
// the built-in groups, then its part ids against the built-in parts; parse_country_groups on
// the same bytes; parse_date on short inputs (the dates of both formats).

#include "fleetcap/rules.hpp"
#include "fuzz_util.hpp"

namespace {

const fleetcap::country_groups& builtin_groups()
{
  static const auto groups = fleetcap::load_country_groups(*fleetcap::fuzz::catalogue().catalog);
  return groups;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace fleetcap;
  const auto& groups = builtin_groups();
  const auto& parts = fuzz::catalogue().parts;
  const std::string text = fuzz::text_of(data, size);
  try {
    const rule r = parse_rule({fuzz::name_from_id("data/rules", text, ".json"), text}, groups);
    check_rule_part_ids({r}, parts);
    // The date queries every verdict makes, on the rule's own dates.
    (void)r.in_force_on(r.in_force);
    (void)r.in_force_for_some_part(r.in_force);
    for (const auto& e : r.early) {
      for (const auto& p : e.parts) {
        (void)r.in_force_for(e.from, p);
      }
    }
  } catch (const input_error&) {
  }
  try {
    (void)parse_country_groups({"data/rules/groups/fuzz.json", text});
  } catch (const input_error&) {
  }
  if (size <= 64) {
    try {
      (void)parse_date(text, "fuzz").str();
    } catch (const input_error&) {
    }
  }
  return 0;
}
