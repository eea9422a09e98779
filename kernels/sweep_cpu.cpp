// CPU backend of the sweep engine (Thrust OpenMP device system): one launcher per built-in
// evaluator.
#include "kernels/evaluators/registry.cuh"
#include "kernels/sweep_cpu_launcher.hpp"

namespace fleetcap::cpu_backend {

sweep_rows_fn sweep_rows_for(int evaluator)
{
#define FC_LAUNCHER(E) &sweep_rows_of<E>,
  static constexpr sweep_rows_fn table[] = {FLEETCAP_SWEEP_EVALUATORS(FC_LAUNCHER)};
#undef FC_LAUNCHER
  return evaluator >= 0 && evaluator < static_cast<int>(sizeof table / sizeof table[0]) ? table[evaluator] : nullptr;
}

sweep_sample_fn sweep_sample_for(int evaluator)
{
#define FC_SAMPLER(E) &sweep_sample_points<E>,
  static constexpr sweep_sample_fn table[] = {FLEETCAP_SWEEP_EVALUATORS(FC_SAMPLER)};
#undef FC_SAMPLER
  return evaluator >= 0 && evaluator < static_cast<int>(sizeof table / sizeof table[0]) ? table[evaluator] : nullptr;
}

}  // namespace fleetcap::cpu_backend
