// Serving profiles (specs/serving/<id>.json): parse_serving_profile against the built-in parts,
// then the serving figures of its part at every precision serve takes, and one best_serving
// search of a small model (every formula of kernels/serving.cuh on the fuzzed efficiencies).

#include "fleetcap/serving.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace fleetcap;
  const auto& b = fuzz::catalogue();
  static const std::vector<workload> workloads = load_workloads(*b.catalog);
  const std::string text = fuzz::text_of(data, size);
  try {
    const serving_profile p = parse_serving_profile({fuzz::name_from_id("specs/serving", text, ".json"), text}, b.parts);
    const part_spec& part = find_part(b.parts, p.part);
    for (const char* precision : {"bf16", "fp16", "fp8", "int8", "fp4", "int4"}) {
      try {
        (void)serving_figures_for(part, p, serving_precision_for(part, precision));
      } catch (const input_error&) {
      }
    }
    serving_question q;
    q.precision = "bf16";
    q.max_chips = 8;
    (void)best_serving(find_workload(workloads, "llama3-8b"), part, p, q);
  } catch (const input_error&) {
  }
  return 0;
}
