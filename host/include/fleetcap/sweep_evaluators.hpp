#pragma once
/// @file
/// @brief The sweep engine's evaluators, looked up by name: the built-in ones
/// (kernels/evaluators/registry.cuh) and any registered at run time (a plug-in compiled
/// outside the registry, as tests/host/sweep_plugin_test.cpp does).

#include <string>
#include <vector>

#include "kernels/sweep.hpp"
#include "kernels/sweep_evaluator.hpp"

namespace fleetcap {

struct sweep_evaluator_entry {
  std::string name;
  std::vector<sweep_input> inputs;   ///< slot order
  std::vector<std::string> metrics;  ///< metric order
  sweep_rows_fn cpu_rows = nullptr;
  sweep_rows_fn cuda_rows = nullptr;  ///< null where the CUDA backend is not built
  sweep_point_fn evaluate = nullptr;  ///< one point on the host (rows output, sampling)
  /// A batch of points on the host (sampling a group for its quantile bins); where null, the
  /// host samples through `evaluate` one point at a time.
  sweep_sample_fn cpu_sample = nullptr;
};

/// @brief An entry for evaluator E (see kernels/sweep_evaluator.hpp) with its launchers.
template <class E>
sweep_evaluator_entry sweep_evaluator_entry_of(sweep_rows_fn cpu_rows, sweep_rows_fn cuda_rows,
                                               sweep_sample_fn cpu_sample = nullptr)
{
  sweep_evaluator_entry e;
  e.name = E::name;
  e.inputs.assign(E::inputs.begin(), E::inputs.end());
  e.metrics.assign(E::metrics.begin(), E::metrics.end());
  e.cpu_rows = cpu_rows;
  e.cuda_rows = cuda_rows;
  e.evaluate = &E::evaluate;
  e.cpu_sample = cpu_sample;
  return e;
}

/// @brief The evaluator called `name`, or null.
const sweep_evaluator_entry* find_sweep_evaluator(const std::string& name);

/// @brief The evaluator with index `index` (sweep_config::evaluator). @throws error if none.
const sweep_evaluator_entry& sweep_evaluator_at(int index);

/// @brief Every evaluator's name, in index order.
std::vector<std::string> sweep_evaluator_names();

/// @brief Adds an evaluator (before any sweep runs; not thread-safe) and returns its index.
/// @throws error when the name is taken or it has more inputs or metrics than the kernel holds.
int register_sweep_evaluator(const sweep_evaluator_entry& entry);

/// @brief Empty when `v` is in the input's domain, else the reason.
std::string sweep_input_problem(const sweep_input& input, double v);

/// @brief One point of a plan's config on the host, through its evaluator.
void evaluate_sweep_point(const sweep_config& c, const double* x, double* m);

}  // namespace fleetcap
