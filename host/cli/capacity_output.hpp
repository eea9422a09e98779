#pragma once
// Printing capacity groups: table, CSV, JSON. Shared by `fleet` and `report`.

#include <functional>
#include <nlohmann/json.hpp>

#include <ostream>
#include <vector>

#include "fleetcap/capacity.hpp"

namespace fleetcap::cli {

struct capacity_view {
  const std::vector<holding>* holdings;
  const std::vector<part_spec>* parts;
  std::vector<capacity_group> groups;
  capacity_group total;
  capacity_options options;
};

capacity_view make_capacity_view(const std::vector<holding>& holdings, const std::vector<part_spec>& parts,
                                 const std::vector<part_metrics_range>& metrics, const capacity_options& options);

void print_capacity_table(std::ostream& out, const capacity_view& view);
// Quantiles of a sampled figure: (group index, view.groups.size() for the total, CSV metric
// name) -> the figure's quantiles, or nullptr when it was not sampled.
using capacity_quantiles_of = std::function<const mc_quantiles*(std::size_t group, const std::string& metric)>;
// Long (tidy) CSV: group,total,metric,low,mid,high,incomplete,missing_parts and, with
// quantiles, p5,p50,p95,mean; one row per group x metric, the sum over all groups in rows with
// total = true. Metric names as the Python package's (dense_ops_per_s_bf16 ...).
void print_capacity_csv(std::ostream& out, const capacity_view& view, const capacity_quantiles_of& quantiles = {});
nlohmann::json capacity_json(const capacity_view& view);
nlohmann::json summed_json(const summed& s);
// A table cell: mid [low-high] in `unit`; '+' when some parts lack the figure, '~' when a
// documented substitute was used, "unknown" when no part has it.
std::string summed_cell(const summed& s, double unit = 1.0);
// The notes for '+' and '~' under a table of `view`'s groups and total.
void print_capacity_notes(std::ostream& out, const capacity_view& view);
// The derivation of every holding, grouped (for --explain).
void print_trail(std::ostream& out, const capacity_view& view);

}  // namespace fleetcap::cli
