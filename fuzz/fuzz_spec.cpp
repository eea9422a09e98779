// Spec sheets (specs/<id>.json): parse_spec on arbitrary bytes.

#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace fleetcap;
  const std::string text = fuzz::text_of(data, size);
  try {
    const part_spec p = parse_spec({fuzz::name_from_id("specs", text, ".json"), text});
    // What every command derives from a sheet right after loading it.
    for (int which = 0; which < 3; ++which) {
      (void)p.figures(which);
    }
  } catch (const input_error&) {
  }
  return 0;
}
