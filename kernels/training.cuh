#pragma once
// Training-compute formulas shared by `train`, `comply --train` and the sweeps.

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
