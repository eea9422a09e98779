// Systems (specs/systems/<id>.json): parse_system against the built-in parts, then the kernel
// figures `train` derives from a system and its part at every precision.

#include "fleetcap/training.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace fleetcap;
  const auto& parts = fuzz::catalogue().parts;
  const std::string text = fuzz::text_of(data, size);
  try {
    const system_spec s = parse_system({fuzz::name_from_id("specs/systems", text, ".json"), text}, parts);
    const part_spec& part = find_part(parts, s.part);
    for (int f = 0; f < format_count; ++f) {
      try {
        (void)figures_for(s, part, static_cast<numeric_format>(f));
      } catch (const input_error&) {
      }
    }
  } catch (const input_error&) {
  }
  return 0;
}
