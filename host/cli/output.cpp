#include "output.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>

#include "fleetcap/error.hpp"
#include "fleetcap/format.hpp"

namespace fleetcap::cli {

namespace {

// Display width of a UTF-8 string: count the bytes that start a code point.
std::size_t display_width(const std::string& s)
{
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

text_table::text_table(std::vector<std::string> header, std::vector<bool> right_aligned)
    : m_header(std::move(header)), m_right(std::move(right_aligned))
{
}

void text_table::add_row(std::vector<std::string> cells) { m_rows.push_back(std::move(cells)); }

void text_table::print(std::ostream& out) const
{
  std::vector<std::size_t> width(m_header.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size() && i < width.size(); ++i) {
      width[i] = std::max(width[i], display_width(row[i]));
    }
  };
  measure(m_header);
  for (const auto& row : m_rows) {
    measure(row);
  }
  auto emit = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t i = 0; i < width.size(); ++i) {
      const std::string cell = i < row.size() ? row[i] : "";
      const std::string pad(width[i] - display_width(cell), ' ');
      line += (i ? "  " : "") + (m_right[i] ? pad + cell : cell + pad);
    }
    while (!line.empty() && line.back() == ' ') {
      line.pop_back();
    }
    out << line << "\n";
  };
  emit(m_header);
  std::size_t total = 0;
  for (auto w : width) {
    total += w;
  }
  out << std::string(total + 2 * (width.size() - 1), '-') << "\n";
  for (const auto& row : m_rows) {
    emit(row);
  }
}

void text_table::print_markdown(std::ostream& out) const
{
  auto emit = [&](const std::vector<std::string>& row) {
    out << "|";
    for (std::size_t i = 0; i < m_header.size(); ++i) {
      std::string cell = i < row.size() ? row[i] : "";
      for (std::size_t at = cell.find('|'); at != std::string::npos; at = cell.find('|', at + 2)) {
        cell.replace(at, 1, "\\|");
      }
      out << " " << cell << " |";
    }
    out << "\n";
  };
  emit(m_header);
  out << "|";
  for (std::size_t i = 0; i < m_header.size(); ++i) {
    out << (m_right[i] ? " ---: |" : " --- |");
  }
  out << "\n";
  for (const auto& row : m_rows) {
    emit(row);
  }
}

namespace {

constexpr double tera = 1e12;

// The highest 8-bit dense peak (FP8 or INT8), the basis of Epoch's H100-equivalents.
range eight_bit_peak(const part_spec& p)
{
  const auto& fp8 = p.dense_peak_ops_per_s[static_cast<std::size_t>(numeric_format::fp8)];
  const auto& int8 = p.dense_peak_ops_per_s[static_cast<std::size_t>(numeric_format::int8)];
  if (!fp8.known()) {
    return int8;
  }
  if (!int8.known()) {
    return fp8;
  }
  return fp8.mid >= int8.mid ? fp8 : int8;
}

// Mid value, marked with '*' when the figure is a range.
std::string cell(const range& r, double unit, int decimals)
{
  if (!r.known()) {
    return "-";
  }
  return format_number(r.mid / unit, decimals) + (r.exact_value() ? "" : "*");
}

std::string metric_cell(double low, double mid, double high, int decimals)
{
  if (std::isnan(mid)) {
    return "-";
  }
  const bool exact = low == high || (std::isnan(low) && std::isnan(high));
  return format_number(mid, decimals) + (exact ? "" : "*");
}

}  // namespace

void print_spec_table(std::ostream& out, const std::vector<part_spec>& parts,
                      const std::vector<part_metrics_range>& metrics)
{
  text_table t({"id", "name", "vendor", "year", "bf16 TFLOP/s", "8-bit TOP/s", "mem GB", "mem TB/s",
                "scale-up GB/s", "TDP W", "TPP", "PD"},
               {false, false, false, true, true, true, true, true, true, true, true, true});
  bool any_range = false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& p = parts[i];
    const auto& m = metrics[i];
    std::string name = p.name.size() > 28 ? p.name.substr(0, 27) + "~" : p.name;
    const auto tpp = m.mid.tpp_format < 0 ? std::string("-") : metric_cell(m.low.tpp, m.mid.tpp, m.high.tpp, 0);
    const auto pd = metric_cell(m.low.performance_density, m.mid.performance_density,
                                m.high.performance_density, 2);
    std::vector<std::string> row = {
        p.id, name, p.vendor, p.launch_year ? std::to_string(*p.launch_year) : "-",
        cell(p.dense_peak_ops_per_s[static_cast<std::size_t>(numeric_format::bf16)], tera, 1),
        cell(eight_bit_peak(p), tera, 1), cell(p.memory_bytes, 1e9, 0),
        cell(p.memory_bandwidth_bytes_per_s, tera, 2), cell(p.scale_up_bandwidth_bytes_per_s, 1e9, 0),
        cell(p.tdp_watts, 1.0, 0), tpp, pd};
    for (const auto& c : row) {
      any_range = any_range || (!c.empty() && c.back() == '*');
    }
    t.add_row(std::move(row));
  }
  t.print(out);
  out << "Dense peaks (no sparsity). TPP = max over formats of dense TOPS x bit length; PD = TPP / "
         "non-planar logic-die mm^2 (3A090, 2023 rule).\n";
  if (any_range) {
    out << "* mid of a range of published figures; `fleetcap specs show ID` gives the range and "
           "sources.\n";
  }
}

