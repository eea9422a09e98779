// Fleet inventories: loading, validation, and resolution into holdings.

#include "fleetcap/fleet.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "detail/json_fields.hpp"
#include "fleetcap/error.hpp"
#include "fleetcap/format.hpp"
#include "kernels/composition.cuh"

namespace fleetcap {

const char* fleet_status_name(fleet_status s)
{
  switch (s) {
    case fleet_status::planned: return "planned";
    case fleet_status::ordered: return "ordered";
    case fleet_status::delivered: return "delivered";
  }
  return "?";
}

namespace {

// Currencies a budget may be stated in; each needs a stated exchange rate except USD.
const std::vector<std::string>& known_currencies()
{
  static const std::vector<std::string> c = {"USD", "CNY", "EUR", "JPY", "KRW", "GBP", "TWD"};
  return c;
}

std::string file_stem(const std::string& name)
{
  const auto slash = name.find_last_of('/');
  std::string base = slash == std::string::npos ? name : name.substr(slash + 1);
  return base.size() > 5 && base.compare(base.size() - 5, 5, ".json") == 0 ? base.substr(0, base.size() - 5) : base;
}

std::size_t part_index_of(const std::vector<part_spec>& parts, const std::string& id, const std::string& file,
                          const std::string& pointer)
{
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].id == id) {
      return i;
    }
    ids.push_back(parts[i].id);
  }
  const auto near = closest_ids(ids, id);
  std::string msg = file + ": " + pointer + ": unknown part id " + detail::quoted(id);
  if (!near.empty()) {
    msg += " (closest: ";
    for (std::size_t i = 0; i < near.size(); ++i) {
      msg += (i ? ", " : "") + near[i];
    }
    msg += ")";
  }
  throw input_error(msg);
}

fleet_share parse_share(const nlohmann::json& j, const std::string& file, const std::string& pointer,
                        const std::vector<part_spec>& parts)
{
  const detail::json_object_reader r(j, file, pointer);
  r.allow_only({"part", "share", "price_usd", "price_source"});
  fleet_share s;
  s.part = r.required_string("part");
  part_index_of(parts, s.part, file, pointer + "/part");
  s.share = r.nullable_positive_range("share", 1.0);
  if (!s.share.known()) {
    r.fail("share", "expected a share in (0, 1], got null");
  }
  if (s.share.high > 1.0) {
    r.fail("share", "a share must be at most 1, got " + format_number(s.share.high, 3));
  }
  s.price_usd = r.nullable_positive_range("price_usd", 1.0, true);
  if (j.contains("price_source")) {
    s.price_source = r.required_string("price_source");
  }
  if (s.price_usd.known() && s.price_source.empty()) {
    r.fail("price_source", "missing required field (a price override needs its source)");
  }
  return s;
}

