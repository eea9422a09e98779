// Sweep scenarios (data/scenarios/<id>.json): parse_scenario against the built-in catalogue
// (its systems, workloads and rules back the layout and compliance evaluators). Parse only:
// the sweep is not run. The plan's first and last grid points are decoded, as `sweep --rows`
// and the result document do.

#include "fleetcap/sweep.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace fleetcap;
  const auto& b = fuzz::catalogue();
  const std::string text = fuzz::text_of(data, size);
  try {
    const sweep_plan plan = parse_scenario({"data/scenarios/fuzz.json", text}, *b.catalog, b.parts);
    (void)sweep_point_coordinates(plan, 0);
    (void)sweep_point_coordinates(plan, plan.total_points - 1);
  } catch (const input_error&) {
  }
  return 0;
}
