// CUDA backend of the fleet Monte Carlo.
#include <thrust/system/cuda/execution_policy.h>

#define FC_BACKEND_NS cuda_backend
#define FC_EXEC_POLICY thrust::cuda::par
#include "kernels/cuda_call.cuh"
#include "kernels/device_buffer.cuh"
#include "kernels/monte_carlo.inl"

namespace fleetcap::cuda_backend {

void monte_carlo_totals(const mc_inputs& in, const mc_config& cfg, std::uint64_t samples, double* out)
{
  if (samples == 0) {
    return;
  }
  const std::size_t out_count = static_cast<std::size_t>(samples) * static_cast<std::size_t>(cfg.group_count);
  device_buffer<mc_entry> d_entries(in.entries, static_cast<std::size_t>(cfg.entry_count));
  device_buffer<mc_share> d_shares(in.shares, static_cast<std::size_t>(in.share_count));
  device_buffer<mc_figure> d_figures(in.figures, static_cast<std::size_t>(in.figure_count));
  device_buffer<double> d_out(out_count);
  try {
    monte_carlo_on_device(d_entries.data(), d_shares.data(), d_figures.data(), cfg, samples, d_out.data());
  } catch (const std::exception& e) {
    throw_device_error(std::string("Monte Carlo kernel failed on CUDA: ") + e.what());
  }
  d_out.copy_to(out, out_count);
}

}  // namespace fleetcap::cuda_backend
