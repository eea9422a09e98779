#pragma once
/// @file
/// @brief Aggregate capacity of holdings per group, as intervals or by Monte Carlo.

#include <array>
#include <cstdint>
#include <functional>
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

/// @brief A summed figure: low/mid/high over the units that have it. A part that lacks the
/// per-unit figure is never counted as zero: the sum is marked incomplete, and which parts
/// lack it and how many units they hold are kept. A documented substitute used for a part
/// (e.g. its FP16 peak where BF16 is unpublished) is named in `fallbacks`.
struct summed {
  range value{0.0, 0.0, 0.0};
  bool incomplete = false;
  bool any_known = false;                  ///< some units have the figure (else the value is unknown, not 0)
  range missing_units{0.0, 0.0, 0.0};      ///< units whose part lacks the figure
  std::vector<std::string> missing_parts;  ///< their part ids, sorted, unique
  std::vector<std::string> fallbacks;      ///< "part: what was used instead", sorted, unique
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

/// @brief Interval sums per group, groups sorted by mid H100e, largest first. The parts of one
/// inventory entry form one composition (shares summing to 1), so each group's low and high
/// are the extremes over every composition the share ranges allow, times the entry's amount
/// and the per-unit figures' low or high: a point count stays a point, and a budget is spent
/// once.
std::vector<capacity_group> aggregate_capacity(const std::vector<holding>& holdings,
                                               const std::vector<part_spec>& parts,
                                               const std::vector<part_metrics_range>& metrics,
                                               const capacity_options& options);
/// @brief The same sums over every holding as one group "total" (not the sum of the groups'
/// intervals, which would widen where one entry's parts fall in several groups).
capacity_group aggregate_total(const std::vector<holding>& holdings, const std::vector<part_spec>& parts,
                               const std::vector<part_metrics_range>& metrics, const capacity_options& options);

/// @brief The interval sum over `holdings` of a per-unit figure (range::unknown() where a
/// holding's part lacks it: the sum is then marked incomplete), with each entry's parts taken
/// as one composition, like aggregate_capacity. A figure of exactly 0 leaves a part out.
summed sum_per_unit(const std::vector<holding>& holdings, const std::vector<part_spec>& parts,
                   const std::function<range(const holding&)>& per_unit_figure);

/// @brief "ascend-910c (70.0k units, 11% of units)": the parts lacking a figure and their share
/// of `all_units` (empty when complete).
std::string missing_text(const summed& s, const summed& all_units);

/// @brief True when no unit has the figure: the sum is unknown, never a zero.
inline bool unknown_value(const summed& s) { return s.incomplete && !s.any_known; }

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
