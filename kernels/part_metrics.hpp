#pragma once
// Launchers for the TPP / performance-density kernel, one per backend. Plain types only:
// this header is what host code sees of the kernels.

#include <cstddef>

#include "kernels/part_figures.hpp"

namespace fleetcap {

namespace cpu_backend {
// Evaluates parts[0..count) into out[0..count) with Thrust's OpenMP device system.
void evaluate_parts(const part_figures* parts, std::size_t count, part_metrics* out);
}  // namespace cpu_backend

namespace cuda_backend {
// Same on the CUDA device (copies in, one transform, copies out). Throws fleetcap::error on a
// CUDA failure. Only linked when the CUDA backend is built.
void evaluate_parts(const part_figures* parts, std::size_t count, part_metrics* out);
}  // namespace cuda_backend

}  // namespace fleetcap
