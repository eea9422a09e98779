#pragma once
// Training-compute formulas shared by `train`, `comply --train` and the sweeps.

#include <cmath>

#include "kernels/fc_hd.cuh"

namespace fleetcap {

// Total training operations of a dense transformer: C = 6 N D (Kaplan et al. 2020, "Scaling
// Laws for Neural Language Models", eq. 2.1 and sec. 2.1: ~2N per token forward, ~4N backward).
// For a mixture-of-experts model, N is the parameter count active per token.
FC_HD inline double training_operations_6nd(double parameters, double tokens)
{
  return 6.0 * parameters * tokens;
}

}  // namespace fleetcap

namespace fleetcap {

// Wall-clock seconds to perform `operations` on hardware with an aggregate dense peak of
// `peak_ops_per_s` at model-FLOPs utilisation `mfu` (PaLM, Chowdhery et al. 2022, app. B:
// MFU = achieved model FLOP/s / peak FLOP/s).
//
// Written as operations x (1 / achieved rate): where a sweep's innermost axis is the model or the
// data (the usual grid), the reciprocal is the same along the row, the compiler hoists it, and a
// point costs a multiplication instead of a division (divisions bound the training-grid sweep).
// Within an ulp or two of operations / rate, and the same formula everywhere: `train`, `report`,
// the sweeps, on every backend.
FC_HD inline double training_seconds(double operations, double peak_ops_per_s, double mfu)
{
  return operations * (1.0 / (peak_ops_per_s * mfu));
}

}  // namespace fleetcap

// ---------------------------------------------------------------------------------------
// Level 2: the transformer model, in three files: what a shape costs (transformer_counts.cuh),
// what a device holds (training_memory.cuh) and how long a step takes (step_time.cuh).

#include "kernels/step_time.cuh"
#include "kernels/training_memory.cuh"
#include "kernels/transformer_counts.cuh"
