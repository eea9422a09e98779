// CUDA backend of the sweep engine: one launcher for the built-in evaluators, the fused tile
// kernel of kernels/sweep_tile.cuh (one thread per run of points, warp-level folds).
#include "kernels/device_buffer.cuh"
#include "kernels/evaluators/registry.cuh"
#include "kernels/sweep.hpp"
#include "kernels/sweep_tile.cuh"

namespace fleetcap::cuda_backend {

namespace {

template <class E>
sweep_accumulator sweep_rows_of(const sweep_config& config, const double* values, std::size_t value_count,
                                std::uint64_t first_row, std::uint64_t row_count)
{
  device_buffer<double> d_values(values, value_count);
  try {
    return sweep_tile_on_device<E>(config, d_values.data(), first_row, row_count);
  } catch (const std::exception& e) {
    throw_device_error(std::string("sweep kernel failed on CUDA: ") + e.what());
  }
}

}  // namespace

sweep_rows_fn sweep_rows_for(int evaluator)
{
  // One launcher for every built-in evaluator (see any_builtin_evaluator).
  constexpr int builtin = 0
#define FC_COUNT(E) +1
      FLEETCAP_SWEEP_EVALUATORS(FC_COUNT)
#undef FC_COUNT
      ;
  return evaluator >= 0 && evaluator < builtin ? &sweep_rows_of<any_builtin_evaluator> : nullptr;
}

}  // namespace fleetcap::cuda_backend
