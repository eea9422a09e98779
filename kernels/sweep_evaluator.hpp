#pragma once
// What a sweep evaluator plug-in declares (kernels/evaluators/, issue 11): its inputs with their
// defaults and domains, and its metrics. An evaluator is a struct with
//   static constexpr const char* name;
//   static constexpr std::array<sweep_input, N> inputs;       // slot order, N <= 14
//   static constexpr std::array<const char*, M> metrics;      // metric order, M <= 8
//   FC_HD static void evaluate(const sweep_config& c, const double* x, double* m);
// and one line in kernels/evaluators/registry.cuh. Optionally
//   static constexpr bool metric_passes = true;
// lets the CPU evaluate a block once per metric a scenario reads instead of writing them all
// (for evaluators of a few operations a point). No CUDA or Thrust types here.

#include <limits>

namespace fleetcap {

// One input slot. Its domain is low < v (low_open) or low <= v, and v <= high, and a whole
// number where `whole`; `domain` is the message for a value outside it.
struct sweep_input {
  const char* name;
  double default_value;  // sweep_required: must be given, fixed or as an axis
  double low;
  bool low_open;
  double high;
  bool whole;
  const char* domain;
};

inline constexpr double sweep_required = std::numeric_limits<double>::quiet_NaN();
inline constexpr double sweep_any = std::numeric_limits<double>::max();

// Helpers for the common domains.
constexpr sweep_input sweep_input_any(const char* name, double default_value = sweep_required)
{
  return {name, default_value, -sweep_any, false, sweep_any, false, ""};
}
constexpr sweep_input sweep_input_positive(const char* name, double high, const char* domain,
                                           double default_value = sweep_required)
{
  return {name, default_value, 0.0, true, high, false, domain};
}
constexpr sweep_input sweep_input_whole(const char* name, double low, double high, const char* domain,
                                        double default_value = sweep_required)
{
  return {name, default_value, low, false, high, true, domain};
}

}  // namespace fleetcap
