#pragma once
// Printing capacity groups: table, CSV, JSON. Shared by `fleet` and `report`.

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
void print_capacity_csv(std::ostream& out, const capacity_view& view);
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