fleet_entry parse_entry(const nlohmann::json& j, const std::string& file, const std::string& pointer,
                        const std::vector<part_spec>& parts)
{
  const detail::json_object_reader r(j, file, pointer);
  r.allow_only({"owner", "country", "location", "year", "status", "part", "mix", "count", "budget", "source", "notes"});
  fleet_entry e;
  e.pointer = pointer;
  e.owner = r.required_string("owner");
  e.country = r.required_string("country");
  if (e.country.size() != 2 || !std::isupper(static_cast<unsigned char>(e.country[0])) ||
      !std::isupper(static_cast<unsigned char>(e.country[1]))) {
    r.fail("country", "expected an ISO 3166-1 alpha-2 code such as \"CN\", got \"" + e.country + "\"");
  }
  e.location = e.country;
  if (j.contains("location")) {
    e.location = r.required_string("location");
    if (e.location.size() != 2 || !std::isupper(static_cast<unsigned char>(e.location[0])) ||
        !std::isupper(static_cast<unsigned char>(e.location[1]))) {
      r.fail("location", "expected an ISO 3166-1 alpha-2 code such as \"MY\", got \"" + e.location + "\"");
    }
  }
  const auto year = r.nullable_integer("year", 1990, 2100);
  if (!year) {
    r.fail("year", "expected a year, got null");
  }
  e.year = *year;
  const auto status = r.required_string("status");
  if (status == "planned") {
    e.status = fleet_status::planned;
  } else if (status == "ordered") {
    e.status = fleet_status::ordered;
  } else if (status == "delivered") {
    e.status = fleet_status::delivered;
  } else {
    r.fail("status", "expected planned, ordered or delivered, got \"" + status + "\"");
  }
  e.source = r.required_string("source");
  if (j.contains("notes")) {
    e.notes = r.string_array("notes", false);
  }

  const bool has_part = j.contains("part"), has_mix = j.contains("mix");
  if (has_part == has_mix) {
    r.fail("part", has_part ? "give either \"part\" or \"mix\", not both" : "missing: give \"part\" or \"mix\"");
  }
  if (has_part) {
    fleet_share s;
    s.part = r.required_string("part");
    part_index_of(parts, s.part, file, pointer + "/part");
    s.share = range::exact(1.0);
    s.price_usd = range::unknown();
    e.mix.push_back(s);
  } else {
    const auto& mix = j.at("mix");
    if (!mix.is_array() || mix.empty()) {
      r.fail("mix", "expected a non-empty array of {\"part\", \"share\"}, got " + detail::describe_json(mix));
    }
    double sum = 0.0;
    for (std::size_t i = 0; i < mix.size(); ++i) {
      e.mix.push_back(parse_share(mix[i], file, pointer + "/mix/" + std::to_string(i), parts));
      sum += e.mix.back().share.mid;
    }
    if (std::fabs(sum - 1.0) > 1e-9) {
      char buffer[96];
      std::snprintf(buffer, sizeof buffer, "the shares' mids sum to %.12g, not 1 (within 1e-9)", sum);
      r.fail("mix", buffer);
    }
    // Every share's mid lies in its range and the mids sum to 1, so the lows sum to at most 1
    // and the highs to at least 1: a composition always exists.
    if (e.mix.size() > static_cast<std::size_t>(max_mix_parts)) {
      r.fail("mix", "a mix has at most " + std::to_string(max_mix_parts) + " parts, got " + std::to_string(e.mix.size()));
    }
    for (std::size_t a = 0; a < e.mix.size(); ++a) {
      for (std::size_t b = 0; b < a; ++b) {
        if (e.mix[a].part == e.mix[b].part) {
          r.fail("mix", "part \"" + e.mix[a].part + "\" appears twice (items " + std::to_string(b) + " and " +
                            std::to_string(a) + ")");
        }
      }
    }
  }

  const bool has_count = j.contains("count"), has_budget = j.contains("budget");
  if (has_count == has_budget) {
    r.fail("count", has_count ? "give either \"count\" or \"budget\", not both"
                              : "missing: give \"count\" or \"budget\"");
  }
  e.has_count = has_count;
  if (has_count) {
    e.count = r.nullable_positive_range("count", 1.0);
    if (!e.count.known()) {
      r.fail("count", "expected a positive count, got null");
    }
  } else {
    const std::string bp = pointer + "/budget";
    const detail::json_object_reader b(j.at("budget"), file, bp);
    b.allow_only({"amount", "currency", "usd_per_unit", "exchange_rate_source"});
    e.budget.amount = b.nullable_positive_range("amount", 1.0);
    if (!e.budget.amount.known()) {
      b.fail("amount", "expected a positive amount, got null");
    }
    e.budget.currency = b.required_string("currency");
    const auto& known = known_currencies();
    if (std::find(known.begin(), known.end(), e.budget.currency) == known.end()) {
      std::string list;
      for (const auto& c : known) {
        list += (list.empty() ? "" : ", ") + c;
      }
      b.fail("currency", "unknown currency \"" + e.budget.currency + "\" (known: " + list + ")");
    }
    if (e.budget.currency == "USD") {
      e.budget.usd_per_unit = b.nullable_positive_range("usd_per_unit", 1.0, true);
      if (e.budget.usd_per_unit.known() && (e.budget.usd_per_unit.low != 1.0 || e.budget.usd_per_unit.high != 1.0)) {
        b.fail("usd_per_unit", "a USD budget has a rate of exactly 1");
      }
      e.budget.usd_per_unit = range::exact(1.0);
    } else {
      e.budget.usd_per_unit = b.nullable_positive_range("usd_per_unit", 1.0);
      if (!e.budget.usd_per_unit.known()) {
        b.fail("usd_per_unit", "expected the exchange rate (USD per " + e.budget.currency + "), got null");
      }
      e.budget.exchange_rate_source = b.required_string("exchange_rate_source");
    }
  }
  return e;
}

