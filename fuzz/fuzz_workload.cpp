// Workloads (data/workloads/<id>.json): load_workloads on a catalogue holding the input alone.

#include "fleetcap/training.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace fleetcap;
  const std::string text = fuzz::text_of(data, size);
  try {
    const fuzz::memory_catalog source({{fuzz::name_from_id("data/workloads", text, ".json"), text}});
    for (const auto& w : load_workloads(source)) {
      (void)find_workload({w}, w.id);
    }
  } catch (const input_error&) {
  }
  return 0;
}
