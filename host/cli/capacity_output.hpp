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
// Which parts lack a figure (and their share of units), and which substitutes were used.
void print_capacity_notes(std::ostream& out, const capacity_view& view);
void print_capacity_csv(std::ostream& out, const capacity_view& view);
nlohmann::json capacity_json(const capacity_view& view);
nlohmann::json summed_json(const summed& s);
// The derivation of every holding, grouped (for --explain).
void print_trail(std::ostream& out, const capacity_view& view);

}  // namespace fleetcap::cli
