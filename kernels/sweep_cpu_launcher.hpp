#pragma once
// The CPU backend's sweep launcher for any evaluator: include it in a file compiled as a Thrust
// CPU source (cmake: fleetcap_add_thrust_cpu_sources) to run a plug-in evaluator that is not in
// the built-in registry, as tests/host/sweep_plugin_test.cpp does.
#include <thrust/system/omp/execution_policy.h>

#define FC_BACKEND_NS cpu_backend
#define FC_EXEC_POLICY thrust::omp::par
// A thread folds 4,096 points or more per accumulator: merges are then under 1 % of the work.
#define FC_SWEEP_POINTS_PER_ITEM 4096
// Points evaluated before a fold: their metrics (8 x 256 doubles, 16 KiB) stay in a 32 KiB L1
// cache, and per-block costs (dispatch, combining lanes) spread over more points. On this
// machine (training-grid minima, 2 threads): 128 points 633 M points/s per thread, 256 680 M,
// 512 470 M (the metrics spill out of L1).
#define FC_SWEEP_BLOCK 256
#include "kernels/sweep.inl"
#include "kernels/sweep_sample.cuh"  // sweep_sample_points<E>: a plug-in's batch sampler

namespace fleetcap::cpu_backend {

template <class E>
sweep_accumulator sweep_rows_of(const sweep_config& config, const double* values, std::size_t /*value_count*/,
                                std::uint64_t first_row, std::uint64_t row_count)
{
  return sweep_rows_on_device<E>(config, values, first_row, row_count);
}

}  // namespace fleetcap::cpu_backend
