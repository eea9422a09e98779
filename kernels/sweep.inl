// Thrust launcher of the CPU sweep (see part_metrics.inl for the pattern): one fused
// transform-reduce over blocks of rows: decode, evaluate, fold, merge. Memory is O(1) per tile.
// (The CUDA backend has its own kernel, kernels/sweep_tile.cuh.)
// Included by a backend's file after it defines FC_BACKEND_NS, FC_EXEC_POLICY,
// FC_SWEEP_POINTS_PER_ITEM and FC_SWEEP_BLOCK (points evaluated before a fold, sweep.cuh); compiled once per evaluator (sweep_rows_on_device<E>).
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

// Work item b covers rows [first + b x rows_per_item, ...), the last block cut at the end.
// Templates in the backend namespace (not an anonymous one), so a plug-in's own file may
// include this launcher too (tests/host/sweep_plugin_test.cpp) without two meanings of a name.
template <class E>
struct sweep_block_fn {
  sweep_config config;
  const double* values;
  std::uint64_t first_row;
  std::uint64_t end_row;
  std::uint64_t rows_per_item;
  sweep_accumulator operator()(std::uint64_t block) const
  {
    const std::uint64_t first = first_row + block * rows_per_item;
    const std::uint64_t count = end_row - first < rows_per_item ? end_row - first : rows_per_item;
    return sweep_row_block<E, FC_SWEEP_BLOCK>(config, values, first, count);
  }
};

struct sweep_merge_fn {
  int objective_max;
  int bins;
  int quantile_bins;
  FC_HD sweep_accumulator operator()(const sweep_accumulator& a, const sweep_accumulator& b) const
  {
    // Merge in index order so ties keep the lower index whichever side holds it.
    return sweep_merge(a, b, objective_max, bins, quantile_bins);
  }
};

template <class E>
sweep_accumulator sweep_rows_on_device(const sweep_config& config, const double* values, std::uint64_t first_row,
                                       std::uint64_t row_count)
{
  // FC_SWEEP_POINTS_PER_ITEM (set by the backend's file): how many points one work item folds
  // before its accumulator is merged. Blocks merge in index order, so results do not depend on it.
  const std::uint64_t row_size = config.axis_size[config.axis_count - 1];
  const std::uint64_t per_item = row_size >= FC_SWEEP_POINTS_PER_ITEM ? 1 : FC_SWEEP_POINTS_PER_ITEM / row_size;
  const std::uint64_t blocks = (row_count + per_item - 1) / per_item;
  thrust::counting_iterator<std::uint64_t> first(0);
  return thrust::transform_reduce(FC_EXEC_POLICY, first, first + blocks,
                                  sweep_block_fn<E>{config, values, first_row, first_row + row_count, per_item},
                                  sweep_empty(config.objective_max),
                                  sweep_merge_fn{config.objective_max, sweep_histogram_bins_in_use(config),
                                                 sweep_quantile_bins_in_use(config)});
}

}  // namespace FC_BACKEND_NS
}  // namespace fleetcap
