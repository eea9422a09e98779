// Run files for `train --config` (load_run_config), read from an in-memory file.

#include "fleetcap/training.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace fleetcap;
  static fuzz::memory_file file;
  const std::string& path = file.write(fuzz::text_of(data, size));
  try {
    const run_config c = load_run_config(path);
    if (c.shape) {
      check_shape(*c.shape, path);
    }
    (void)parse_precision(c.precision);
  } catch (const input_error&) {
  }
  return 0;
}
