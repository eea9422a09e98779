// Serving measurements (data/serving/<id>.measurements.json): parse_serving_measurements against
// the built-in workloads and parts, then every row predicted on its part's default profile.

#include "fleetcap/serving.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace fleetcap;
  const auto& b = fuzz::catalogue();
  static const std::vector<workload> workloads = load_workloads(*b.catalog);
  const std::string text = fuzz::text_of(data, size);
  try {
    const auto set = parse_serving_measurements(
        {fuzz::name_from_id("data/serving", text, ".measurements.json"), text}, workloads, b.parts);
    for (const auto& m : set.measurements) {
      const part_spec& part = find_part(b.parts, m.part);
      (void)predict_measurement(m, find_workload(workloads, m.model), part, default_serving_profile(part));
    }
  } catch (const input_error&) {
  }
  return 0;
}
