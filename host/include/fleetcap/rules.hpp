#pragma once
/// @file
/// @brief Rule sets (`data/rules/<id>.json`): thresholds as data, with citation and dates.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fleetcap/catalog.hpp"

namespace fleetcap {

/// @brief A calendar date (proleptic Gregorian).
struct date {
  int year = 0;
  int month = 0;
  int day = 0;
  bool operator<(const date& o) const;
  bool operator<=(const date& o) const { return !(o < *this); }
  std::string str() const;  ///< YYYY-MM-DD
};

/// @brief Parses YYYY-MM-DD. @throws input_error "`where`: ..." when it is not a real date.
date parse_date(const std::string& text, const std::string& where);

/// @brief One rule set. Parameters are stored as written in the file (the units named by the
/// key); compliance.cpp converts them to SI for the kernels.
struct rule {
  std::string id;
  std::string name;
  std::string kind;  ///< which evaluator applies, e.g. "us_3a090_2023"
  std::string jurisdiction;
  std::string citation;
  date in_force;
  std::optional<date> no_longer_in_force;
  std::string based_on;  ///< id of the rule whose classification this one needs, or empty
  std::map<std::string, double> parameters;
  std::string domestic_country;  ///< cn_domestic_share_2025 only
  std::vector<std::string> notes;
  std::vector<std::string> sources;
  std::string origin;

  /// @brief In force on `d`: in_force <= d < no_longer_in_force.
  bool in_force_on(const date& d) const;
  /// @brief A parameter that the loader guaranteed is present.
  double parameter(const std::string& key) const;
};

/// @brief The rule kinds fleetcap evaluates and the parameter keys each requires.
const std::map<std::string, std::vector<std::string>>& rule_kinds();

/// @brief Parses and validates one rule file (kind, parameters, bounds, dates).
rule parse_rule(const catalog_file& file);

/// @brief Loads every rule in `rules/` of the catalogue's data folder, sorted by in-force date
/// then id; checks ids are unique and `based_on` names a loaded rule of a suitable kind.
std::vector<rule> load_rules(const catalog_source& source);

/// @brief The rule with this id. @throws input_error naming the closest ids.
const rule& find_rule(const std::vector<rule>& rules, const std::string& id);

/// @brief Rules named in a comma-separated list (all when empty), in force on `as_of` when
/// given. @throws input_error on an unknown id.
std::vector<const rule*> select_rules(const std::vector<rule>& rules, const std::string& ids_csv,
                                      const std::optional<date>& as_of);

}  // namespace fleetcap
