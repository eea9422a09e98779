#pragma once
/// @file
/// @brief Aggregate capacity of holdings per group, as intervals or by Monte Carlo.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "fleetcap/backend.hpp"
#include "fleetcap/fleet.hpp"
#include "fleetcap/part_metrics.hpp"
#include "kernels/capacity.cuh"
#include "kernels/monte_carlo_types.hpp"

namespace fleetcap {

enum class group_key { owner, part, vendor, country, year, status, fleet };
/// @brief Parses owner|part|vendor|country|year|status|fleet. @throws input_error.
group_key parse_group_key(const std::string& text);
const char* group_key_name(group_key key);
/// @brief Parses tpp|int8|bf16. @throws input_error.
h100e_basis parse_h100e_basis(const std::string& text);
const char* h100e_basis_name(h100e_basis basis);

/// @brief A summed figure: low/mid/high, and whether some holdings lacked the per-unit figure
/// (then the sum is a lower bound).
struct summed {
  range value{0.0, 0.0, 0.0};
  bool incomplete = false;
};

/// @brief The per-group totals (SI units).
struct capacity_totals {
  summed units;
  std::array<summed, format_count> dense_ops_per_s;  ///< indexed by numeric_format
  summed memory_bytes;
  summed memory_bandwidth_bytes_per_s;
  summed scale_up_bandwidth_bytes_per_s;
  summed tdp_watts;
  summed facility_watts;
  summed capex_usd;
  summed tpp;
  summed h100e;
};

struct capacity_group {
  std::string key;
  capacity_totals totals;
  std::vector<std::size_t> holdings;  ///< indices into the holdings vector
};

struct capacity_options {
  group_key by = group_key::owner;
  h100e_basis basis = h100e_basis::int8;
  double pue = 1.0;
};

/// @brief The group a holding falls in.
std::string group_of(const holding& h, const std::vector<part_spec>& parts, group_key key);

/// @brief Interval sums per group (groups sorted by mid H100e, largest first) plus a total.
std::vector<capacity_group> aggregate_capacity(const std::vector<holding>& holdings,
                                               const std::vector<part_spec>& parts,
                                               const std::vector<part_metrics_range>& metrics,
                                               const capacity_options& options);
capacity_group total_of(const std::vector<capacity_group>& groups);

/// @brief Monte Carlo quantiles of one metric per group.
struct mc_quantiles {
  double p5 = 0.0;
  double p50 = 0.0;
  double p95 = 0.0;
  double mean = 0.0;
};

struct monte_carlo_options {
  std::uint64_t samples = 0;
  std::uint64_t seed = 1;
  mc_distribution distribution = mc_distribution::triangular;
};

/// @brief Parses triangular|pert. @throws input_error.
mc_distribution parse_distribution(const std::string& text);
const char* distribution_name(mc_distribution d);

/// @brief The metrics the Monte Carlo reports.
enum class mc_metric { units, h100e, bf16_flop_per_s, tpp, facility_watts, capex_usd };
const char* mc_metric_name(mc_metric m);

/// @brief Quantiles of `metric` for each group in `groups` (same order) and, last, the total,
/// computed by the Monte Carlo kernel on `backend`.
/// @throws input_error when samples x (groups + 1) is too large to hold.
std::vector<mc_quantiles> monte_carlo_capacity(backend_kind backend, const std::vector<holding>& holdings,
                                               const std::vector<part_spec>& parts,
                                               const std::vector<part_metrics_range>& metrics,
                                               const std::vector<capacity_group>& groups,
                                               const capacity_options& options, mc_metric metric,
                                               const monte_carlo_options& mc);

}  // namespace fleetcap
