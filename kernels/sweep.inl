// Thrust launcher of the sweep engine (see part_metrics.inl for the pattern): one fused
// transform-reduce over rows: decode, evaluate, fold, merge. Memory is O(1) per tile.
//
// Napkin math (simple training grid): ~15 FP64 flops and two divisions per point and no memory
// traffic beyond the small value table, so it is compute-bound: a few 1e8 points/s per CPU
// core; an H100 (34 TFLOP/s FP64 vector) bounds it near 1e12 points/s, divisions and the
// per-row reduction bring the practical figure to 1e10-1e11 when rows are long.

#include <thrust/iterator/counting_iterator.h>
#include <thrust/transform_reduce.h>

#include "kernels/sweep.cuh"
#include "kernels/sweep.hpp"

namespace fleetcap {
namespace FC_BACKEND_NS {
namespace {

struct sweep_row_fn {
  sweep_config config;
  const double* values;
  FC_HD sweep_accumulator operator()(std::uint64_t row) const { return sweep_row(config, values, row); }
};

struct sweep_merge_fn {
  int objective_max;
  FC_HD sweep_accumulator operator()(const sweep_accumulator& a, const sweep_accumulator& b) const
  {
    // Merge in index order so ties keep the lower index whichever side holds it.
    return sweep_merge(a, b, objective_max);
  }
};

}  // namespace

sweep_accumulator sweep_rows_on_device(const sweep_config& config, const double* values, std::uint64_t first_row,
                                       std::uint64_t row_count)
{
  thrust::counting_iterator<std::uint64_t> first(first_row);
  return thrust::transform_reduce(FC_EXEC_POLICY, first, first + row_count, sweep_row_fn{config, values},
                                  sweep_empty(config.objective_max), sweep_merge_fn{config.objective_max});
}

}  // namespace FC_BACKEND_NS
}  // namespace fleetcap
