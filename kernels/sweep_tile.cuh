#pragma once
// The CUDA sweep (issue 11): one fused pass per tile. Each thread evaluates a few consecutive
// points (one index decode per run, then the innermost input steps), folds them into registers,
// and the block folds its threads with warp shuffles: no per-thread accumulator in memory, no
// reduction tree over 1 KB structs. Histogram and quantile bins are counted in shared memory,
// one atomic per group of lanes that hit the same bin (__match_any_sync). Each block writes one
// accumulator; the host merges the blocks. The formulas are the CPU's: the same evaluators
// (any_builtin_evaluator), the same sweep_fold_point, the same merge rule (ties to the lowest
// index, so counts, extremes and argmins do not depend on the order; sums agree to rounding).
// CUDA files only (kernels/sweep_cuda.cu).

#include <cooperative_groups.h>
#include <cuda_runtime.h>

#include <cstdint>
#include <vector>

#include "kernels/cuda_call.cuh"
#include "kernels/device_buffer.cuh"
#include "kernels/sweep.cuh"

namespace fleetcap::cuda_backend {

inline constexpr int sweep_tile_threads = 256;
inline constexpr int sweep_tile_warps = sweep_tile_threads / 32;
// Consecutive points per thread between decodes of the point index (64-bit divisions).
inline constexpr int sweep_points_per_thread = 8;
// Shared counters: the equal-width bins, below, above, then the quantile bins.
inline constexpr int sweep_below_slot = sweep_max_bins;
inline constexpr int sweep_above_slot = sweep_max_bins + 1;
inline constexpr int sweep_quantile_slot = sweep_max_bins + 2;
inline constexpr int sweep_shared_counters = sweep_quantile_slot + sweep_max_quantile_bins;

// A thread's fold state: sweep_accumulator's scalar fields (sweep_merge_scalars), in registers,
// plus where its block counts histogram bins.
struct sweep_lane {
  std::uint64_t points;
  std::uint64_t valid;
  double best;
  std::uint64_t best_index;
  double worst;
  std::uint64_t worst_index;
  double sum;
  std::uint64_t predicate[sweep_max_predicates];
  double histogram_min;
  double histogram_max;
  std::uint64_t nonfinite;
  std::uint64_t nonfinite_index;
  int nonfinite_metric;
  unsigned long long* counters;  // shared memory, sweep_shared_counters entries
};

__device__ inline sweep_lane sweep_lane_empty(int objective_max, unsigned long long* counters)
{
  const sweep_accumulator e = sweep_empty(objective_max);
  sweep_lane l{};
  l.best = e.best;
  l.worst = e.worst;
  l.best_index = e.best_index;
  l.worst_index = e.worst_index;
  l.histogram_min = e.histogram_min;
  l.histogram_max = e.histogram_max;
  l.nonfinite_index = e.nonfinite_index;
  l.nonfinite_metric = e.nonfinite_metric;
  l.counters = counters;
  return l;
}

// Adds 1 to counter k for each calling lane: the lanes here together that name the same counter
// form a group (cooperative groups' labeled_partition of the coalesced threads), and its first
// lane adds the group's size: one shared-memory atomic per distinct counter, not per lane.
__device__ inline void sweep_count_in_shared(unsigned long long* counters, int k)
{
  namespace cg = cooperative_groups;
  const cg::coalesced_group here = cg::coalesced_threads();
  const cg::coalesced_group same = cg::labeled_partition(here, k);
  if (same.thread_rank() == 0) {
    atomicAdd(counters + k, static_cast<unsigned long long>(same.size()));
  }
}

// sweep_fold_point's histogram step for a lane (found by argument-dependent lookup): the same
// class and quantile bin as the CPU's sweep_fold_histogram, counted in shared memory. Host-device
// only because sweep_fold_point is; it runs on the device alone.
FC_HD inline void sweep_fold_histogram(const sweep_config& c, double h, sweep_lane& a)
{
#ifdef __CUDA_ARCH__
  a.histogram_min = h < a.histogram_min ? h : a.histogram_min;
  a.histogram_max = h > a.histogram_max ? h : a.histogram_max;
  const int cls = sweep_histogram_class(c, h);
  sweep_count_in_shared(a.counters, cls < 0 ? sweep_below_slot : (cls >= c.histogram_bins ? sweep_above_slot : cls));
  sweep_count_in_shared(a.counters, sweep_quantile_slot + sweep_quantile_bin(c, h));
#else
  (void)c;
  (void)h;
  (void)a;
#endif
}

// The lane `offset` above merged into this one, for every lane of the warp.
__device__ inline void sweep_lane_merge_from(sweep_lane& l, int offset, int objective_max)
{
  constexpr unsigned all = 0xffffffffu;
  sweep_lane b = l;
  b.points = __shfl_down_sync(all, l.points, offset);
  b.valid = __shfl_down_sync(all, l.valid, offset);
  b.best = __shfl_down_sync(all, l.best, offset);
  b.best_index = __shfl_down_sync(all, l.best_index, offset);
  b.worst = __shfl_down_sync(all, l.worst, offset);
  b.worst_index = __shfl_down_sync(all, l.worst_index, offset);
  b.sum = __shfl_down_sync(all, l.sum, offset);
  for (int p = 0; p < sweep_max_predicates; ++p) {
    b.predicate[p] = __shfl_down_sync(all, l.predicate[p], offset);
  }
  b.histogram_min = __shfl_down_sync(all, l.histogram_min, offset);
  b.histogram_max = __shfl_down_sync(all, l.histogram_max, offset);
  b.nonfinite = __shfl_down_sync(all, l.nonfinite, offset);
  b.nonfinite_index = __shfl_down_sync(all, l.nonfinite_index, offset);
  b.nonfinite_metric = __shfl_down_sync(all, l.nonfinite_metric, offset);
  // Lanes past the warp's end get their own values back from __shfl_down_sync; their result is
  // never read (only lane 0's is).
  const sweep_lane a = l;
  sweep_merge_scalars(l, a, b, objective_max);
}

__device__ inline void sweep_warp_fold(sweep_lane& l, int objective_max)
{
  for (int offset = 16; offset > 0; offset >>= 1) {
    sweep_lane_merge_from(l, offset, objective_max);
  }
}

// Points [first_point, first_point + point_count) of the grid (index = row x inner size + j),
// grid-strided in runs of sweep_points_per_thread; block b's fold goes to out[b]. Launched with
// sweep_tile_threads threads per block.
template <class E>
__global__ void __launch_bounds__(sweep_tile_threads)
    sweep_tile_kernel(const sweep_config c, const double* values, std::uint64_t first_point, std::uint64_t point_count,
                      sweep_accumulator* out)
{
  __shared__ unsigned long long counters[sweep_shared_counters];
  __shared__ sweep_lane warp_folds[sweep_tile_warps];
  for (int k = static_cast<int>(threadIdx.x); k < sweep_shared_counters; k += blockDim.x) {
    counters[k] = 0;
  }
  __syncthreads();

  sweep_lane lane = sweep_lane_empty(c.objective_max, counters);
  const int inner = c.axis_count - 1;
  const int slot = c.axis_input[inner];
  const std::uint64_t n = c.axis_size[inner];
  const double* inner_values = values + c.axis_offset[inner];
  const std::uint64_t stride = static_cast<std::uint64_t>(gridDim.x) * blockDim.x * sweep_points_per_thread;
  double x[sweep_max_inputs];
  double m[sweep_max_metrics];
  for (std::uint64_t base = (static_cast<std::uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x) * sweep_points_per_thread;
       base < point_count; base += stride) {
    const std::uint64_t end = point_count - base < sweep_points_per_thread ? point_count : base + sweep_points_per_thread;
    std::uint64_t index = first_point + base;
    std::uint64_t row = index / n;
    std::uint64_t j = index - row * n;
    sweep_row_inputs(c, values, row, x);
    for (std::uint64_t local = base; local < end; ++local, ++index) {
      x[slot] = inner_values[j];
      if (c.has_distributions) {
        sweep_apply_draws(c, x);
      }
      E::evaluate(c, x, m);
      sweep_fold_point(c, m, index, lane);
      if (++j == n) {
        j = 0;
        sweep_row_inputs(c, values, ++row, x);
      }
    }
  }

  // Warps, then the block's warps in warp 0.
  sweep_warp_fold(lane, c.objective_max);
  const int warp = static_cast<int>(threadIdx.x) / 32, lane_id = static_cast<int>(threadIdx.x) % 32;
  if (lane_id == 0) {
    warp_folds[warp] = lane;
  }
  __syncthreads();  // also orders every shared-memory count before the read below
  if (warp == 0) {
    lane = lane_id < sweep_tile_warps ? warp_folds[lane_id] : sweep_lane_empty(c.objective_max, counters);
    sweep_warp_fold(lane, c.objective_max);
  }
  sweep_accumulator& r = out[blockIdx.x];
  if (threadIdx.x == 0) {
    r.points = lane.points;
    r.valid = lane.valid;
    r.best = lane.best;
    r.best_index = lane.best_index;
    r.worst = lane.worst;
    r.worst_index = lane.worst_index;
    r.sum = lane.sum;
    for (int p = 0; p < sweep_max_predicates; ++p) {
      r.predicate[p] = lane.predicate[p];
    }
    r.histogram_min = lane.histogram_min;
    r.histogram_max = lane.histogram_max;
    r.histogram_below = counters[sweep_below_slot];
    r.histogram_above = counters[sweep_above_slot];
    r.nonfinite = lane.nonfinite;
    r.nonfinite_index = lane.nonfinite_index;
    r.nonfinite_metric = lane.nonfinite_metric;
  }
  for (int k = static_cast<int>(threadIdx.x); k < sweep_max_bins; k += blockDim.x) {
    r.histogram[k] = counters[k];
  }
  for (int k = static_cast<int>(threadIdx.x); k < sweep_max_quantile_bins; k += blockDim.x) {
    r.quantile_bins[k] = counters[sweep_quantile_slot + k];
  }
}

// Folds rows [first_row, first_row + row_count) on the current device: one launch, one
// accumulator per block copied back and merged here (a few thousand at most).
template <class E>
sweep_accumulator sweep_tile_on_device(const sweep_config& config, const double* d_values, std::uint64_t first_row,
                                       std::uint64_t row_count)
{
  const std::uint64_t n = config.axis_size[config.axis_count - 1];
  const std::uint64_t points = row_count * n;
  sweep_accumulator total = sweep_empty(config.objective_max);
  if (points == 0) {
    return total;
  }
  int device = 0, sms = 1;
  FC_CUDA_TRY(cudaGetDevice(&device));
  FC_CUDA_TRY(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  // Enough blocks to fill the device several times over; more only cost merges.
  const std::uint64_t per_block = static_cast<std::uint64_t>(sweep_tile_threads) * sweep_points_per_thread;
  const std::uint64_t wanted = (points + per_block - 1) / per_block;
  const std::uint64_t cap = static_cast<std::uint64_t>(sms) * 8;
  const unsigned blocks = static_cast<unsigned>(wanted < cap ? wanted : cap);
  device_buffer<sweep_accumulator> d_out(blocks);
  sweep_tile_kernel<E><<<blocks, sweep_tile_threads>>>(config, d_values, first_row * n, points, d_out.data());
  FC_CUDA_TRY(cudaGetLastError());
  std::vector<sweep_accumulator> folds(blocks);
  d_out.copy_to(folds.data(), folds.size());  // synchronises; reports a fault in the kernel
  const int bins = sweep_histogram_bins_in_use(config), quantile_bins = sweep_quantile_bins_in_use(config);
  for (const auto& f : folds) {
    total = sweep_merge(total, f, config.objective_max, bins, quantile_bins);
  }
  return total;
}

}  // namespace fleetcap::cuda_backend
