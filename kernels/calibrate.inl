// Thrust launcher of the calibration search (see part_metrics.inl for the pattern): one fused
// transform-reduce over the grid index, min/argmin with ties to the lowest index.
//
// Napkin math: a grid point evaluates the step model for each run (~200 flops each); 10 runs x
// 200k points = 4e8 flops, ~0.5 s on 2 cores.

#include <thrust/iterator/counting_iterator.h>
#include <thrust/transform_reduce.h>

#include "kernels/calibrate.cuh"
#include "kernels/calibrate.hpp"

namespace fleetcap {
namespace FC_BACKEND_NS {
namespace {

struct calibration_point_fn {
  const calibration_run* runs;
  int run_count;
  int skip;
  calibration_grid grid;
  system_figures base;
  FC_HD calibration_best operator()(std::uint64_t index) const
  {
    return calibration_best{calibration_error(runs, run_count, skip, grid, base, index), index};
  }
};

struct better_fn {
  FC_HD calibration_best operator()(const calibration_best& a, const calibration_best& b) const { return better_of(a, b); }
};

}  // namespace

calibration_best calibrate_on_device(const calibration_run* runs, int run_count, int skip, const calibration_grid& grid,
                                     const system_figures& base, std::uint64_t points)
{
  thrust::counting_iterator<std::uint64_t> first(0);
  return thrust::transform_reduce(FC_EXEC_POLICY, first, first + points,
                                  calibration_point_fn{runs, run_count, skip, grid, base},
                                  calibration_best{1e300, ~std::uint64_t{0}}, better_fn{});
}

}  // namespace FC_BACKEND_NS
}  // namespace fleetcap
