#pragma once
/// @file
/// @brief Capex data sets (`data/capex/<id>.json`): published spending figures, and their
/// conversion into accelerators through a sourced accelerator share and the parts' prices.

#include <optional>
#include <string>
#include <vector>

#include "fleetcap/catalog.hpp"
#include "fleetcap/fleet.hpp"
#include "fleetcap/spec.hpp"

namespace fleetcap {

struct capex_entry {
  std::string owner;
  std::string country;
  std::string period;  ///< "2024", "2024-H1", "2024-Q3"
  std::string measure;  ///< what the amount is ("AI-chip budget", "capex"); empty when not given
  range amount;        ///< in `currency` units
  std::string currency;
  range usd_per_unit;  ///< exactly 1 for USD
  std::string exchange_rate_source;
  range previous = range::unknown();  ///< a year earlier, same currency; unknown when not given
  std::string source;
  std::vector<std::string> notes;
  std::string pointer;

  range amount_usd() const;
};

/// @brief The fraction of a set's amounts spent on accelerators.
struct accelerator_share {
  range share;
  std::string source;
  std::vector<std::string> notes;
};

struct capex_set {
  std::string id;
  std::string name;
  std::string description;
  std::optional<accelerator_share> share;
  std::vector<capex_entry> entries;
  std::vector<std::string> notes;
  std::vector<std::string> sources;
  std::string origin;
};

/// @brief Parses and validates a capex file. @throws input_error (file, pointer, problem).
capex_set parse_capex(const catalog_file& file);

/// @brief Every capex set in the catalogue's `data/capex/`.
std::vector<capex_set> load_capex(const catalog_source& source);

/// @brief The holdings a spend would buy if it all went to one part: a one-part budget entry
/// of `usd` (already times the accelerator share), resolved like a fleet budget.
/// @throws input_error when the part has no price.
std::vector<holding> spend_on_part(const range& usd, const std::string& label, const part_spec& part,
                                   const std::vector<part_spec>& parts);

}  // namespace fleetcap