nlohmann::json json_unknown() { return {{"unknown", true}}; }

nlohmann::json json_mid(const range& r)
{
  if (!r.known()) {
    return json_unknown();
  }
  return r.mid;
}

nlohmann::json json_number_or_unknown(double x) { return std::isfinite(x) ? nlohmann::json(x) : json_unknown(); }

namespace {

// The first NaN, infinity or null in `j`, as a JSON pointer ("" when there is none).
std::optional<std::string> first_unprintable(const nlohmann::json& j, const std::string& pointer)
{
  switch (j.type()) {
    case nlohmann::json::value_t::null: return pointer + " (null)";
    case nlohmann::json::value_t::number_float:
      if (!std::isfinite(j.get<double>())) {
        return pointer + " (" + (std::isnan(j.get<double>()) ? "NaN" : "infinite") + ")";
      }
      return std::nullopt;
    case nlohmann::json::value_t::object:
      for (const auto& item : j.items()) {
        if (auto bad = first_unprintable(item.value(), pointer + "/" + item.key())) {
          return bad;
        }
      }
      return std::nullopt;
    case nlohmann::json::value_t::array:
      for (std::size_t i = 0; i < j.size(); ++i) {
        if (auto bad = first_unprintable(j[i], pointer + "/" + std::to_string(i))) {
          return bad;
        }
      }
      return std::nullopt;
    default: return std::nullopt;
  }
}

}  // namespace

namespace {

// A threshold as written in a rule file: 3000, 5.92, 1e+26.
std::string threshold_text(double x)
{
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.10g", x);
  return buffer;
}

}  // namespace

std::string what_if_text(const std::vector<rule>& rules)
{
  std::string text;
  for (const auto& r : rules) {
    for (const auto& [key, published] : r.published) {
      text += "What-if (--rule): " + r.id + " " + key + " = " + threshold_text(r.parameter(key)) + " (published: " +
              threshold_text(published) + "); verdicts under " + r.id + " are not the published rule's.\n";
    }
  }
  for (const auto& r : rules) {
    if (!r.follows_what_if.empty()) {
      text += "What-if (--rule): " + r.id + " classifies with " + r.follows_what_if +
              ", changed above, so its verdicts follow the what-if too.\n";
    }
  }
  return text;
}

void add_what_if(nlohmann::json& j, const std::vector<rule>& rules)
{
  nlohmann::json changed = nlohmann::json::array();
  for (const auto& r : rules) {
    for (const auto& [key, published] : r.published) {
      changed.push_back({{"rule", r.id}, {"parameter", key}, {"value", r.parameter(key)}, {"published", published}});
    }
  }
  if (!changed.empty()) {
    j["what_if"] = changed;
  }
  nlohmann::json followers = nlohmann::json::array();
  for (const auto& r : rules) {
    if (!r.follows_what_if.empty()) {
      followers.push_back({{"rule", r.id}, {"based_on", r.follows_what_if}});
    }
  }
  if (!followers.empty()) {
    j["what_if_based_on"] = followers;
  }
}

std::string rule_label(const rule& r)
{
  if (!r.published.empty()) {
    return r.id + " (what-if)";
  }
  return r.follows_what_if.empty() ? r.id : r.id + " (on a what-if)";
}

