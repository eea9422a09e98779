#include "fleetcap/part_metrics.hpp"

#include "kernels/part_metrics.hpp"

namespace fleetcap {

std::vector<part_metrics> evaluate_figures(backend_kind backend,
                                           const std::vector<part_figures>& figures)
{
  std::vector<part_metrics> out(figures.size());
#if FLEETCAP_HAVE_CUDA
  if (backend == backend_kind::cuda) {
    cuda_backend::evaluate_parts(figures.data(), figures.size(), out.data());
    return out;
  }
#else
  (void)backend;  // resolve_backend never yields cuda in a CPU-only build
#endif
  cpu_backend::evaluate_parts(figures.data(), figures.size(), out.data());
  return out;
}

std::vector<part_metrics_range> evaluate_parts(backend_kind backend,
                                               const std::vector<part_spec>& parts)
{
  // One launch for all parts at all three ends of their ranges.
  std::vector<part_figures> figures;
  figures.reserve(parts.size() * 3);
  for (const auto& p : parts) {
    for (int which = 0; which < 3; ++which) {
      figures.push_back(p.figures(which));
    }
  }
  const auto metrics = evaluate_figures(backend, figures);
  std::vector<part_metrics_range> out(parts.size());
  for (std::size_t i = 0; i < parts.size(); ++i) {
    out[i] = {metrics[3 * i], metrics[3 * i + 1], metrics[3 * i + 2]};
  }
  return out;
}

}  // namespace fleetcap
