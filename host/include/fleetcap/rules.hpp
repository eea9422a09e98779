#pragma once
/// @file
/// @brief Rule sets (`data/rules/<id>.json`): thresholds as data, with citation and dates.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "fleetcap/catalog.hpp"
#include "fleetcap/spec.hpp"

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

/// @brief ISO 3166-1 user-assigned code that fleet files use for "location not published"
/// (data/fleets/README.md). It is in no country group, so a scope that turns on it stays open.
inline constexpr const char* unpublished_country = "ZZ";

/// @brief Named country groups (`data/rules/groups/*.json`): EAR Supp. No. 1 to Part 740
/// groups such as "D:5", and fleetcap's "china" (CN, HK, MO), as ISO 3166-1 alpha-2 codes.
struct country_groups {
  std::map<std::string, std::set<std::string>> groups;
  std::string origin;  ///< the file they came from
};

/// @brief Parses one country-group file. @throws input_error with file and JSON pointer.
country_groups parse_country_groups(const catalog_file& file);

/// @brief The groups of the catalogue (`data/rules/groups/`). @throws input_error when none.
country_groups load_country_groups(const catalog_source& source);

/// @brief A set of countries as a rule names it: groups and codes included, minus those excluded.
struct country_set {
  bool given = false;                 ///< false: not a criterion of the rule (null in the file)
  std::set<std::string> countries;    ///< resolved ISO codes
  std::string text;                   ///< as written, for reasons: "D:1, D:4, D:5, MO (not A:5, A:6)"
  bool contains(const std::string& code) const { return countries.count(code) > 0; }
};

/// @brief What a rule covers (data/rules/README.md, "Scope"). A subject is inside when the item's
/// origin is covered and it matches any of the destination / headquarters clauses the rule gives.
struct rule_scope {
  std::vector<std::string> item_origin;  ///< vendor countries whose items the rule governs; empty: any
  bool other_origin_undetermined = false; ///< verdict on other items: undetermined (else not_applicable)
  country_set destinations;              ///< where the item goes or is installed
  country_set owner_headquarters;        ///< where its owner is headquartered
};

/// @brief The rule applies to some parts before its general effective date (a USG notice to one
/// vendor, e.g. the 23 Oct 2023 letter that brought the 2023 rule forward for NVIDIA's parts).
struct early_application {
  date from;
  std::vector<std::string> parts;  ///< catalogue part ids
  std::string source;
};

/// @brief One rule set. Parameters are stored as written in the file (the units named by the
/// key); compliance.cpp converts them to SI for the kernels.
struct rule {
  std::string id;
  std::string name;
  std::string kind;  ///< which evaluator applies, e.g. "us_3a090_2023"
  std::string jurisdiction;
  std::string citation;
  std::optional<date> entry_into_force;  ///< when it entered into force, if before it applied
  date in_force;                          ///< first day it applied (the date verdicts use)
  std::optional<date> no_longer_in_force;
  std::string based_on;  ///< id of the rule whose classification this one needs, or empty
  std::map<std::string, double> parameters;
  /// Parameters set by a what-if (`--rule`), with their published values; empty for the rule
  /// as published.
  std::map<std::string, double> published;
  /// The `based_on` rule when --rule changed that one: this rule's verdicts follow the what-if.
  std::string follows_what_if;
  std::string domestic_country;  ///< cn_domestic_share_2025 only
  rule_scope scope;
  std::map<std::string, int> country_tiers;  ///< us_diffusion_2025 only: ISO code -> tier 1, 2 or 3
  std::vector<std::string> named_parts;      ///< us_named_parts_letter only: catalogue part ids
  std::vector<early_application> early;      ///< parts it applied to before in_force
  std::vector<std::string> notes;
  std::vector<std::string> sources;
  std::string origin;

  /// @brief In force on `d`: in_force <= d < no_longer_in_force.
  bool in_force_on(const date& d) const;
  /// @brief In force on `d` for this part, counting an early application to it.
  bool in_force_for(const date& d, const std::string& part_id) const;
  /// @brief In force on `d` for at least one part (generally, or by an early application).
  bool in_force_for_some_part(const date& d) const;
  /// @brief The early application that makes the rule apply to this part on `d` before
  /// in_force, or null.
  const early_application* early_for(const date& d, const std::string& part_id) const;
  /// @brief A parameter that the loader guaranteed is present.
  double parameter(const std::string& key) const;
};

/// @brief The rule kinds fleetcap evaluates and the parameter keys each requires.
const std::map<std::string, std::vector<std::string>>& rule_kinds();

/// @brief Parses and validates one rule file (kind, parameters, bounds, dates, scope), resolving
/// the country groups its scope names against `groups`.
rule parse_rule(const catalog_file& file, const country_groups& groups);

/// @brief As above, with the built-in catalogue's country groups.
rule parse_rule(const catalog_file& file);

/// @brief Loads every rule in `rules/` of the catalogue's data folder, sorted by in-force date
/// then id; checks ids are unique and `based_on` names a loaded rule of a suitable kind.
std::vector<rule> load_rules(const catalog_source& source);

/// @brief A what-if value of one rule parameter, from `--rule ID:PARAMETER=VALUE`.
struct rule_override {
  std::string rule_id;
  std::string parameter;
  double value = 0.0;
  std::string text;  ///< the option's text, for messages
};

/// @brief Parses `ID:PARAMETER=VALUE[,PARAMETER=VALUE...]` (values positive and finite).
/// @throws input_error quoting the text.
std::vector<rule_override> parse_rule_overrides(const std::string& text);

/// @brief Sets each override's parameter, keeping the published value in rule::published, then
/// checks the rule's relations (lower bounds below upper ones) with every override in place,
/// and marks the rules `based_on` a changed one (rule::follows_what_if).
/// @throws input_error naming the option: an unknown rule id (with the closest), a parameter
/// the rule does not have (with its parameters), or a broken relation.
void apply_rule_overrides(std::vector<rule>& rules, const std::vector<rule_override>& overrides);

/// @brief Checks that every part id a rule names (named_parts, early_application) is a
/// catalogue part. @throws input_error with the rule file, the pointer and the closest ids.
void check_rule_part_ids(const std::vector<rule>& rules, const std::vector<part_spec>& parts);

/// @brief The diffusion tier (1, 2, 3) of a country. @throws input_error naming the rule file,
/// /country_tiers and `where` (the inventory field or option that used the country) when the
/// table has no tier for it.
int country_tier(const rule& r, const std::string& code, const std::string& where);

/// @brief The rule with this id. @throws input_error naming the closest ids.
const rule& find_rule(const std::vector<rule>& rules, const std::string& id);

/// @brief Rules named in a comma-separated list (all when empty), in force on `as_of` when
/// given. @throws input_error on an unknown id.
std::vector<const rule*> select_rules(const std::vector<rule>& rules, const std::string& ids_csv,
                                      const std::optional<date>& as_of);

}  // namespace fleetcap
