// Calibration run sets (data/workloads/<id>.runs.json): load_run_set by id from a catalogue
// holding the input alone (the id lookup rather than a path, so no file is written). Parse
// only: calibrate's grid search is not run.

#include "fleetcap/training.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace fleetcap;
  // An id no file in the working folder has: load_run_set tries it as a path first.
  static const std::string id = "fleetcap-fuzz-input";
  const std::string text = fuzz::text_of(data, size);
  try {
    const fuzz::memory_catalog source({{"data/workloads/" + id + ".runs.json", text}});
    const run_set set = load_run_set(id, source);
    (void)parse_precision(set.precision);
  } catch (const input_error&) {
  }
  return 0;
}
