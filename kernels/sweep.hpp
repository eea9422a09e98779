#pragma once
// Launchers of the sweep engine, one per backend: the accumulator of rows
// [first_row, first_row + row_count) of a grid. `values` is the axes' value table.

#include <cstddef>
#include <cstdint>

#include "kernels/sweep_types.hpp"

namespace fleetcap {

namespace cpu_backend {
sweep_accumulator sweep_rows(const sweep_config& config, const double* values, std::size_t value_count,
                             std::uint64_t first_row, std::uint64_t row_count);
}  // namespace cpu_backend

namespace cuda_backend {
sweep_accumulator sweep_rows(const sweep_config& config, const double* values, std::size_t value_count,
                             std::uint64_t first_row, std::uint64_t row_count);
}  // namespace cuda_backend

}  // namespace fleetcap
