#pragma once
// The sweep evaluators built into fleetcap: adding one is a file in this folder (its inputs,
// metrics and one FC_HD function; see kernels/sweep_evaluator.hpp) and one line below. The
// position in the list is the evaluator's index in sweep_config::evaluator.

#include "kernels/evaluators/capacity.cuh"
#include "kernels/evaluators/compliance.cuh"
#include "kernels/evaluators/layout.cuh"
#include "kernels/evaluators/serving.cuh"
#include "kernels/evaluators/training.cuh"

// clang-format off
#define FLEETCAP_SWEEP_EVALUATORS(X) \
  X(training_evaluator)              \
  X(layout_evaluator)                \
  X(compliance_evaluator)            \
  X(capacity_evaluator)              \
  X(serving_evaluator)
// clang-format on

namespace fleetcap {

// Every built-in evaluator behind one switch on sweep_config::evaluator: the CUDA launcher is
// compiled once for this instead of once per evaluator (nvcc builds each Thrust reduction for
// every architecture: four instantiations took sweep_cuda.cu from minutes to 25 minutes on
// this 2-core machine). On a GPU the switch is uniform across a launch, so it costs no
// divergence.
struct any_builtin_evaluator {
  static constexpr std::array<const char*, sweep_max_metrics> metrics = {};
  FC_HD static void evaluate(const sweep_config& c, const double* x, double* m)
  {
    int index = 0;
#define FC_CASE(E)                    \
  if (c.evaluator == index++) {       \
    E::evaluate(c, x, m);             \
    return;                           \
  }
    FLEETCAP_SWEEP_EVALUATORS(FC_CASE)
#undef FC_CASE
  }
};

// The built-in five keep the indices the host's evaluator-specific set-up refers to.
static_assert(static_cast<int>(sweep_evaluator::training) == 0 && static_cast<int>(sweep_evaluator::layout) == 1 &&
                  static_cast<int>(sweep_evaluator::compliance) == 2 && static_cast<int>(sweep_evaluator::capacity) == 3 &&
                  static_cast<int>(sweep_evaluator::serving) == 4,
              "sweep_evaluator follows the registry's order");

}  // namespace fleetcap