fleet_overlap parse_overlap(const nlohmann::json& j, const std::string& file, const std::string& pointer, const fleet& self,
                            const std::vector<part_spec>& parts)
{
  const detail::json_object_reader r(j, file, pointer);
  r.allow_only({"fleet", "owners", "parts", "years", "counted_in", "why"});
  fleet_overlap o;
  o.pointer = pointer;
  o.fleet = r.required_string("fleet");
  if (o.fleet == self.id) {
    r.fail("fleet", "an inventory cannot overlap itself");
  }
  o.owners = r.string_array("owners", true);
  if (j.contains("parts")) {
    o.parts = r.string_array("parts", true);
    for (std::size_t i = 0; i < o.parts.size(); ++i) {
      part_index_of(parts, o.parts[i], file, pointer + "/parts/" + std::to_string(i));
    }
  }
  if (j.contains("years")) {
    const auto& years = j.at("years");
    if (!years.is_array() || years.empty()) {
      r.fail("years", "expected a non-empty array of years, got " + detail::describe_json(years));
    }
    for (std::size_t i = 0; i < years.size(); ++i) {
      if (!years[i].is_number_integer() || years[i].get<long long>() < 1990 || years[i].get<long long>() > 2100) {
        throw input_error(file + ": " + pointer + "/years/" + std::to_string(i) + ": expected a year from 1990 to 2100, got " +
                          detail::describe_json(years[i]));
      }
      o.years.push_back(years[i].get<int>());
    }
  }
  const auto& at = j.contains("counted_in") ? j.at("counted_in") : nlohmann::json();
  if (!at.is_string()) {
    r.fail("counted_in", "expected the pointer of this file's entry that includes them, e.g. \"/entries/0\"");
  }
  const std::string text = at.get<std::string>();
  bool matched = false;
  for (std::size_t e = 0; e < self.entries.size(); ++e) {
    if (text == "/entries/" + std::to_string(e)) {
      o.counted_in = e;
      matched = true;
    }
  }
  if (!matched) {
    r.fail("counted_in", "\"" + text.substr(0, 40) + "\" names no entry of this file (it has " +
                             std::to_string(self.entries.size()) + ")");
  }
  o.why = r.required_string("why");
  return o;
}

}  // namespace

fleet parse_fleet(const catalog_file& file, const std::vector<part_spec>& parts)
{
  const auto json = detail::parse_json(file.name, file.text);
  const detail::json_object_reader r(json, file.name, "");
  r.allow_only({"id", "name", "description", "entries", "notes", "sources", "overlaps"});
  fleet f;
  f.origin = file.name;
  f.id = r.required_string("id");
  if (f.id != file_stem(file.name)) {
    r.fail("id", "\"" + f.id + "\" does not match the file name (expected \"" + file_stem(file.name) + "\")");
  }
  f.name = r.required_string("name");
  f.description = r.required_string("description");
  f.notes = r.string_array("notes", false);
  f.sources = r.string_array("sources", true);
  const auto it = json.find("entries");
  if (it == json.end()) {
    r.fail("entries", "missing required field");
  }
  if (!it->is_array()) {
    r.fail("entries", "expected an array of entries, got " + detail::describe_json(*it));
  }
  if (it->empty()) {
    r.fail("entries", "the inventory is empty");
  }
  for (std::size_t i = 0; i < it->size(); ++i) {
    f.entries.push_back(parse_entry((*it)[i], file.name, "/entries/" + std::to_string(i), parts));
  }
  if (json.contains("overlaps")) {
    const auto& list = json.at("overlaps");
    if (!list.is_array()) {
      r.fail("overlaps", "expected an array of overlap declarations, got " + detail::describe_json(list));
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      f.overlaps.push_back(parse_overlap(list[i], file.name, "/overlaps/" + std::to_string(i), f, parts));
    }
  }
  return f;
}

