// The sweep evaluators' registry: the built-in list of kernels/evaluators/registry.cuh, each with
// its launcher on every backend built, plus those registered at run time.

#include "fleetcap/sweep_evaluators.hpp"

#include <cmath>

#include "fleetcap/error.hpp"
#include "kernels/evaluators/registry.cuh"
#include "kernels/sweep_types.hpp"

namespace fleetcap {

namespace {

// A programming error (a plug-in registered twice, an unknown index): not the user's input.
void require(bool ok, const std::string& message)
{
  if (!ok) {
    throw error(message);
  }
}

std::vector<sweep_evaluator_entry>& registry()
{
  static std::vector<sweep_evaluator_entry> entries = [] {
    std::vector<sweep_evaluator_entry> v;
#if FLEETCAP_HAVE_CUDA
#define FC_CUDA_ROWS(i) cuda_backend::sweep_rows_for(i)
#else
#define FC_CUDA_ROWS(i) nullptr
#endif
#define FC_ENTRY(E)                                                                                              \
  v.push_back(sweep_evaluator_entry_of<E>(cpu_backend::sweep_rows_for(static_cast<int>(v.size())),              \
                                          FC_CUDA_ROWS(static_cast<int>(v.size())),                              \
                                          cpu_backend::sweep_sample_for(static_cast<int>(v.size()))));
    FLEETCAP_SWEEP_EVALUATORS(FC_ENTRY)
#undef FC_ENTRY
#undef FC_CUDA_ROWS
    return v;
  }();
  return entries;
}

}  // namespace

const sweep_evaluator_entry* find_sweep_evaluator(const std::string& name)
{
  for (const auto& e : registry()) {
    if (e.name == name) {
      return &e;
    }
  }
  return nullptr;
}

const sweep_evaluator_entry& sweep_evaluator_at(int index)
{
  require(index >= 0 && index < static_cast<int>(registry().size()), "no sweep evaluator with index " + std::to_string(index));
  return registry()[static_cast<std::size_t>(index)];
}

std::vector<std::string> sweep_evaluator_names()
{
  std::vector<std::string> names;
  for (const auto& e : registry()) {
    names.push_back(e.name);
  }
  return names;
}

int register_sweep_evaluator(const sweep_evaluator_entry& entry)
{
  require(find_sweep_evaluator(entry.name) == nullptr, "sweep evaluator \"" + entry.name + "\" is already registered");
  // Slots 14 and 15 are the engine's own (the Monte Carlo sample, a placeholder axis).
  require(entry.inputs.size() <= static_cast<std::size_t>(sweep_sample_slot) &&
                 entry.metrics.size() <= static_cast<std::size_t>(sweep_max_metrics) && !entry.metrics.empty(),
             "sweep evaluator \"" + entry.name + "\": at most 14 inputs and 1 to 8 metrics");
  require(entry.cpu_rows != nullptr && entry.evaluate != nullptr, "sweep evaluator \"" + entry.name + "\" has no CPU launcher");
  registry().push_back(entry);
  return static_cast<int>(registry().size()) - 1;
}

std::string sweep_input_problem(const sweep_input& in, double v)
{
  const bool above_low = in.low_open ? v > in.low : v >= in.low;
  const bool ok = above_low && v <= in.high && (!in.whole || v == std::floor(v));
  return ok ? std::string() : std::string(in.domain[0] != '\0' ? in.domain : "outside the input's domain");
}

void evaluate_sweep_point(const sweep_config& c, const double* x, double* m)
{
  sweep_evaluator_at(c.evaluator).evaluate(c, x, m);
}

}  // namespace fleetcap
