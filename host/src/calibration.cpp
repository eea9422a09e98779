#include "fleetcap/calibration.hpp"

#include <algorithm>
#include <cmath>

#include "fleetcap/error.hpp"
#include "kernels/calibrate.cuh"
#include "kernels/calibrate.hpp"

namespace fleetcap {

calibration_grid default_calibration_grid()
{
  return calibration_grid{{0.40, 0.0, 0.5, 0.0}, {0.95, 4096.0, 1.0, 1.0}, {56, 33, 11, 11}};
}

namespace {

calibration_best search(backend_kind backend, const std::vector<calibration_run>& runs, int skip,
                        const calibration_grid& grid, const system_figures& base)
{
#if FLEETCAP_HAVE_CUDA
  if (backend == backend_kind::cuda) {
    return cuda_backend::calibrate_grid(runs.data(), static_cast<int>(runs.size()), skip, grid, base);
  }
#else
  (void)backend;
#endif
  return cpu_backend::calibrate_grid(runs.data(), static_cast<int>(runs.size()), skip, grid, base);
}

}  // namespace

calibration_result calibrate(backend_kind backend, const run_set& set, const system_spec& system, const part_spec& part,
                             numeric_format precision, const calibration_grid& grid)
{
  std::uint64_t points = 1;
  for (auto c : grid.count) {
    FC_EXPECTS(c >= 1, "calibration grid: every axis needs at least one point");
    FC_EXPECTS(points <= (std::uint64_t{1} << 40) / c, "calibration grid: too many points to search");
    points *= c;
  }
  std::vector<calibration_run> runs;
  for (const auto& r : set.runs) {
    runs.push_back({r.shape, r.layout, r.tflops_per_gpu, r.step_seconds});
  }
  const system_figures base = figures_for(system, part, precision);
  calibration_result out;
  out.grid_points = points;
  const auto best = search(backend, runs, -1, grid, base);
  const system_figures fitted = grid_point(grid, base, best.index);
  out.fitted = system;
  out.fitted.matmul_max = fitted.matmul_max;
  out.fitted.matmul_half_size = fitted.matmul_half_size;
  out.fitted.collective = fitted.collective;
  out.fitted.dp_overlap = fitted.dp_overlap;
  for (const auto& r : runs) {
    out.run_errors.push_back(run_relative_error(r, fitted));
    const auto e = estimate_step(r.shape, r.layout, fitted);
    const double gpus = r.layout.tp * r.layout.pp * r.layout.dp;
    out.predicted_tflops_per_gpu.push_back(megatron_flop_per_step(r.shape, r.layout.global_batch) / (e.step_seconds * gpus) / 1e12);
  }
  out.fit_mean_error = best.error;
  out.fit_max_error = *std::max_element(out.run_errors.begin(), out.run_errors.end());
  if (runs.size() > 1) {
    for (int i = 0; i < static_cast<int>(runs.size()); ++i) {
      const auto held = search(backend, runs, i, grid, base);
      out.held_out_errors.push_back(run_relative_error(runs[static_cast<std::size_t>(i)], grid_point(grid, base, held.index)));
    }
  }
  return out;
}

}  // namespace fleetcap
