#include "fleetcap/calibration.hpp"

#include <algorithm>
#include <cmath>

#include "fleetcap/error.hpp"
#include "kernels/calibrate.cuh"
#include "kernels/calibrate.hpp"

namespace fleetcap {

calibration_grid default_calibration_grid()
{
  return calibration_grid{{0.40, 0.0, 0.3, 0.3, 0.0}, {0.95, 4096.0, 1.0, 1.0, 1.0}, {56, 33, 8, 8, 6}};
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

namespace {

bool same_shape(const transformer_shape& a, const transformer_shape& b)
{
  return a.layers == b.layers && a.hidden == b.hidden && a.heads == b.heads && a.kv_heads == b.kv_heads &&
         a.ffn == b.ffn && a.seq == b.seq && a.vocab == b.vocab && a.mlp == b.mlp && a.experts == b.experts &&
         a.top_k == b.top_k && a.tied_embeddings == b.tied_embeddings && a.shared_experts == b.shared_experts &&
         a.dense_layers == b.dense_layers && a.dense_ffn == b.dense_ffn && a.head_dim == b.head_dim;
}

}  // namespace

calibration_result calibrate(backend_kind backend, const run_set& set, const system_spec& system, const part_spec& part,
                             numeric_format precision, const calibration_grid& grid_in)
{
  std::uint64_t points = 1;
  for (auto c : grid_in.count) {
    FC_EXPECTS(c >= 1, "calibration grid: every axis needs at least one point");
    FC_EXPECTS(points <= (std::uint64_t{1} << 40) / c, "calibration grid: too many points to search");
    points *= c;
  }
  std::vector<calibration_run> runs;
  calibration_result out;
  std::vector<transformer_shape> models;
  for (const auto& r : set.runs) {
    runs.push_back({r.shape, r.layout, r.tflops_per_gpu, r.step_seconds});
    int model = -1;
    for (std::size_t k = 0; k < models.size(); ++k) {
      if (same_shape(models[k], r.shape)) {
        model = static_cast<int>(k);
      }
    }
    if (model < 0) {
      model = static_cast<int>(models.size());
      models.push_back(r.shape);
    }
    out.model_of_run.push_back(model);
  }
  const system_figures base = figures_for(system, part, precision);
  // With dp = 1 in every run, no run says anything about dp_overlap: keep the system's value
  // instead of reporting the grid's first point as a fit.
  bool any_dp = false;
  for (const auto& r : runs) {
    any_dp = any_dp || r.layout.dp > 1.0;
  }
  calibration_grid grid = grid_in;
  if (!any_dp) {
    points /= grid.count[4];
    grid.low[4] = grid.high[4] = system.dp_overlap;
    grid.count[4] = 1;
    out.dp_overlap_identified = false;
  }
  out.grid_points = points;
  const auto best = search(backend, runs, -1, grid, base);
  const system_figures fitted = grid_point(grid, base, best.index);
  out.fitted = system;
  out.fitted.matmul_max = fitted.matmul_max;
  out.fitted.matmul_half_size = fitted.matmul_half_size;
  out.fitted.scale_up_collective = fitted.scale_up_collective;
  out.fitted.scale_out_collective = fitted.scale_out_collective;
  out.fitted.dp_overlap = fitted.dp_overlap;
  for (const auto& r : runs) {
    out.run_errors.push_back(run_relative_error(r, fitted));
    const auto e = estimate_step(r.shape, r.layout, fitted);
    const double gpus = r.layout.tp * r.layout.pp * r.layout.dp;
    out.predicted_step_seconds.push_back(e.step_seconds);
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
  if (models.size() > 1) {
    out.held_out_model_errors.assign(runs.size(), 0.0);
    for (int k = 0; k < static_cast<int>(models.size()); ++k) {
      std::vector<calibration_run> others;
      for (std::size_t i = 0; i < runs.size(); ++i) {
        if (out.model_of_run[i] != k) {
          others.push_back(runs[i]);
        }
      }
      const auto held = search(backend, others, -1, grid, base);
      const system_figures f = grid_point(grid, base, held.index);
      for (std::size_t i = 0; i < runs.size(); ++i) {
        if (out.model_of_run[i] == k) {
          out.held_out_model_errors[i] = run_relative_error(runs[i], f);
        }
      }
    }
  }
  return out;
}

}  // namespace fleetcap
