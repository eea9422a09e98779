#include "capacity_output.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "fleetcap/format.hpp"
#include "output.hpp"

namespace fleetcap::cli {

capacity_view make_capacity_view(const std::vector<holding>& holdings, const std::vector<part_spec>& parts,
                                 const std::vector<part_metrics_range>& metrics, const capacity_options& options)
{
  capacity_view v{&holdings, &parts, aggregate_capacity(holdings, parts, metrics, options), {}, options};
  v.total = aggregate_total(holdings, parts, metrics, options);
  return v;
}

namespace {

}  // namespace

std::string summed_cell(const summed& s, double unit)
{
  if (unknown_value(s)) {
    return "unknown";
  }
  return format_compact_range(s.value, unit) + (s.incomplete ? "+" : "") + (s.fallbacks.empty() ? "" : "~");
}

namespace {

std::string cell(const summed& s, double unit) { return summed_cell(s, unit); }

const summed& bf16(const capacity_totals& t)
{
  return t.dense_ops_per_s[static_cast<std::size_t>(numeric_format::bf16)];
}

std::vector<std::string> row_of(const std::string& key, const capacity_totals& t, bool facility)
{
  return {key,
          cell(t.units, 1.0),
          cell(t.h100e, 1.0),
          cell(bf16(t), 1e15),
          cell(t.tpp, 1e6),
          cell(t.memory_bytes, 1e15),
          cell(facility ? t.facility_watts : t.tdp_watts, 1e6),
          cell(t.capex_usd, 1e9)};
}

}  // namespace

void print_capacity_table(std::ostream& out, const capacity_view& v)
{
  const bool facility = v.options.pue != 1.0;
  text_table t({group_key_name(v.options.by), "units", std::string("H100e (") + h100e_basis_name(v.options.basis) + ")",
                "BF16 PFLOP/s", "TPP (M)", "HBM PB", facility ? "facility MW" : "TDP MW", "capex $bn"},
               {false, true, true, true, true, true, true, true});
  for (const auto& g : v.groups) {
    t.add_row(row_of(g.key, g.totals, facility));
  }
  t.add_row(row_of("total", v.total.totals, facility));
  t.print(out);
  out << "mid [low-high]: the extremes over every composition of each mix (shares summing to 1) and every "
         "published range. H100e basis "
      << h100e_basis_name(v.options.basis)
      << (v.options.basis == h100e_basis::int8   ? " = dense 8-bit TOPS / 1,979 (Epoch AI)"
          : v.options.basis == h100e_basis::tpp ? " = TPP / 15,831.2 (1,978.9 x 8)"
                                                : " = dense BF16 TFLOP/s / 989.5")
      << ".";
  if (facility) {
    out << " Facility power = TDP x PUE " << format_number(v.options.pue, 2) << ".";
  }
  out << "\n";
  print_capacity_notes(out, v);
}

namespace {

struct named_column {
  const char* label;
  const summed& (*get)(const capacity_totals&);
};

std::vector<named_column> noted_columns(bool facility)
{
  std::vector<named_column> c = {
      {"H100e", [](const capacity_totals& t) -> const summed& { return t.h100e; }},
      {"BF16 FLOP/s", [](const capacity_totals& t) -> const summed& { return bf16(t); }},
      {"TPP", [](const capacity_totals& t) -> const summed& { return t.tpp; }},
      {"HBM", [](const capacity_totals& t) -> const summed& { return t.memory_bytes; }},
      {"capex", [](const capacity_totals& t) -> const summed& { return t.capex_usd; }}};
  c.push_back(facility ? named_column{"facility power", [](const capacity_totals& t) -> const summed& { return t.facility_watts; }}
                       : named_column{"TDP", [](const capacity_totals& t) -> const summed& { return t.tdp_watts; }});
  return c;
}

}  // namespace

void print_capacity_notes(std::ostream& out, const capacity_view& v)
{
  std::vector<std::string> missing, substitutes;
  auto note = [&](const std::string& key, const capacity_totals& t) {
    for (const auto& c : noted_columns(v.options.pue != 1.0)) {
      const summed& s = c.get(t);
      if (s.incomplete) {
        missing.push_back("  " + key + ", " + c.label + ": " + (unknown_value(s) ? "unknown; " : "sum of the rest; ") +
                          "no figure for " + missing_text(s, t.units));
      }
      for (const auto& f : s.fallbacks) {
        if (std::find(substitutes.begin(), substitutes.end(), "  " + f) == substitutes.end()) {
          substitutes.push_back("  " + f);
        }
      }
    }
  };
  for (const auto& g : v.groups) {
    note(g.key, g.totals);
  }
  note("total", v.total.totals);
  // Plans, orders and deliveries are different things: say where a figure adds them up.
  std::vector<std::string> mixed;
  auto statuses = [&](const std::string& key, const std::vector<std::size_t>& idx) {
    std::map<std::string, std::set<int>> years;  // status -> years
    for (auto i : idx) {
      const auto& h = (*v.holdings)[i];
      years[fleet_status_name(h.status)].insert(h.year);
    }
    if (years.size() < 2) {
      return;
    }
    std::string text;
    for (const auto& [status, ys] : years) {
      std::string y;
      for (int x : ys) {
        y += (y.empty() ? "" : ", ") + std::to_string(x);
      }
      text += (text.empty() ? "" : " and ") + status + " (" + y + ")";
    }
    mixed.push_back("  " + key + ": sums " + text + " figures");
  };
  for (const auto& g : v.groups) {
    statuses(g.key, g.holdings);
  }
  statuses("total", v.total.holdings);
  if (!mixed.empty()) {
    out << "Plans and deliveries added together (group by status to separate them):\n";
    for (const auto& m : mixed) {
      out << m << "\n";
    }
  }
  if (!missing.empty()) {
    out << "'+': the figure is missing for some parts (never counted as zero); the sum covers the others:\n";
    for (const auto& m : missing) {
      out << m << "\n";
    }
  }
  if (!substitutes.empty()) {
    out << "'~': a documented substitute stands in for a missing figure:\n";
    for (const auto& f : substitutes) {
      out << f << "\n";
    }
  }
}

nlohmann::json summed_json(const summed& s)
{
  // An unknown sum has no low/mid/high (never a zero or a null in their place).
  nlohmann::json j = unknown_value(s) ? json_unknown()
                                      : nlohmann::json{{"low", s.value.low}, {"mid", s.value.mid}, {"high", s.value.high}};
  j["incomplete"] = s.incomplete;
  if (s.incomplete) {
    j["missing_parts"] = s.missing_parts;
    j["missing_units"] = {{"low", s.missing_units.low}, {"mid", s.missing_units.mid}, {"high", s.missing_units.high}};
  }
  if (!s.fallbacks.empty()) {
    j["substitutes"] = s.fallbacks;
  }
  return j;
}

namespace {

nlohmann::json totals_json(const capacity_totals& t)
{
  nlohmann::json dense = nlohmann::json::object();
  for (int f = 0; f < format_count; ++f) {
    dense[format_name(static_cast<numeric_format>(f))] = summed_json(t.dense_ops_per_s[static_cast<std::size_t>(f)]);
  }
  return {{"units", summed_json(t.units)},
          {"h100e", summed_json(t.h100e)},
          {"dense_ops_per_s", dense},
          {"tpp", summed_json(t.tpp)},
          {"memory_bytes", summed_json(t.memory_bytes)},
          {"memory_bandwidth_bytes_per_s", summed_json(t.memory_bandwidth_bytes_per_s)},
          {"scale_up_bandwidth_bytes_per_s", summed_json(t.scale_up_bandwidth_bytes_per_s)},
          {"tdp_watts", summed_json(t.tdp_watts)},
          {"facility_watts", summed_json(t.facility_watts)},
          {"capex_usd", summed_json(t.capex_usd)}};
}

}  // namespace

nlohmann::json capacity_json(const capacity_view& v)
{
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& g : v.groups) {
    groups.push_back({{"key", g.key}, {"totals", totals_json(g.totals)}});
  }
  return {{"by", group_key_name(v.options.by)},
          {"h100e_basis", h100e_basis_name(v.options.basis)},
          {"pue", v.options.pue},
          {"groups", groups},
          {"total", totals_json(v.total.totals)}};
}

