#pragma once
/// @file
/// @brief Fleet inventories (`data/fleets/<id>.json`): who owns how many of which part, with
/// ranges and sources, and their resolution into holdings of one part each.

#include <string>
#include <vector>

#include "fleetcap/catalog.hpp"
#include "fleetcap/spec.hpp"

namespace fleetcap {

enum class fleet_status { planned, ordered, delivered };
const char* fleet_status_name(fleet_status s);

/// @brief One part of an entry's mix (a single-part entry has one share of exactly 1).
struct fleet_share {
  std::string part;
  range share;
  range price_usd;  ///< override of the catalogue price; unknown when not given
  std::string price_source;
};

/// @brief Money converted to units through the parts' prices.
struct fleet_budget {
  range amount;  ///< in `currency` units
  std::string currency;
  range usd_per_unit;  ///< exchange rate, USD per currency unit (exactly 1 for USD)
  std::string exchange_rate_source;
};

struct fleet_entry {
  std::string owner;
  std::string country;   ///< the owner's headquarters (ISO 3166-1 alpha-2)
  std::string location;  ///< where the chips are installed (ISO code); the headquarters when not given
  int year = 0;
  fleet_status status = fleet_status::delivered;
  std::vector<fleet_share> mix;
  bool has_count = false;
  range count;          ///< units, when has_count
  fleet_budget budget;  ///< when !has_count
  std::string source;
  std::vector<std::string> notes;
  std::string pointer;  ///< "/entries/3", for messages and --explain
};

/// @brief A declaration that some holdings of another inventory are already counted in one
/// of this file's entries (e.g. ByteDance's 2024 H20s inside a China-wide H20 forecast).
struct fleet_overlap {
  std::string fleet;                ///< the other inventory's id
  std::vector<std::string> owners;  ///< its owners concerned
  std::vector<std::string> parts;   ///< its parts concerned (empty: all)
  std::vector<int> years;           ///< its years concerned (empty: all)
  std::size_t counted_in = 0;       ///< the entry of this file that includes them
  std::string why;
  std::string pointer;  ///< "/overlaps/0"
};

struct fleet {
  std::string id;
  std::string name;
  std::string description;
  std::vector<fleet_entry> entries;
  std::vector<std::string> notes;
  std::vector<std::string> sources;
  std::vector<fleet_overlap> overlaps;
  std::string origin;
};

/// @brief Parses and validates a fleet file against the catalogue's part ids.
/// @throws input_error naming the file, the JSON pointer and the problem.
fleet parse_fleet(const catalog_file& file, const std::vector<part_spec>& parts);

/// @brief Checks every overlap declaration against the inventories it names: the fleet must be
/// one of `known` and each owner must appear in it. @throws input_error (file, pointer).
void check_overlaps(const std::vector<fleet>& fleets, const std::vector<fleet>& known);

/// @brief Reads and parses a fleet file from disk.
fleet load_fleet_file(const std::string& path, const std::vector<part_spec>& parts);

/// @brief Every fleet in the catalogue's `data/fleets/`.
std::vector<fleet> load_fleets(const catalog_source& source, const std::vector<part_spec>& parts);

/// @brief One part held by one owner: an entry resolved into units (and spend) with ranges.
struct holding {
  std::string fleet;
  std::size_t entry = 0;       ///< index into fleet.entries
  std::size_t part_index = 0;  ///< index into the parts vector given to resolve_holdings
  std::string owner;
  std::string country;   ///< owner's headquarters
  std::string location;  ///< where the chips are installed
  int year = 0;
  fleet_status status = fleet_status::delivered;
  range units;      ///< the feasible range of this part's units (shares of a mix sum to 1)
  range capex_usd;  ///< the feasible range of its spend; unknown when neither a budget nor a price is known
  std::string trail;  ///< how the units were derived, with the sources (for --explain)

  // The entry this holding is one part of: aggregation treats the parts of one entry as one
  // composition (their shares sum to 1), so sums over an entry never widen past its count.
  bool by_budget = false;
  range amount;                     ///< the entry's count (units), or its budget converted to USD
  std::vector<range> entry_shares;  ///< share bounds of every part of the entry's mix
  std::size_t share_index = 0;      ///< this holding's place in entry_shares
  range price_usd;                  ///< price per unit (mix override, else catalogue); may be unknown
  int price_key = -1;               ///< which price: the part's catalogue price (-1) or a mix override (its index)
};

/// @brief Resolves entries into holdings. A count entry holds count x share units; a budget
/// entry buys budget x rate x share / price. Each holding's range is the widest its share can
/// take in a composition that sums to 1 (composition.cuh).
/// @throws input_error when a budget buys a part with no known price.
std::vector<holding> resolve_holdings(const std::vector<fleet>& fleets, const std::vector<part_spec>& parts);

/// @brief How resolve_holdings treats inventories that overlap (declared in `overlaps`).
struct overlap_policy {
  bool dedupe = false;  ///< drop the other inventory's overlapping holdings instead of refusing
  std::vector<std::string>* notes = nullptr;  ///< receives one line per dropped set
};

/// @brief resolve_holdings, then overlaps: when two of `fleets` overlap, refuses (input_error
/// naming the declaration) unless `policy.dedupe`, which keeps the declaring file's entry and
/// drops the other file's matching holdings, with a note.
std::vector<holding> resolve_holdings(const std::vector<fleet>& fleets, const std::vector<part_spec>& parts,
                                      const overlap_policy& policy);

}  // namespace fleetcap