void check_overlaps(const std::vector<fleet>& fleets, const std::vector<fleet>& known)
{
  for (const auto& f : fleets) {
    for (const auto& o : f.overlaps) {
      const auto other = std::find_if(known.begin(), known.end(), [&](const fleet& k) { return k.id == o.fleet; });
      if (other == known.end()) {
        std::vector<std::string> ids;
        for (const auto& k : known) {
          ids.push_back(k.id);
        }
        std::string msg = f.origin + ": " + o.pointer + "/fleet: unknown inventory \"" + o.fleet + "\"";
        const auto near = closest_ids(ids, o.fleet);
        if (!near.empty()) {
          msg += " (closest: " + near.front() + ")";
        }
        throw input_error(msg);
      }
      for (std::size_t k = 0; k < o.owners.size(); ++k) {
        const bool found = std::any_of(other->entries.begin(), other->entries.end(),
                                       [&](const fleet_entry& e) { return e.owner == o.owners[k]; });
        if (!found) {
          throw input_error(f.origin + ": " + o.pointer + "/owners/" + std::to_string(k) + ": inventory \"" + o.fleet +
                            "\" has no owner \"" + o.owners[k] + "\"");
        }
      }
    }
  }
}

fleet load_fleet_file(const std::string& path, const std::vector<part_spec>& parts)
{
  std::ifstream in(path, std::ios::binary);
  FC_EXPECTS(in.good(), path + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_fleet({path, text.str()}, parts);
}

std::vector<fleet> load_fleets(const catalog_source& source, const std::vector<part_spec>& parts)
{
  std::vector<fleet> out;
  for (const auto& f : source.json_files("data/fleets")) {
    out.push_back(parse_fleet(f, parts));
  }
  check_overlaps(out, out);
  return out;
}

namespace {

// The feasible range of share i of a composition (composition.cuh): g = indicator of i.
range feasible_share(const std::vector<fleet_share>& mix, std::size_t i)
{
  double low[max_mix_parts], high[max_mix_parts], g[max_mix_parts];
  for (std::size_t k = 0; k < mix.size(); ++k) {
    low[k] = mix[k].share.low;
    high[k] = mix[k].share.high;
    g[k] = k == i ? 1.0 : 0.0;
  }
  const int n = static_cast<int>(mix.size());
  return {composition_extreme(n, low, high, g, false), mix[i].share.mid, composition_extreme(n, low, high, g, true)};
}

}  // namespace

std::vector<holding> resolve_holdings(const std::vector<fleet>& fleets, const std::vector<part_spec>& parts)
{
  std::vector<holding> out;
  for (const auto& f : fleets) {
    for (std::size_t e = 0; e < f.entries.size(); ++e) {
      const auto& entry = f.entries[e];
      std::vector<range> shares;
      for (const auto& m : entry.mix) {
        shares.push_back(m.share);
      }
      for (std::size_t s = 0; s < entry.mix.size(); ++s) {
        const auto& share = entry.mix[s];
        const std::string where = f.origin + ": " + entry.pointer;
        holding h;
        h.fleet = f.id;
        h.entry = e;
        h.part_index = part_index_of(parts, share.part, f.origin, entry.pointer);
        h.owner = entry.owner;
        h.country = entry.country;
        h.location = entry.location;
        h.year = entry.year;
        h.status = entry.status;
        h.by_budget = !entry.has_count;
        h.entry_shares = shares;
        h.share_index = s;
        const part_spec& part = parts[h.part_index];
        h.price_usd = share.price_usd.known() ? share.price_usd : part.price_usd;
        h.price_key = share.price_usd.known() ? static_cast<int>(s) : -1;
        const range& price = h.price_usd;
        const std::string price_from = share.price_usd.known() ? share.price_source : part.origin;
        const range feasible = entry.mix.size() > 1 ? feasible_share(entry.mix, s) : range::exact(1.0);
        std::string share_text = entry.mix.size() > 1 ? " x share " + format_range(feasible, 1.0, 2) +
                                                            (feasible.low != share.share.low || feasible.high != share.share.high
                                                                 ? " (of " + format_range(share.share, 1.0, 2) +
                                                                       ", narrowed: the mix sums to 1)"
                                                                 : std::string())
                                                      : "";
        if (entry.has_count) {
          h.amount = entry.count;
          h.units = {entry.count.low * feasible.low, entry.count.mid * feasible.mid, entry.count.high * feasible.high};
          h.capex_usd = price.known() ? range{h.units.low * price.low, h.units.mid * price.mid,
                                              h.units.high * price.high}
                                      : range::unknown();
          h.trail = "count " + format_range(entry.count, 1.0, 0) + share_text + " [" + entry.source + "]";
        } else {
          if (!price.known()) {
            throw input_error(where + "/budget: part \"" + share.part +
                              "\" has no price in the catalogue; give \"price_usd\" and \"price_source\" "
                              "in its mix item");
          }
          const auto& b = entry.budget;
          h.amount = {b.amount.low * b.usd_per_unit.low, b.amount.mid * b.usd_per_unit.mid,
                      b.amount.high * b.usd_per_unit.high};
          h.capex_usd = {h.amount.low * feasible.low, h.amount.mid * feasible.mid, h.amount.high * feasible.high};
          h.units = {h.capex_usd.low / price.high, h.capex_usd.mid / price.mid, h.capex_usd.high / price.low};
          h.trail = "budget " + format_range(b.amount, 1e9, 1) + " bn " + b.currency +
                    (b.currency == "USD" ? "" : " x " + format_range(b.usd_per_unit, 1.0, 4) + " USD/" + b.currency) +
                    share_text + " / price " + format_range(price, 1.0, 0) + " USD [" + entry.source +
                    (b.exchange_rate_source.empty() ? "" : "; rate: " + b.exchange_rate_source) +
                    "; price: " + price_from + "]";
        }
        out.push_back(std::move(h));
      }
    }
  }
  return out;
}

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

}  // namespace

