// Thrust launcher for evaluate_part, included by part_metrics_cpu.cpp (OpenMP device system)
// and part_metrics_cuda.cu (CUDA). The includer defines FC_BACKEND_NS and FC_EXEC_POLICY;
// every functor lives inside that namespace so the two compilations never share a symbol.
//
// Napkin math: one part is 11 multiply-compares and ~100 bytes moved; the kernel is trivially
// memory-bound and exists to prove the single-source path, not for speed.

#include <thrust/transform.h>

#include "kernels/part_metrics.hpp"
#include "kernels/tpp.cuh"

namespace fleetcap {
namespace FC_BACKEND_NS {
namespace {

struct evaluate_part_fn {
  FC_HD part_metrics operator()(const part_figures& part) const { return evaluate_part(part); }
};

}  // namespace

void evaluate_parts_on_device(const part_figures* parts, std::size_t count, part_metrics* out)
{
  thrust::transform(FC_EXEC_POLICY, parts, parts + count, out, evaluate_part_fn{});
}

}  // namespace FC_BACKEND_NS
}  // namespace fleetcap
