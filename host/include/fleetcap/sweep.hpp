#pragma once
/// @file
/// @brief The sweep engine: scenario files (`data/scenarios/`), a mixed-radix grid walked in
/// tiles on a backend with fused reductions per group, shards and their merge.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetcap/backend.hpp"
#include "fleetcap/catalog.hpp"
#include "fleetcap/training.hpp"
#include "kernels/sweep_types.hpp"

namespace fleetcap {

struct sweep_axis {
  std::string name;
  std::vector<double> values;
  std::vector<std::string> labels;  ///< part ids for a part axis, else empty
};

/// @brief A parsed scenario, ready to run.
struct sweep_plan {
  std::string id;
  std::string evaluator;
  std::string origin;
  nlohmann::json scenario;  ///< the scenario as given (carried in results for merging)
  std::string digest;       ///< identifies the scenario; shards must agree on it
  sweep_config config{};
  std::vector<sweep_axis> axes;  ///< engine order: group axes, then the rest, innermost last
  std::vector<std::string> metric_names;
  std::vector<std::string> predicate_names;
  std::vector<double> values;  ///< the axes' values, flattened (config.axis_offset)
  std::uint64_t total_points = 0;
  std::uint64_t rows_per_group = 0;
  std::uint64_t group_count = 0;
  std::vector<std::string> substitutes;  ///< documented stand-ins for missing part figures
  bool histogram_from_data = false;      ///< the scenario's histogram gives no from/to
};

/// @brief Parses a scenario file. @throws input_error naming the file, the pointer and the
/// problem (unknown evaluator or axis, empty or reversed range, log range through zero, a
/// count of zero, more than 2^63 points ...).
/// `shape` and `system`, when given, replace the scenario's "model" and "system" (used by
/// `train --search`, whose system may be a file outside the catalogue).
sweep_plan parse_scenario(const catalog_file& file, const catalog_source& catalog, const std::vector<part_spec>& parts,
                          const transformer_shape* shape = nullptr, const system_spec* system = nullptr);

/// @brief A scenario from a path or a catalogue id (data/scenarios/ID.json).
sweep_plan load_scenario(const std::string& path_or_id, const catalog_source& catalog, const std::vector<part_spec>& parts);

/// @brief A group's bins, fixed before its points are folded: the histogram's range (from the
/// scenario, or from a sample of the group when the scenario leaves it to the data) and the
/// quantile edges (from the same sample). Both depend only on the scenario and the group, so
/// every shard and backend bins a group alike and merged shards give the same quantiles.
struct sweep_group_bins {
  double histogram_low = 0.0;
  double histogram_high = 0.0;
  std::vector<double> quantile_edges;  ///< sorted, distinct, at most sweep_max_quantile_edges
};

/// @brief A quantile of the histogram metric over a group's valid points: the k-th smallest
/// value, k = ceil(p n) (the inverse of the empirical distribution), known to lie in
/// [low, high] (its bin, narrowed to the exact minimum and maximum); `value` is an estimate
/// inside that bound (linear within the bin). low == high when it is exact.
struct sweep_quantile {
  double value = 0.0;
  double low = 0.0;
  double high = 0.0;
};

struct sweep_group_result {
  std::uint64_t group = 0;
  sweep_accumulator accumulator{};
  sweep_group_bins bins;
};

/// @brief The bins of group `group` of a plan (see sweep_group_bins): evaluates a deterministic
/// sample of the group's points on the host (all of them when the group is small).
sweep_group_bins plan_group_bins(const sweep_plan& plan, std::uint64_t group);

/// @brief The bins of groups [first, end), their samples drawn side by side on every thread:
/// the same as plan_group_bins for each.
std::vector<sweep_group_bins> plan_bins_of_groups(const sweep_plan& plan, std::uint64_t first, std::uint64_t end);

/// @brief The plan's kernel configuration with one group's bins (what the group is folded with).
sweep_config sweep_group_config(const sweep_plan& plan, const sweep_group_bins& bins);

/// @brief Quantile `percent` (1-99) of a group's histogram metric from its quantile bins.
/// Requires valid > 0.
sweep_quantile read_sweep_quantile(const sweep_accumulator& a, const sweep_group_bins& bins, int percent);

struct sweep_result {
  std::uint64_t shard = 0;
  std::uint64_t shards = 1;
  std::uint64_t first_row = 0;
  std::uint64_t end_row = 0;
  std::vector<sweep_group_result> groups;  ///< groups touched by the row range, in order
};

/// @brief Parses "K/N" (0 <= K < N). @throws input_error.
std::pair<std::uint64_t, std::uint64_t> parse_shard(const std::string& text);

/// @brief Runs shard `shard` of `shards` (an equal contiguous slice of rows) in tiles of at
/// most `tile_points` points. `progress(done_points, total_points)` is called after each tile.
sweep_result run_sweep(backend_kind backend, const sweep_plan& plan, std::uint64_t shard, std::uint64_t shards,
                       std::uint64_t tile_points,
                       const std::function<void(std::uint64_t, std::uint64_t)>& progress = {});

/// @brief The result document: scenario, digest, shard, and per group the raw accumulator (so
/// shards can be merged) with the derived figures (min/argmin coordinates, mean, counts ...).
nlohmann::json sweep_result_json(const sweep_plan& plan, const sweep_result& result);

/// @brief Parses a result document back (for merging). @throws input_error.
sweep_result sweep_result_from_json(const nlohmann::json& j, const std::string& file);

/// @brief Reads a result document written by `sweep --out` (or `merge --out`): duplicate keys,
/// nesting and a `content_digest` that does not match the document (an edited file) are input
/// errors naming the file.
nlohmann::json read_sweep_document(const std::string& path);

/// @brief Combines shard results into what one unsharded run returns: checks they share a
/// digest and cover every shard exactly once. @throws input_error.
sweep_result merge_sweep_results(const sweep_plan& plan, const std::vector<sweep_result>& parts,
                                 const std::vector<std::string>& files);

/// @brief The coordinates (axis name -> value or label) of a grid point.
nlohmann::json sweep_point_coordinates(const sweep_plan& plan, std::uint64_t index);

/// @brief Evaluates every point of a small grid (for `--rows`); calls row(index, metrics).
void sweep_each_point(const sweep_plan& plan, const std::function<void(std::uint64_t, const double*)>& row);

}  // namespace fleetcap