std::vector<holding> resolve_holdings(const std::vector<fleet>& fleets, const std::vector<part_spec>& parts,
                                      const overlap_policy& policy)
{
  auto holdings = resolve_holdings(fleets, parts);
  for (const auto& f : fleets) {
    for (const auto& o : f.overlaps) {
      if (std::none_of(fleets.begin(), fleets.end(), [&](const fleet& k) { return k.id == o.fleet; })) {
        continue;  // the other inventory is not part of this aggregation
      }
      auto matches = [&](const holding& h) {
        return h.fleet == o.fleet && contains(o.owners, h.owner) && (o.parts.empty() || contains(o.parts, parts[h.part_index].id)) &&
               (o.years.empty() || std::find(o.years.begin(), o.years.end(), h.year) != o.years.end());
      };
      const auto n = std::count_if(holdings.begin(), holdings.end(), matches);
      if (n == 0) {
        continue;
      }
      std::string owners;
      for (const auto& w : o.owners) {
        owners += (owners.empty() ? "" : ", ") + w;
      }
      std::string what = o.fleet + "'s holdings of " + owners +
                         (o.parts.empty() ? std::string() : " (" + [&] {
                           std::string p;
                           for (const auto& x : o.parts) {
                             p += (p.empty() ? "" : ", ") + x;
                           }
                           return p;
                         }() + ")") +
                         " are also counted in " + f.id + " " + "/entries/" + std::to_string(o.counted_in) + " (" +
                         f.entries[o.counted_in].owner + ")";
      if (!policy.dedupe) {
        throw input_error(f.origin + ": " + o.pointer + ": these inventories overlap: " + what +
                          "; aggregate them separately, or pass --dedupe to count them once (in " + f.id + ")");
      }
      holdings.erase(std::remove_if(holdings.begin(), holdings.end(), matches), holdings.end());
      if (policy.notes != nullptr) {
        policy.notes->push_back("de-duplicated: " + what + "; counted there only [" + f.origin + " " + o.pointer + ": " +
                                o.why + "]");
      }
    }
  }
  return holdings;
}

}  // namespace fleetcap
