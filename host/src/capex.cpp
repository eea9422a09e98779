// Capex data sets: loading, validation, and conversion into accelerators.

#include "fleetcap/capex.hpp"

#include <cctype>

#include "detail/json_fields.hpp"
#include "fleetcap/error.hpp"

namespace fleetcap {

range capex_entry::amount_usd() const
{
  return {amount.low * usd_per_unit.low, amount.mid * usd_per_unit.mid, amount.high * usd_per_unit.high};
}

namespace {

bool valid_period(const std::string& p)
{
  auto digits = [&](std::size_t from, std::size_t n) {
    for (std::size_t i = from; i < from + n; ++i) {
      if (i >= p.size() || !std::isdigit(static_cast<unsigned char>(p[i]))) {
        return false;
      }
    }
    return true;
  };
  if (!digits(0, 4)) {
    return false;
  }
  if (p.size() == 4) {
    return true;
  }
  return p.size() == 7 && p[4] == '-' &&
         ((p[5] == 'H' && (p[6] == '1' || p[6] == '2')) || (p[5] == 'Q' && p[6] >= '1' && p[6] <= '4'));
}

std::string country_code(const detail::json_object_reader& r, const char* key)
{
  const auto c = r.required_string(key);
  if (c.size() != 2 || !std::isupper(static_cast<unsigned char>(c[0])) || !std::isupper(static_cast<unsigned char>(c[1]))) {
    r.fail(key, "expected an ISO 3166-1 alpha-2 code such as \"CN\" (ZZ: worldwide), got \"" + c.substr(0, 40) + "\"");
  }
  return c;
}

capex_entry parse_entry(const nlohmann::json& j, const std::string& file, const std::string& pointer)
{
  const detail::json_object_reader r(j, file, pointer);
  r.allow_only({"owner", "country", "period", "amount", "currency", "usd_per_unit", "exchange_rate_source", "previous",
                "source", "notes", "measure"});
  capex_entry e;
  e.pointer = pointer;
  e.owner = r.required_string("owner");
  e.country = country_code(r, "country");
  e.period = r.required_string("period");
  if (j.contains("measure")) {
    e.measure = r.required_string("measure");
  }
  if (!valid_period(e.period)) {
    r.fail("period", "expected YYYY, YYYY-H1/H2 or YYYY-Q1..Q4, got \"" + e.period.substr(0, 40) + "\"");
  }
  e.amount = r.nullable_positive_range("amount", 1.0);
  if (!e.amount.known()) {
    r.fail("amount", "expected a positive amount, got null");
  }
  e.currency = r.required_string("currency");
  static const char* const currencies[] = {"USD", "CNY", "EUR", "JPY", "KRW", "GBP", "TWD"};
  bool known = false;
  for (const char* c : currencies) {
    known = known || e.currency == c;
  }
  if (!known) {
    r.fail("currency", "unknown currency \"" + e.currency.substr(0, 40) + "\" (known: USD, CNY, EUR, JPY, KRW, GBP, TWD)");
  }
  if (e.currency == "USD") {
    if (j.contains("usd_per_unit") || j.contains("exchange_rate_source")) {
      r.fail("usd_per_unit", "a USD amount takes no exchange rate");
    }
    e.usd_per_unit = range::exact(1.0);
  } else {
    e.usd_per_unit = r.nullable_positive_range("usd_per_unit", 1.0);
    if (!e.usd_per_unit.known()) {
      r.fail("usd_per_unit", "expected the exchange rate (USD per " + e.currency + "), got null");
    }
    e.exchange_rate_source = r.required_string("exchange_rate_source");
  }
  if (j.contains("previous")) {
    e.previous = r.nullable_positive_range("previous", 1.0);
  }
  e.source = r.required_string("source");
  if (j.contains("notes")) {
    e.notes = r.string_array("notes", false);
  }
  return e;
}

}  // namespace

capex_set parse_capex(const catalog_file& file)
{
  const auto json = detail::parse_json(file.name, file.text);
  const detail::json_object_reader r(json, file.name, "");
  r.allow_only({"id", "name", "description", "accelerator_share", "entries", "notes", "sources"});
  capex_set s;
  s.origin = file.name;
  s.id = r.required_string("id");
  const auto slash = file.name.find_last_of('/');
  const std::string base = slash == std::string::npos ? file.name : file.name.substr(slash + 1);
  if (base != s.id + ".json") {
    r.fail("id", "\"" + s.id.substr(0, 60) + "\" does not match the file name \"" + base + "\"");
  }
  s.name = r.required_string("name");
  s.description = r.required_string("description");
  if (json.contains("accelerator_share")) {
    const detail::json_object_reader a(json.at("accelerator_share"), file.name, "/accelerator_share");
    a.allow_only({"share", "source", "notes"});
    accelerator_share share;
    share.share = a.nullable_positive_range("share", 1.0);
    if (!share.share.known()) {
      a.fail("share", "expected a share in (0, 1], got null");
    }
    if (share.share.high > 1.0) {
      a.fail("share", "a share must be at most 1");
    }
    share.source = a.required_string("source");
    if (json.at("accelerator_share").contains("notes")) {
      share.notes = a.string_array("notes", false);
    }
    s.share = share;
  }
  const auto it = json.find("entries");
  if (it == json.end() || !it->is_array() || it->empty()) {
    r.fail("entries", it == json.end() ? "missing required field" : "expected a non-empty array of entries");
  }
  for (std::size_t i = 0; i < it->size(); ++i) {
    s.entries.push_back(parse_entry((*it)[i], file.name, "/entries/" + std::to_string(i)));
  }
  s.notes = r.string_array("notes", false);
  s.sources = r.string_array("sources", true);
  return s;
}

std::vector<capex_set> load_capex(const catalog_source& source)
{
  std::vector<capex_set> out;
  for (const auto& f : source.json_files("data/capex")) {
    out.push_back(parse_capex(f));
  }
  return out;
}

std::vector<holding> spend_on_part(const range& usd, const std::string& label, const part_spec& part,
                                   const std::vector<part_spec>& parts)
{
  FC_EXPECTS(part.price_usd.known(), "part \"" + part.id + "\" has no price (price_usd): spend cannot buy it");
  fleet f;
  f.id = "spend";
  f.origin = "data/capex";
  fleet_entry e;
  e.owner = label;
  e.country = "ZZ";
  e.location = "ZZ";
  e.year = 2000;
  e.status = fleet_status::planned;
  e.mix.push_back({part.id, range::exact(1.0), range::unknown(), ""});
  e.has_count = false;
  e.budget.amount = usd;
  e.budget.currency = "USD";
  e.budget.usd_per_unit = range::exact(1.0);
  e.source = "capex";
  e.pointer = "/entries/0";
  f.entries.push_back(e);
  return resolve_holdings({f}, parts);
}

}  // namespace fleetcap