void print_capacity_csv(std::ostream& out, const capacity_view& v, const capacity_quantiles_of& quantiles)
{
  struct column {
    const char* name;
    const summed& (*get)(const capacity_totals&);
  };
  static const column columns[] = {
      {"units", [](const capacity_totals& t) -> const summed& { return t.units; }},
      {"h100e", [](const capacity_totals& t) -> const summed& { return t.h100e; }},
      {"dense_ops_per_s_bf16", [](const capacity_totals& t) -> const summed& { return bf16(t); }},
      {"dense_ops_per_s_fp8",
       [](const capacity_totals& t) -> const summed& { return t.dense_ops_per_s[static_cast<std::size_t>(numeric_format::fp8)]; }},
      {"dense_ops_per_s_int8",
       [](const capacity_totals& t) -> const summed& { return t.dense_ops_per_s[static_cast<std::size_t>(numeric_format::int8)]; }},
      {"tpp", [](const capacity_totals& t) -> const summed& { return t.tpp; }},
      {"memory_bytes", [](const capacity_totals& t) -> const summed& { return t.memory_bytes; }},
      {"memory_bandwidth_bytes_per_s", [](const capacity_totals& t) -> const summed& { return t.memory_bandwidth_bytes_per_s; }},
      {"scale_up_bandwidth_bytes_per_s", [](const capacity_totals& t) -> const summed& { return t.scale_up_bandwidth_bytes_per_s; }},
      {"tdp_watts", [](const capacity_totals& t) -> const summed& { return t.tdp_watts; }},
      {"facility_watts", [](const capacity_totals& t) -> const summed& { return t.facility_watts; }},
      {"capex_usd", [](const capacity_totals& t) -> const summed& { return t.capex_usd; }},
  };
  const bool sampled = static_cast<bool>(quantiles);
  out << "group,total,metric,low,mid,high,incomplete,missing_parts" << (sampled ? ",p5,p50,p95,mean" : "") << "\n";
  auto quote = [](const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) {
      return s;
    }
    std::string q = "\"";
    for (char ch : s) {
      q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    }
    return q + "\"";
  };
  char buffer[64];
  auto number = [&](double x) {
    std::snprintf(buffer, sizeof buffer, ",%.17g", x);
    out << buffer;
  };
  auto emit = [&](std::size_t index, const std::string& key, bool total, const capacity_totals& t) {
    for (const auto& c : columns) {
      const summed& s = c.get(t);
      out << quote(key) << "," << (total ? "true" : "false") << "," << c.name;
      const bool unknown = unknown_value(s);
      for (double x : {s.value.low, s.value.mid, s.value.high}) {
        if (unknown) {
          out << ",";  // an unknown sum leaves its cells empty, never 0
        } else {
          number(x);
        }
      }
      std::string parts;
      for (const auto& p : s.missing_parts) {
        parts += (parts.empty() ? "" : ";") + p;
      }
      out << "," << (s.incomplete ? "true" : "false") << "," << parts;
      if (sampled) {
        const mc_quantiles* q = unknown ? nullptr : quantiles(index, c.name);
        if (q) {
          for (double x : {q->p5, q->p50, q->p95, q->mean}) {
            number(x);
          }
        } else {
          out << ",,,,";  // not sampled: empty, never 0
        }
      }
      out << "\n";
    }
  };
  for (std::size_t g = 0; g < v.groups.size(); ++g) {
    emit(g, v.groups[g].key, false, v.groups[g].totals);
  }
  emit(v.groups.size(), "total", true, v.total.totals);
}

void print_trail(std::ostream& out, const capacity_view& v)
{
  out << "\nWhere each number comes from (holding: units = derivation [source]):\n";
  for (const auto& g : v.groups) {
    out << "  " << g.key << "\n";
    for (auto i : g.holdings) {
      const auto& h = (*v.holdings)[i];
      const auto& p = (*v.parts)[h.part_index];
      out << "    " << h.fleet << " " << h.owner << " " << h.year << " " << fleet_status_name(h.status) << " "
          << p.id << ": " << format_compact_range(h.units) << " units = " << h.trail << "; per-unit figures: "
          << p.origin << "\n";
    }
  }
}

}  // namespace fleetcap::cli
