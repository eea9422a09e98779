#pragma once
// Launchers of the sweep engine, one per backend and evaluator: the accumulator of rows
// [first_row, first_row + row_count) of a grid. `values` is the axes' value table.

#include <cstddef>
#include <cstdint>

#include "kernels/sweep_types.hpp"

namespace fleetcap {

using sweep_rows_fn = sweep_accumulator (*)(const sweep_config& config, const double* values, std::size_t value_count,
                                            std::uint64_t first_row, std::uint64_t row_count);
using sweep_point_fn = void (*)(const sweep_config& config, const double* x, double* m);
// The histogram metric at points index[0..n) and whether the filter keeps each (1 or 0): the
// host's sample of a group (kernels/sweep_sample.cuh).
using sweep_sample_fn = void (*)(const sweep_config& config, const double* values, const std::uint64_t* index, std::size_t n,
                                 double* value, unsigned char* keep);

namespace cpu_backend {
/// The launcher of built-in evaluator `evaluator` (its index in kernels/evaluators/registry.cuh).
sweep_rows_fn sweep_rows_for(int evaluator);
/// Its sampler, evaluating a batch of points at once.
sweep_sample_fn sweep_sample_for(int evaluator);
}  // namespace cpu_backend

namespace cuda_backend {
sweep_rows_fn sweep_rows_for(int evaluator);
}  // namespace cuda_backend

}  // namespace fleetcap
