// Fleet inventories (data/fleets/<id>.json): parse_fleet, then what `fleetcap fleet FILE`
// does with a loaded file before any arithmetic: its overlaps checked against the built-in
// inventories, and its entries resolved into holdings (alone, and beside the built-in ones
// with de-duplication).

#include "fleetcap/fleet.hpp"
#include "fuzz_util.hpp"

namespace {

const std::vector<fleetcap::fleet>& builtin_fleets()
{
  const auto& b = fleetcap::fuzz::catalogue();
  static const auto fleets = fleetcap::load_fleets(*b.catalog, b.parts);
  return fleets;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace fleetcap;
  const auto& parts = fuzz::catalogue().parts;
  const auto& known_fleets = builtin_fleets();
  const std::string text = fuzz::text_of(data, size);
  try {
    const fleet f = parse_fleet({fuzz::name_from_id("data/fleets", text, ".json"), text}, parts);
    auto known = known_fleets;
    known.push_back(f);
    check_overlaps({f}, known);
    (void)resolve_holdings({f}, parts);
    std::vector<std::string> notes;
    (void)resolve_holdings(known, parts, overlap_policy{true, &notes});
  } catch (const input_error&) {
  }
  return 0;
}
