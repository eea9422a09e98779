// CPU backend of the sweep engine (Thrust OpenMP device system).
#include <thrust/system/omp/execution_policy.h>

#define FC_BACKEND_NS cpu_backend
#define FC_EXEC_POLICY thrust::omp::par
// A thread folds 4,096 points or more per accumulator: merges are then under 1 % of the work.
#define FC_SWEEP_POINTS_PER_ITEM 4096
#include "kernels/sweep.inl"

namespace fleetcap::cpu_backend {

sweep_accumulator sweep_rows(const sweep_config& config, const double* values, std::size_t /*value_count*/,
                             std::uint64_t first_row, std::uint64_t row_count)
{
  return sweep_rows_on_device(config, values, first_row, row_count);
}

}  // namespace fleetcap::cpu_backend
