// Rule-set loading and validation (data/rules/<id>.json); the format is documented in
// data/rules/README.md.

#include "fleetcap/rules.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
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
  const bool shape = text.size() == 10 && text[4] == '-' && text[7] == '-' &&
                     std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3;
  auto leap = [](int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; };
  static const int days_in_month[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool valid = shape && y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 &&
                     d <= days_in_month[m - 1] + (m == 2 && leap(y) ? 1 : 0);
  FC_EXPECTS(valid, where + ": expected a date YYYY-MM-DD, got \"" + text + "\"");
  return date{y, m, d};
}

bool rule::in_force_on(const date& d) const
{
  return in_force <= d && (!no_longer_in_force || d < *no_longer_in_force);
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

}  // namespace

rule parse_rule(const catalog_file& file)
{
  const auto json = detail::parse_json(file.name, file.text);
  const detail::json_object_reader r(json, file.name, "");
  r.allow_only({"id", "name", "kind", "jurisdiction", "citation", "in_force", "no_longer_in_force",
                "based_on", "parameters", "notes", "sources"});
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
  out.based_on = r.nullable_string("based_on");
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
  if (out.kind == "cn_domestic_share_2025" && out.parameters.at("domestic_share_min") > 1.0) {
    params.fail("domestic_share_min", "a share must be at most 1");
  }
  const auto pairs = ordered_pairs().find(out.kind);
  if (pairs != ordered_pairs().end()) {
    for (const auto& [lower, upper, may_equal] : pairs->second) {
      const double lo = out.parameters.at(lower), hi = out.parameters.at(upper);
      if (may_equal ? !(lo <= hi) : !(lo < hi)) {
        char buffer[256];
        std::snprintf(buffer, sizeof buffer, "lower bound %s = %g is %s %s = %g", lower, lo,
                      may_equal ? "above" : "not below", upper, hi);
        params.fail(lower, buffer);
      }
    }
  }
  const auto needs = based_on_kind().find(out.kind);
  if (needs != based_on_kind().end() && out.based_on.empty()) {
    r.fail("based_on", "kind " + out.kind + " needs the id of a " + needs->second + " rule");
  }
  return out;
}

std::vector<rule> load_rules(const catalog_source& source)
{
  const auto files = source.json_files("data/rules");
  FC_EXPECTS(!files.empty(), source.describe() + ": data/rules/: no rule files (*.json) found");
  std::vector<rule> rules;
  std::map<std::string, std::string> seen;
  for (const auto& f : files) {
    auto r = parse_rule(f);
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
  throw input_error("unknown rule id \"" + id + "\"" + (near.empty() ? "" : " (closest: " + join(near) + ")") +
                    "; known: " + join(ids));
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
    out.erase(std::remove_if(out.begin(), out.end(), [&](const rule* r) { return !r->in_force_on(*as_of); }),
              out.end());
  }
  return out;
}

}  // namespace fleetcap
