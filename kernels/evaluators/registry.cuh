#pragma once
// The sweep evaluators built into fleetcap: adding one is a file in this folder (its inputs,
// metrics and one FC_HD function; see kernels/sweep_evaluator.hpp) and one line below. The
// position in the list is the evaluator's index in sweep_config::evaluator.

#include "kernels/evaluators/capacity.cuh"
#include "kernels/evaluators/compliance.cuh"
#include "kernels/evaluators/layout.cuh"
#include "kernels/evaluators/training.cuh"

// clang-format off
#define FLEETCAP_SWEEP_EVALUATORS(X) \
  X(training_evaluator)              \
  X(layout_evaluator)                \
  X(compliance_evaluator)            \
  X(capacity_evaluator)
// clang-format on

namespace fleetcap {

// The first four keep the indices the host's evaluator-specific set-up refers to.
static_assert(static_cast<int>(sweep_evaluator::training) == 0 && static_cast<int>(sweep_evaluator::layout) == 1 &&
                  static_cast<int>(sweep_evaluator::compliance) == 2 && static_cast<int>(sweep_evaluator::capacity) == 3,
              "sweep_evaluator follows the registry's order");

}  // namespace fleetcap