std::string json_text(const nlohmann::json& j)
{
  if (const auto bad = first_unprintable(j, "")) {
    throw input_error("the result has no finite number at " + *bad +
                      ": an input is outside what the formulas can represent (nothing was written)");
  }
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

namespace {

nlohmann::json json_range(double low, double mid, double high)
{
  return {{"low", json_number_or_unknown(low)}, {"mid", json_number_or_unknown(mid)}, {"high", json_number_or_unknown(high)}};
}

// A descriptive text field: set when the spec sheet gives it, absent otherwise.
void set_if_given(nlohmann::json& j, const char* key, const std::string& s)
{
  if (!s.empty()) {
    j[key] = s;
  }
}

}  // namespace

nlohmann::json spec_to_json(const part_spec& p, const part_metrics_range& m, bool detail)
{
  nlohmann::json peaks = nlohmann::json::object();
  nlohmann::json ranges = nlohmann::json::object();
  for (int f = 0; f < format_count; ++f) {
    const auto& r = p.dense_peak_ops_per_s[static_cast<std::size_t>(f)];
    const std::string name = format_name(static_cast<numeric_format>(f));
    peaks[name] = json_mid(r);
    if (r.known() && !r.exact_value()) {
      ranges["dense_peak_ops_per_s/" + name] = json_range(r.low, r.mid, r.high);
    }
  }
  nlohmann::json j = {
      {"id", p.id},
      {"name", p.name},
      {"vendor", p.vendor},
      {"vendor_country", p.vendor_country},
      {"launch_year", p.launch_year ? nlohmann::json(*p.launch_year) : json_unknown()},
      {"data_center", p.data_center},
      {"tpp", m.mid.tpp_format < 0 ? json_unknown() : nlohmann::json(m.mid.tpp)},
      {"performance_density_tpp_per_mm2", json_number_or_unknown(m.mid.performance_density)},
      {"dense_peak_ops_per_s", peaks},
      {"memory_bytes", json_mid(p.memory_bytes)},
      {"memory_bandwidth_bytes_per_s", json_mid(p.memory_bandwidth_bytes_per_s)},
      {"scale_up_bandwidth_bytes_per_s", json_mid(p.scale_up_bandwidth_bytes_per_s)},
      {"tdp_watts", json_mid(p.tdp_watts)},
      {"logic_die_area_m2", json_mid(p.logic_die_area_m2)},
      {"price_usd", json_mid(p.price_usd)},
  };
  if (m.mid.tpp_format >= 0) {
    j["tpp_format"] = format_name(static_cast<numeric_format>(m.mid.tpp_format));
  }
  const std::pair<const char*, const range*> scalar_ranges[] = {
      {"memory_bytes", &p.memory_bytes},
      {"memory_bandwidth_bytes_per_s", &p.memory_bandwidth_bytes_per_s},
      {"scale_up_bandwidth_bytes_per_s", &p.scale_up_bandwidth_bytes_per_s},
      {"tdp_watts", &p.tdp_watts},
      {"logic_die_area_m2", &p.logic_die_area_m2},
      {"price_usd", &p.price_usd}};
  for (const auto& [key, r] : scalar_ranges) {
    if (r->known() && !r->exact_value()) {
      ranges[key] = json_range(r->low, r->mid, r->high);
    }
  }
  if (m.low.tpp != m.high.tpp) {
    ranges["tpp"] = json_range(m.low.tpp, m.mid.tpp, m.high.tpp);
  }
  const double pd_low = m.low.performance_density, pd_high = m.high.performance_density;
  if (!std::isnan(m.mid.performance_density) && pd_low != pd_high) {
    ranges["performance_density_tpp_per_mm2"] = json_range(pd_low, m.mid.performance_density, pd_high);
  }
  j["ranges"] = ranges;
  if (detail) {
    set_if_given(j, "architecture", p.architecture);
    set_if_given(j, "memory_type", p.memory_type);
    set_if_given(j, "scale_up", p.scale_up);
    set_if_given(j, "host_interface", p.host_interface);
    j["logic_die_count"] = p.logic_die_count ? nlohmann::json(*p.logic_die_count) : json_unknown();
    j["logic_die_non_planar"] = p.logic_die_non_planar ? nlohmann::json(*p.logic_die_non_planar) : json_unknown();
    set_if_given(j, "process", p.process);
    j["confidence"] = p.confidence;
    j["notes"] = p.notes;
    j["sources"] = p.sources;
    j["file"] = p.origin;
  }
  return j;
}

nlohmann::json verdicts_json(const std::vector<rule_verdict>& verdicts)
{
  nlohmann::json array = nlohmann::json::array();
  for (const auto& v : verdicts) {
    array.push_back({{"rule", v.rule},
                     {"status", status_name(v.status)},
                     {"clause", v.clause},
                     {"reason", v.reason},
                     {"in_force", v.in_force}});
  }
  return array;
}

}  // namespace fleetcap::cli
