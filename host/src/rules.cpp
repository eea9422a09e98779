// Rule-set loading and validation (data/rules/<id>.json); the format is documented in
// data/rules/README.md.

#include "fleetcap/rules.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "detail/json_fields.hpp"
#include "fleetcap/error.hpp"

namespace fleetcap {

bool date::operator<(const date& o) const
{
  if (year != o.year) {
    return year < o.year;
  }
  if (month != o.month) {
    return month < o.month;
  }
  return day < o.day;
}

std::string date::str() const
{
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", year, month, day);
  return buffer;
}

date parse_date(const std::string& text, const std::string& where)
{
  int y = 0, m = 0, d = 0;
  char tail = 0;
  // Every character but the two dashes must be a digit: sscanf's %d alone would accept a sign
  // or a blank ("2023-+1-01", "2023- 1-01").
  bool digits = text.size() == 10;
  for (std::size_t i = 0; digits && i < text.size(); ++i) {
    digits = (i == 4 || i == 7) ? text[i] == '-' : std::isdigit(static_cast<unsigned char>(text[i])) != 0;
  }
  const bool shape = digits && std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3;
  auto leap = [](int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; };
  static const int days_in_month[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool valid = shape && y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 &&
                     d <= days_in_month[m - 1] + (m == 2 && leap(y) ? 1 : 0);
  FC_EXPECTS(valid, where + ": expected a date YYYY-MM-DD, got " + detail::quoted(text));
  return date{y, m, d};
}

bool rule::in_force_on(const date& d) const
{
  return in_force <= d && (!no_longer_in_force || d < *no_longer_in_force);
}

const early_application* rule::early_for(const date& d, const std::string& part_id) const
{
  if (in_force <= d || (no_longer_in_force && !(d < *no_longer_in_force))) {
    return nullptr;
  }
  for (const auto& e : early) {
    if (e.from <= d && std::find(e.parts.begin(), e.parts.end(), part_id) != e.parts.end()) {
      return &e;
    }
  }
  return nullptr;
}

bool rule::in_force_for(const date& d, const std::string& part_id) const
{
  return in_force_on(d) || early_for(d, part_id) != nullptr;
}

bool rule::in_force_for_some_part(const date& d) const
{
  if (in_force_on(d)) {
    return true;
  }
  for (const auto& e : early) {
    if (e.from <= d && d < in_force) {
      return true;
    }
  }
  return false;
}

double rule::parameter(const std::string& key) const { return parameters.at(key); }

const std::map<std::string, std::vector<std::string>>& rule_kinds()
{
  static const std::map<std::string, std::vector<std::string>> kinds = {
      {"us_3a090_2022", {"io_bidirectional_gbps_min", "tpp_min"}},
      {"us_3a090_2023",
       {"a1_tpp_min", "a2_tpp_min", "a2_pd_min", "b1_tpp_min", "b1_tpp_max", "b1_pd_min", "b1_pd_max",
        "b2_tpp_min", "b2_pd_min", "b2_pd_max", "non_datacenter_tpp_min"}},
      {"us_hbm_2024", {"bandwidth_density_gbps_per_mm2_above", "licence_exception_density_max"}},
      {"us_diffusion_2025",
       {"tier2_country_cap_tpp", "tier2_country_cap_g2g_tpp", "lpp_tpp_per_consignee_year",
        "model_weights_ops_above"}},
      {"us_h20_licence_2025", {"memory_bandwidth_tbps_min", "scale_up_gbps_min"}},
      {"us_cbc_2026", {"tpp_max", "dram_bandwidth_gbps_max"}},
      {"us_eo14110_2023",
       {"model_ops_above", "bio_model_ops_above", "cluster_ops_per_s_min", "cluster_network_gbit_s_above"}},
      {"eu_ai_act_2024", {"training_flop_above"}},
      {"cn_domestic_share_2025", {"domestic_share_min", "domestic_country"}},
      // A USG is-informed letter that names products: no figures, only the parts it lists.
      {"us_named_parts_letter", {}},
  };
  return kinds;
}

namespace {

// Bounds that must be ordered, per kind: the lower key, the upper key, and whether they may be
// equal (a clause's own [min, max) must not be empty; b.1's upper end may meet a.1's line).
struct ordered_pair {
  const char* lower;
  const char* upper;
  bool may_equal;
};

const std::map<std::string, std::vector<ordered_pair>>& ordered_pairs()
{
  static const std::map<std::string, std::vector<ordered_pair>> pairs = {
      {"us_3a090_2023",
       {{"b1_tpp_min", "b1_tpp_max", false},
        {"b1_pd_min", "b1_pd_max", false},
        {"b2_pd_min", "b2_pd_max", false},
        {"b1_tpp_max", "a1_tpp_min", true},
        {"a2_tpp_min", "a1_tpp_min", false}}},
      {"us_hbm_2024", {{"bandwidth_density_gbps_per_mm2_above", "licence_exception_density_max", false}}},
      {"us_diffusion_2025", {{"tier2_country_cap_tpp", "tier2_country_cap_g2g_tpp", true}}},
      {"us_eo14110_2023", {{"bio_model_ops_above", "model_ops_above", true}}},
  };
  return pairs;
}

// Kinds whose `based_on` must name a rule of this kind.
const std::map<std::string, std::string>& based_on_kind()
{
  static const std::map<std::string, std::string> m = {{"us_cbc_2026", "us_3a090_2023"},
                                                       {"us_diffusion_2025", "us_3a090_2023"}};
  return m;
}

std::string file_stem(const std::string& name)
{
  const auto slash = name.find_last_of('/');
  std::string base = slash == std::string::npos ? name : name.substr(slash + 1);
  return base.size() > 5 ? base.substr(0, base.size() - 5) : base;
}

std::string join(const std::vector<std::string>& items)
{
  std::string out;
  for (const auto& s : items) {
    out += (out.empty() ? "" : ", ") + s;
  }
  return out;
}


[[noreturn]] void fail_at(const std::string& file, const std::string& pointer, const std::string& what)
{
  throw input_error(file + ": " + pointer + ": " + what);
}

bool is_country_code(const std::string& s)
{
  return s.size() == 2 && std::isupper(static_cast<unsigned char>(s[0])) &&
         std::isupper(static_cast<unsigned char>(s[1]));
}

std::string known_groups(const country_groups& groups)
{
  std::vector<std::string> ids;
  for (const auto& [id, _] : groups.groups) {
    ids.push_back(id);
  }
  return join(ids);
}

// One name in a scope or tier list: a group id of `groups`, or an ISO 3166-1 alpha-2 code.
void add_countries(const nlohmann::json& item, const std::string& file, const std::string& pointer,
                   const country_groups& groups, std::set<std::string>& into)
{
  if (!item.is_string()) {
    fail_at(file, pointer, "expected a country group id or an ISO 3166-1 alpha-2 code, got " +
                               detail::describe_json(item));
  }
  const auto name = item.get<std::string>();
  const auto group = groups.groups.find(name);
  if (group != groups.groups.end()) {
    into.insert(group->second.begin(), group->second.end());
  } else if (is_country_code(name)) {
    into.insert(name);
  } else {
    std::vector<std::string> ids;
    for (const auto& [id, _] : groups.groups) {
      ids.push_back(id);
    }
    const auto near = closest_ids(ids, name, 1);
    fail_at(file, pointer, "unknown country group \"" + name + "\"" +
                               (near.empty() ? "" : " (did you mean \"" + near[0] + "\"?)") + "; known groups: " +
                               known_groups(groups) + " (" + groups.origin + "), or an ISO code such as \"CN\"");
  }
}

std::string names_text(const nlohmann::json& array)
{
  std::string out;
  for (const auto& item : array) {
    out += (out.empty() ? "" : ", ") + item.get<std::string>();
  }
  return out;
}

std::vector<std::string> string_list(const nlohmann::json& value, const std::string& file, const std::string& pointer,
                                     bool non_empty)
{
  if (!value.is_array() || (non_empty && value.empty())) {
    fail_at(file, pointer, std::string("expected ") + (non_empty ? "a non-empty " : "an ") + "array of strings, got " +
                               detail::describe_json(value));
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (!value[i].is_string() || value[i].get<std::string>().empty()) {
      fail_at(file, pointer + "/" + std::to_string(i), "expected a non-empty string, got " + detail::describe_json(value[i]));
    }
    out.push_back(value[i].get<std::string>());
  }
  return out;
}

// {"include": [...], "exclude": [...]} or null (the clause is not a criterion).
country_set parse_country_set(const nlohmann::json& value, const std::string& file, const std::string& pointer,
                              const country_groups& groups)
{
  country_set out;
  if (value.is_null()) {
    return out;
  }
  if (!value.is_object()) {
    fail_at(file, pointer, "expected null or an object {\"include\": [...], \"exclude\": [...]}, got " +
                               detail::describe_json(value));
  }
  const detail::json_object_reader r(value, file, pointer);
  r.allow_only({"include", "exclude"});
  for (const char* key : {"include", "exclude"}) {
    if (!value.contains(key)) {
      r.fail(key, "missing required field");
    }
    const auto& list = value.at(key);
    const bool include = std::string(key) == "include";
    if (!list.is_array() || (include && list.empty())) {
      r.fail(key, std::string("expected ") + (include ? "a non-empty " : "an ") +
                      "array of country group ids or ISO codes, got " + detail::describe_json(list));
    }
  }
  std::set<std::string> include, exclude;
  const auto& in = value.at("include");
  const auto& ex = value.at("exclude");
  for (std::size_t i = 0; i < in.size(); ++i) {
    add_countries(in[i], file, pointer + "/include/" + std::to_string(i), groups, include);
  }
  for (std::size_t i = 0; i < ex.size(); ++i) {
    add_countries(ex[i], file, pointer + "/exclude/" + std::to_string(i), groups, exclude);
  }
  out.given = true;
  for (const auto& c : include) {
    if (!exclude.count(c)) {
      out.countries.insert(c);
    }
  }
  out.text = names_text(in) + (ex.empty() ? "" : " (not " + names_text(ex) + ")");
  return out;
}

rule_scope parse_scope(const nlohmann::json& json, const std::string& file, const country_groups& groups)
{
  const auto it = json.find("scope");
  if (it == json.end()) {
    fail_at(file, "/scope", "missing required field (what the rule covers: item_origin, other_origin, destinations, "
                            "owner_headquarters; see data/rules/README.md)");
  }
  if (!it->is_object()) {
    fail_at(file, "/scope", "expected an object, got " + detail::describe_json(*it));
  }
  const detail::json_object_reader r(*it, file, "/scope");
  r.allow_only({"item_origin", "other_origin", "destinations", "owner_headquarters"});
  for (const char* key : {"item_origin", "other_origin", "destinations", "owner_headquarters"}) {
    if (!it->contains(key)) {
      r.fail(key, "missing required field (null when the rule sets no limit)");
    }
  }
  rule_scope out;
  const auto& origin = it->at("item_origin");
  if (!origin.is_null()) {
    if (!origin.is_array() || origin.empty()) {
      r.fail("item_origin", "expected null or a non-empty array of ISO 3166-1 alpha-2 codes, got " +
                                detail::describe_json(origin));
    }
    for (std::size_t i = 0; i < origin.size(); ++i) {
      if (!origin[i].is_string() || !is_country_code(origin[i].get<std::string>())) {
        fail_at(file, "/scope/item_origin/" + std::to_string(i),
                "expected an ISO 3166-1 alpha-2 code such as \"US\", got " + detail::describe_json(origin[i]));
      }
      out.item_origin.push_back(origin[i].get<std::string>());
    }
  }
  const auto& other = it->at("other_origin");
  if (origin.is_null()) {
    if (!other.is_null()) {
      r.fail("other_origin", "must be null when item_origin is null (every origin is covered)");
    }
  } else if (!other.is_string() || (other != "not_applicable" && other != "undetermined")) {
    r.fail("other_origin", "expected \"not_applicable\" or \"undetermined\" (the verdict on items of another "
                           "origin), got " + detail::describe_json(other));
  } else {
    out.other_origin_undetermined = other == "undetermined";
  }
  out.destinations = parse_country_set(it->at("destinations"), file, "/scope/destinations", groups);
  out.owner_headquarters = parse_country_set(it->at("owner_headquarters"), file, "/scope/owner_headquarters", groups);
  return out;
}

// The diffusion rule's country-to-tier table: every country listed once, in tier 1, 2 or 3.
std::map<std::string, int> parse_country_tiers(const nlohmann::json& value, const std::string& file,
                                               const country_groups& groups)
{
  if (!value.is_object()) {
    fail_at(file, "/country_tiers", "expected an object {\"1\": [...], \"2\": [...], \"3\": [...]}, got " +
                                        detail::describe_json(value));
  }
  const detail::json_object_reader r(value, file, "/country_tiers");
  r.allow_only({"1", "2", "3"});
  std::map<std::string, int> out;
  for (int tier = 1; tier <= 3; ++tier) {
    const std::string key = std::to_string(tier);
    if (!value.contains(key)) {
      r.fail(key, "missing required field (the countries of tier " + key + ")");
    }
    const auto& list = value.at(key);
    if (!list.is_array() || list.empty()) {
      r.fail(key, "expected a non-empty array of country group ids or ISO codes, got " + detail::describe_json(list));
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string pointer = "/country_tiers/" + key + "/" + std::to_string(i);
      std::set<std::string> codes;
      add_countries(list[i], file, pointer, groups, codes);
      for (const auto& c : codes) {
        const auto [at, inserted] = out.emplace(c, tier);
        if (!inserted) {
          fail_at(file, pointer, "country \"" + c + "\" is in tier " + std::to_string(at->second) + " and tier " + key);
        }
      }
    }
  }
  return out;
}

}  // namespace

country_groups parse_country_groups(const catalog_file& file)
{
  const auto json = detail::parse_json(file.name, file.text);
  const detail::json_object_reader r(json, file.name, "");
  r.allow_only({"id", "name", "as_of", "groups", "notes", "sources"});
  r.required_string("id");
  r.required_string("name");
  parse_date(r.required_string("as_of"), file.name + ": /as_of");
  r.string_array("notes", false);
  r.string_array("sources", true);
  const auto it = json.find("groups");
  if (it == json.end() || !it->is_object() || it->empty()) {
    fail_at(file.name, "/groups", "expected a non-empty object of groups");
  }
  country_groups out;
  out.origin = file.name;
  for (const auto& item : it->items()) {
    const std::string pointer = "/groups/" + item.key();
    if (is_country_code(item.key())) {
      fail_at(file.name, pointer, "a group id must not look like an ISO country code");
    }
    const detail::json_object_reader g(item.value(), file.name, pointer);
    g.allow_only({"name", "countries", "source"});
    g.required_string("name");
    g.required_string("source");
    if (!item.value().contains("countries")) {
      g.fail("countries", "missing required field");
    }
    auto& codes = out.groups[item.key()];
    for (const auto& c : string_list(item.value().at("countries"), file.name, pointer + "/countries", true)) {
      if (!is_country_code(c)) {
        fail_at(file.name, pointer + "/countries", "expected ISO 3166-1 alpha-2 codes, got \"" + c + "\"");
      }
      codes.insert(c);
    }
  }
  return out;
}

country_groups load_country_groups(const catalog_source& source)
{
  const auto files = source.json_files("data/rules/groups");
  FC_EXPECTS(!files.empty(), source.describe() +
                                 ": data/rules/groups/: no country-group file (*.json) found; rule scopes name its groups");
  country_groups out;
  for (const auto& f : files) {
    auto g = parse_country_groups(f);
    for (auto& [id, codes] : g.groups) {
      FC_EXPECTS(!out.groups.count(id), f.name + ": /groups/" + id + ": duplicate group id (also in " + out.origin + ")");
      out.groups[id] = std::move(codes);
    }
    out.origin = out.origin.empty() ? f.name : out.origin + ", " + f.name;
  }
  return out;
}

// The checks between parameters of a kind (a share at most 1; lower bounds below upper ones),
// for the loader and for --rule overrides alike; `fail(key, problem)` throws.
template <class Fail>
void check_parameter_relations(const rule& out, const Fail& fail)
{
  if (out.kind == "cn_domestic_share_2025" && out.parameters.at("domestic_share_min") > 1.0) {
    fail("domestic_share_min", "a share must be at most 1");
  }
  const auto pairs = ordered_pairs().find(out.kind);
  if (pairs != ordered_pairs().end()) {
    for (const auto& [lower, upper, may_equal] : pairs->second) {
      const double lo = out.parameters.at(lower), hi = out.parameters.at(upper);
      if (may_equal ? !(lo <= hi) : !(lo < hi)) {
        char buffer[256];
        std::snprintf(buffer, sizeof buffer, "lower bound %s = %g is %s %s = %g", lower, lo,
                      may_equal ? "above" : "not below", upper, hi);
        fail(lower, buffer);
      }
    }
  }
}

rule parse_rule(const catalog_file& file) { return parse_rule(file, load_country_groups(*builtin_catalog())); }

rule parse_rule(const catalog_file& file, const country_groups& groups)
{
  const auto json = detail::parse_json(file.name, file.text);
  const detail::json_object_reader r(json, file.name, "");
  r.allow_only({"id", "name", "kind", "jurisdiction", "citation", "entry_into_force", "in_force",
                "no_longer_in_force", "based_on", "scope", "parameters", "country_tiers", "named_parts",
                "early_application", "notes", "sources"});
  rule out;
  out.origin = file.name;
  out.id = r.required_string("id");
  if (out.id != file_stem(file.name)) {
    r.fail("id", "\"" + out.id + "\" does not match the file name (expected \"" + file_stem(file.name) + "\")");
  }
  out.name = r.required_string("name");
  out.kind = r.required_string("kind");
  const auto kind = rule_kinds().find(out.kind);
  if (kind == rule_kinds().end()) {
    std::vector<std::string> known;
    for (const auto& [k, _] : rule_kinds()) {
      known.push_back(k);
    }
    r.fail("kind", "unknown rule kind \"" + out.kind + "\" (known: " + join(known) + ")");
  }
  out.jurisdiction = r.required_string("jurisdiction");
  out.citation = r.required_string("citation");
  out.in_force = parse_date(r.required_string("in_force"), file.name + ": /in_force");
  const auto until = r.nullable_string("no_longer_in_force");
  if (!until.empty()) {
    out.no_longer_in_force = parse_date(until, file.name + ": /no_longer_in_force");
    if (!(out.in_force < *out.no_longer_in_force)) {
      r.fail("no_longer_in_force", until + " is not after in_force " + out.in_force.str());
    }
  }
  if (json.contains("entry_into_force") && !json.at("entry_into_force").is_null()) {
    const auto text = r.required_string("entry_into_force");
    out.entry_into_force = parse_date(text, file.name + ": /entry_into_force");
    if (out.in_force < *out.entry_into_force) {
      r.fail("entry_into_force", text + " is after in_force " + out.in_force.str() +
                                     " (a rule applies on or after it enters into force)");
    }
  }
  out.based_on = r.nullable_string("based_on");
  out.scope = parse_scope(json, file.name, groups);
  out.notes = r.string_array("notes", false);
  out.sources = r.string_array("sources", true);

  // Parameters: exactly the keys of the kind, positive finite numbers.
  const auto params_it = json.find("parameters");
  if (params_it == json.end()) {
    r.fail("parameters", "missing required field");
  }
  const detail::json_object_reader params(*params_it, file.name, "/parameters");
  for (const auto& item : params_it->items()) {
    const auto& keys = kind->second;
    if (std::find(keys.begin(), keys.end(), item.key()) == keys.end()) {
      const auto near = closest_ids(keys, item.key(), 1);
      params.fail(item.key(), "not a parameter of kind " + out.kind +
                                  (near.empty() ? "" : " (did you mean \"" + near[0] + "\"?)"));
    }
  }
  for (const auto& key : kind->second) {
    if (key == "domestic_country") {
      out.domestic_country = params.required_string("domestic_country");
      continue;
    }
    if (!params_it->contains(key)) {
      params.fail(key, "missing threshold (kind " + out.kind + " needs " + join(kind->second) + ")");
    }
    const auto value = params.nullable_positive_range(key.c_str(), 1.0);
    if (!value.known()) {
      params.fail(key, "expected a positive number, got null");
    }
    if (!value.exact_value()) {
      params.fail(key, "expected a single number (a threshold is not a range)");
    }
    out.parameters[key] = value.mid;
  }
  check_parameter_relations(out, [&params](const std::string& key, const std::string& problem) { params.fail(key, problem); });
  const auto needs = based_on_kind().find(out.kind);
  if (needs != based_on_kind().end() && out.based_on.empty()) {
    r.fail("based_on", "kind " + out.kind + " needs the id of a " + needs->second + " rule");
  }
  // Kind-specific data: the diffusion tier table, a letter's named parts.
  const bool diffusion = out.kind == "us_diffusion_2025";
  if (diffusion != json.contains("country_tiers")) {
    r.fail("country_tiers", diffusion ? "missing required field (kind us_diffusion_2025 needs its country-to-tier table)"
                                      : "only a us_diffusion_2025 rule has a tier table");
  }
  if (diffusion) {
    out.country_tiers = parse_country_tiers(json.at("country_tiers"), file.name, groups);
  }
  const bool letter = out.kind == "us_named_parts_letter";
  if (letter != json.contains("named_parts")) {
    r.fail("named_parts", letter ? "missing required field (the catalogue part ids the letter names)"
                                 : "only a us_named_parts_letter rule names parts");
  }
  if (letter) {
    out.named_parts = string_list(json.at("named_parts"), file.name, "/named_parts", true);
  }
  if (json.contains("early_application")) {
    const auto& list = json.at("early_application");
    if (!list.is_array()) {
      r.fail("early_application", "expected an array of {\"from\", \"parts\", \"source\"}, got " +
                                      detail::describe_json(list));
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string pointer = "/early_application/" + std::to_string(i);
      const detail::json_object_reader e(list[i], file.name, pointer);
      e.allow_only({"from", "parts", "source"});
      early_application a;
      const auto from = e.required_string("from");
      a.from = parse_date(from, file.name + ": " + pointer + "/from");
      if (!(a.from < out.in_force)) {
        e.fail("from", from + " is not before in_force " + out.in_force.str());
      }
      if (!list[i].contains("parts")) {
        e.fail("parts", "missing required field");
      }
      a.parts = string_list(list[i].at("parts"), file.name, pointer + "/parts", true);
      a.source = e.required_string("source");
      out.early.push_back(std::move(a));
    }
  }
  return out;
}

std::vector<rule> load_rules(const catalog_source& source)
{
  const auto files = source.json_files("data/rules");
  FC_EXPECTS(!files.empty(), source.describe() + ": data/rules/: no rule files (*.json) found");
  const auto groups = load_country_groups(source);
  std::vector<rule> rules;
  std::map<std::string, std::string> seen;
  for (const auto& f : files) {
    auto r = parse_rule(f, groups);
    const auto [it, inserted] = seen.emplace(r.id, f.name);
    FC_EXPECTS(inserted, f.name + ": /id: duplicate id \"" + r.id + "\" (also in " + it->second + ")");
    rules.push_back(std::move(r));
  }
  for (const auto& r : rules) {
    if (r.based_on.empty()) {
      continue;
    }
    const auto base = std::find_if(rules.begin(), rules.end(), [&](const rule& x) { return x.id == r.based_on; });
    if (base == rules.end()) {
      std::vector<std::string> ids;
      for (const auto& x : rules) {
        ids.push_back(x.id);
      }
      const auto near = closest_ids(ids, r.based_on);
      throw input_error(r.origin + ": /based_on: unknown rule id \"" + r.based_on + "\"" +
                        (near.empty() ? "" : " (closest: " + join(near) + ")"));
    }
    const auto needs = based_on_kind().find(r.kind);
    if (needs != based_on_kind().end() && base->kind != needs->second) {
      throw input_error(r.origin + ": /based_on: rule \"" + r.based_on + "\" is of kind " + base->kind +
                        ", expected " + needs->second);
    }
  }
  std::sort(rules.begin(), rules.end(), [](const rule& a, const rule& b) {
    return a.in_force < b.in_force || (!(b.in_force < a.in_force) && a.id < b.id);
  });
  return rules;
}

const rule& find_rule(const std::vector<rule>& rules, const std::string& id)
{
  std::vector<std::string> ids;
  for (const auto& r : rules) {
    if (r.id == id) {
      return r;
    }
    ids.push_back(r.id);
  }
  const auto near = closest_ids(ids, id);
  throw input_error("unknown rule id " + detail::quoted(id) + (near.empty() ? "" : " (closest: " + join(near) + ")") +
                    "; known: " + join(ids));
}

std::vector<rule_override> parse_rule_overrides(const std::string& text)
{
  const std::string usage = "--rule " + detail::quoted(text) + ": expected RULE_ID:PARAMETER=VALUE[,PARAMETER=VALUE...]";
  const auto colon = text.find(':');
  FC_EXPECTS(colon != std::string::npos && colon > 0 && colon + 1 < text.size(), usage);
  const std::string id = text.substr(0, colon);
  std::vector<rule_override> out;
  std::size_t start = colon + 1;
  while (start <= text.size()) {
    const auto comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    const auto equals = item.find('=');
    FC_EXPECTS(equals != std::string::npos && equals > 0 && equals + 1 < item.size(), usage);
    const std::string key = item.substr(0, equals), number = item.substr(equals + 1);
    char* end = nullptr;
    errno = 0;
    const double value = std::strtod(number.c_str(), &end);
    FC_EXPECTS(end == number.c_str() + number.size() && errno == 0 && std::isfinite(value) && value > 0.0,
               "--rule " + detail::quoted(text) + ": " + key + ": expected a positive number, got " + detail::quoted(number));
    out.push_back({id, key, value, text});
    start = comma + 1;
  }
  return out;
}

void apply_rule_overrides(std::vector<rule>& rules, const std::vector<rule_override>& overrides)
{
  for (const auto& o : overrides) {
    const std::string where = "--rule " + detail::quoted(o.text);
    std::vector<std::string> ids;
    for (const auto& r : rules) {
      ids.push_back(r.id);
    }
    const auto it = std::find_if(rules.begin(), rules.end(), [&](const rule& r) { return r.id == o.rule_id; });
    if (it == rules.end()) {
      const auto near = closest_ids(ids, o.rule_id);
      throw input_error(where + ": unknown rule id " + detail::quoted(o.rule_id) +
                        (near.empty() ? "" : " (closest: " + join(near) + ")"));
    }
    rule& r = *it;
    const auto p = r.parameters.find(o.parameter);
    if (p == r.parameters.end()) {
      std::vector<std::string> keys;
      for (const auto& [key, value] : r.parameters) {
        keys.push_back(key);
      }
      throw input_error(where + ": rule " + r.id + " has no parameter " + detail::quoted(o.parameter) +
                        (keys.empty() ? " (it has none)" : " (its parameters: " + join(keys) + ")"));
    }
    r.published.emplace(o.parameter, p->second);  // the first override keeps the published value
    p->second = o.value;
  }
  for (auto& r : rules) {
    const auto base = std::find_if(rules.begin(), rules.end(), [&](const rule& x) { return x.id == r.based_on; });
    if (!r.based_on.empty() && base != rules.end() && !base->published.empty()) {
      r.follows_what_if = r.based_on;
    }
  }
  // Relations are checked once every override is in, so a pair can be moved together.
  for (const auto& r : rules) {
    if (r.published.empty()) {
      continue;
    }
    check_parameter_relations(r, [&](const std::string&, const std::string& problem) {
      std::string set;
      for (const auto& o : overrides) {
        if (o.rule_id == r.id) {
          set += (set.empty() ? "" : ", ") + o.parameter;
        }
      }
      throw input_error("--rule: " + r.id + " (overriding " + set + "): " + problem +
                        " (override both, e.g. --rule " + r.id + ":A=X,B=Y)");
    });
  }
}

std::vector<const rule*> select_rules(const std::vector<rule>& rules, const std::string& ids_csv,
                                      const std::optional<date>& as_of)
{
  std::vector<const rule*> out;
  if (ids_csv.empty()) {
    for (const auto& r : rules) {
      out.push_back(&r);
    }
  } else {
    std::size_t start = 0;
    while (start <= ids_csv.size()) {
      const auto comma = ids_csv.find(',', start);
      const auto id = ids_csv.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      FC_EXPECTS(!id.empty(), "--rules: empty rule id in \"" + ids_csv + "\"");
      out.push_back(&find_rule(rules, id));
      if (comma == std::string::npos) {
        break;
      }
      start = comma + 1;
    }
  }
  if (as_of) {
    // A rule applied early to some parts is kept; comply_part says per part whether it applies.
    out.erase(std::remove_if(out.begin(), out.end(), [&](const rule* r) { return !r->in_force_for_some_part(*as_of); }),
              out.end());
  }
  return out;
}

void check_rule_part_ids(const std::vector<rule>& rules, const std::vector<part_spec>& parts)
{
  std::vector<std::string> ids;
  for (const auto& p : parts) {
    ids.push_back(p.id);
  }
  auto check = [&](const rule& r, const std::string& id, const std::string& pointer) {
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
      const auto near = closest_ids(ids, id);
      fail_at(r.origin, pointer, "unknown part id " + detail::quoted(id) + (near.empty() ? "" : " (closest: " + join(near) + ")"));
    }
  };
  for (const auto& r : rules) {
    for (std::size_t i = 0; i < r.named_parts.size(); ++i) {
      check(r, r.named_parts[i], "/named_parts/" + std::to_string(i));
    }
    for (std::size_t e = 0; e < r.early.size(); ++e) {
      for (std::size_t i = 0; i < r.early[e].parts.size(); ++i) {
        check(r, r.early[e].parts[i], "/early_application/" + std::to_string(e) + "/parts/" + std::to_string(i));
      }
    }
  }
}

int country_tier(const rule& r, const std::string& code, const std::string& where)
{
  const auto it = r.country_tiers.find(code);
  if (it == r.country_tiers.end()) {
    throw input_error(r.origin + ": /country_tiers: no tier for country \"" + code + "\" (used by " + where +
                      "); every country an inventory or option names must be in tier 1, 2 or 3");
  }
  return it->second;
}

}  // namespace fleetcap
