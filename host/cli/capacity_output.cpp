#include "capacity_output.hpp"

#include <cmath>

#include "fleetcap/format.hpp"
#include "output.hpp"

namespace fleetcap::cli {

capacity_view make_capacity_view(const std::vector<holding>& holdings, const std::vector<part_spec>& parts,
                                 const std::vector<part_metrics_range>& metrics, const capacity_options& options)
{
  capacity_view v{&holdings, &parts, aggregate_capacity(holdings, parts, metrics, options), {}, options};
  v.total = total_of(v.groups);
  return v;
}

namespace {

std::string cell(const summed& s, double unit)
{
  return format_compact_range(s.value, unit) + (s.incomplete ? "+" : "");
}

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
  out << "mid [low-high] from interval arithmetic over every range; '+' = some parts lack the figure "
         "(a lower bound). H100e basis "
      << h100e_basis_name(v.options.basis)
      << (v.options.basis == h100e_basis::int8   ? " = dense 8-bit TOPS / 1,979 (Epoch AI)"
          : v.options.basis == h100e_basis::tpp ? " = TPP / 15,831.2 (1,978.9 x 8)"
                                                : " = dense BF16 TFLOP/s / 989.5")
      << ".";
  if (facility) {
    out << " Facility power = TDP x PUE " << format_number(v.options.pue, 2) << ".";
  }
  out << "\n";
}

nlohmann::json summed_json(const summed& s)
{
  return {{"low", s.value.low}, {"mid", s.value.mid}, {"high", s.value.high}, {"incomplete", s.incomplete}};
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

void print_capacity_csv(std::ostream& out, const capacity_view& v)
{
  struct column {
    const char* name;
    const summed& (*get)(const capacity_totals&);
  };
  static const column columns[] = {
      {"units", [](const capacity_totals& t) -> const summed& { return t.units; }},
      {"h100e", [](const capacity_totals& t) -> const summed& { return t.h100e; }},
      {"bf16_flop_per_s", [](const capacity_totals& t) -> const summed& { return bf16(t); }},
      {"fp8_flop_per_s",
       [](const capacity_totals& t) -> const summed& { return t.dense_ops_per_s[static_cast<std::size_t>(numeric_format::fp8)]; }},
      {"int8_ops_per_s",
       [](const capacity_totals& t) -> const summed& { return t.dense_ops_per_s[static_cast<std::size_t>(numeric_format::int8)]; }},
      {"tpp", [](const capacity_totals& t) -> const summed& { return t.tpp; }},
      {"memory_bytes", [](const capacity_totals& t) -> const summed& { return t.memory_bytes; }},
      {"memory_bandwidth_bytes_per_s", [](const capacity_totals& t) -> const summed& { return t.memory_bandwidth_bytes_per_s; }},
      {"scale_up_bandwidth_bytes_per_s", [](const capacity_totals& t) -> const summed& { return t.scale_up_bandwidth_bytes_per_s; }},
      {"tdp_watts", [](const capacity_totals& t) -> const summed& { return t.tdp_watts; }},
      {"facility_watts", [](const capacity_totals& t) -> const summed& { return t.facility_watts; }},
      {"capex_usd", [](const capacity_totals& t) -> const summed& { return t.capex_usd; }},
  };
  out << group_key_name(v.options.by);
  for (const auto& c : columns) {
    out << "," << c.name << "_low," << c.name << "_mid," << c.name << "_high," << c.name << "_incomplete";
  }
  out << "\n";
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
  auto emit = [&](const std::string& key, const capacity_totals& t) {
    out << quote(key);
    char buffer[64];
    for (const auto& c : columns) {
      const summed& s = c.get(t);
      for (double x : {s.value.low, s.value.mid, s.value.high}) {
        std::snprintf(buffer, sizeof buffer, ",%.17g", x);
        out << buffer;
      }
      out << "," << (s.incomplete ? "true" : "false");
    }
    out << "\n";
  };
  for (const auto& g : v.groups) {
    emit(g.key, g.totals);
  }
  emit("total", v.total.totals);
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
