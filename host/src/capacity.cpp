// Aggregate capacity of holdings: interval sums per group, and Monte Carlo quantiles through
// the single-source kernel.

#include "fleetcap/capacity.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "fleetcap/error.hpp"
#include "kernels/monte_carlo.hpp"

namespace fleetcap {

group_key parse_group_key(const std::string& text)
{
  static const std::map<std::string, group_key> keys = {
      {"owner", group_key::owner},     {"part", group_key::part},     {"vendor", group_key::vendor},
      {"country", group_key::country}, {"year", group_key::year},     {"status", group_key::status},
      {"fleet", group_key::fleet}};
  const auto it = keys.find(text);
  FC_EXPECTS(it != keys.end(), "--by: expected owner, part, vendor, country, year, status or fleet, got \"" + text + "\"");
  return it->second;
}

const char* group_key_name(group_key key)
{
  switch (key) {
    case group_key::owner: return "owner";
    case group_key::part: return "part";
    case group_key::vendor: return "vendor";
    case group_key::country: return "country";
    case group_key::year: return "year";
    case group_key::status: return "status";
    case group_key::fleet: return "fleet";
  }
  return "?";
}

h100e_basis parse_h100e_basis(const std::string& text)
{
  if (text == "tpp") {
    return h100e_basis::tpp;
  }
  if (text == "int8") {
    return h100e_basis::int8;
  }
  if (text == "bf16") {
    return h100e_basis::bf16;
  }
  throw input_error("--h100e: expected tpp, int8 or bf16, got \"" + text + "\"");
}

const char* h100e_basis_name(h100e_basis basis)
{
  switch (basis) {
    case h100e_basis::tpp: return "tpp";
    case h100e_basis::int8: return "int8";
    case h100e_basis::bf16: return "bf16";
  }
  return "?";
}

mc_distribution parse_distribution(const std::string& text)
{
  if (text == "triangular") {
    return mc_distribution::triangular;
  }
  if (text == "pert") {
    return mc_distribution::pert;
  }
  throw input_error("--distribution: expected triangular or pert, got \"" + text + "\"");
}

const char* distribution_name(mc_distribution d)
{
  return d == mc_distribution::pert ? "pert" : "triangular";
}

const char* mc_metric_name(mc_metric m)
{
  switch (m) {
    case mc_metric::units: return "units";
    case mc_metric::h100e: return "h100e";
    case mc_metric::bf16_flop_per_s: return "bf16_flop_per_s";
    case mc_metric::tpp: return "tpp";
    case mc_metric::facility_watts: return "facility_watts";
    case mc_metric::capex_usd: return "capex_usd";
  }
  return "?";
}

std::string group_of(const holding& h, const std::vector<part_spec>& parts, group_key key)
{
  switch (key) {
    case group_key::owner: return h.owner;
    case group_key::part: return parts[h.part_index].id;
    case group_key::vendor: return parts[h.part_index].vendor;
    case group_key::country: return h.country;
    case group_key::year: return std::to_string(h.year);
    case group_key::status: return fleet_status_name(h.status);
    case group_key::fleet: return h.fleet;
  }
  return "?";
}

namespace {

double pick(const range& r, int which)
{
  if (!r.known()) {
    return NAN;
  }
  return which == 0 ? r.low : (which == 2 ? r.high : r.mid);
}

double eight_bit(const part_spec& p, int which)
{
  const double fp8 = pick(p.dense_peak_ops_per_s[static_cast<std::size_t>(numeric_format::fp8)], which);
  const double int8 = pick(p.dense_peak_ops_per_s[static_cast<std::size_t>(numeric_format::int8)], which);
  if (std::isnan(fp8)) {
    return int8;
  }
  return std::isnan(int8) ? fp8 : std::max(fp8, int8);
}

double tpp_of(const part_metrics_range& m, int which)
{
  const part_metrics& x = which == 0 ? m.low : (which == 2 ? m.high : m.mid);
  return x.tpp_format < 0 ? NAN : x.tpp;
}

double h100e_of(const part_spec& p, const part_metrics_range& m, int which, h100e_basis basis)
{
  const double tpp = tpp_of(m, which);
  const double e8 = eight_bit(p, which);
  const double bf16 = pick(p.dense_peak_ops_per_s[static_cast<std::size_t>(numeric_format::bf16)], which);
  const double needed = basis == h100e_basis::tpp ? tpp : (basis == h100e_basis::int8 ? e8 : bf16);
  if (std::isnan(needed)) {
    return NAN;
  }
  return h100e_per_unit(static_cast<int>(basis), tpp, e8, bf16);
}

void add(summed& s, const range& units, double low, double mid, double high)
{
  if (std::isnan(mid)) {
    s.incomplete = true;
    return;
  }
  s.value.low += units.low * low;
  s.value.mid += units.mid * mid;
  s.value.high += units.high * high;
}

template <typename F>
void add_figure(summed& s, const range& units, F figure)
{
  add(s, units, figure(0), figure(1), figure(2));
}

void add_holding(capacity_totals& t, const holding& h, const part_spec& p, const part_metrics_range& m,
                 const capacity_options& o)
{
  add(t.units, h.units, 1.0, 1.0, 1.0);
  // A format without a figure marks the sum incomplete: the data cannot tell "not supported"
  // (A100 FP8) from "not published" (Ascend 910B BF16).
  for (std::size_t f = 0; f < t.dense_ops_per_s.size(); ++f) {
    add_figure(t.dense_ops_per_s[f], h.units, [&](int w) { return pick(p.dense_peak_ops_per_s[f], w); });
  }
  add_figure(t.memory_bytes, h.units, [&](int w) { return pick(p.memory_bytes, w); });
  add_figure(t.memory_bandwidth_bytes_per_s, h.units, [&](int w) { return pick(p.memory_bandwidth_bytes_per_s, w); });
  if (!p.scale_up.empty() || p.scale_up_bandwidth_bytes_per_s.known()) {
    add_figure(t.scale_up_bandwidth_bytes_per_s, h.units,
               [&](int w) { return pick(p.scale_up_bandwidth_bytes_per_s, w); });
  }
  add_figure(t.tdp_watts, h.units, [&](int w) { return pick(p.tdp_watts, w); });
  add_figure(t.facility_watts, h.units,
             [&](int w) { return facility_watts_per_unit(pick(p.tdp_watts, w), o.pue); });
  add_figure(t.tpp, h.units, [&](int w) { return tpp_of(m, w); });
  add_figure(t.h100e, h.units, [&](int w) { return h100e_of(p, m, w, o.basis); });
  if (h.capex_usd.known()) {
    t.capex_usd.value.low += h.capex_usd.low;
    t.capex_usd.value.mid += h.capex_usd.mid;
    t.capex_usd.value.high += h.capex_usd.high;
  } else {
    t.capex_usd.incomplete = true;
  }
}

void merge(summed& into, const summed& s)
{
  into.value.low += s.value.low;
  into.value.mid += s.value.mid;
  into.value.high += s.value.high;
  into.incomplete = into.incomplete || s.incomplete;
}

}  // namespace

std::vector<capacity_group> aggregate_capacity(const std::vector<holding>& holdings,
                                               const std::vector<part_spec>& parts,
                                               const std::vector<part_metrics_range>& metrics,
                                               const capacity_options& options)
{
  std::map<std::string, std::size_t> index;
  std::vector<capacity_group> groups;
  for (std::size_t i = 0; i < holdings.size(); ++i) {
    const auto key = group_of(holdings[i], parts, options.by);
    auto it = index.find(key);
    if (it == index.end()) {
      it = index.emplace(key, groups.size()).first;
      groups.push_back({key, {}, {}});
    }
    auto& g = groups[it->second];
    g.holdings.push_back(i);
    add_holding(g.totals, holdings[i], parts[holdings[i].part_index], metrics[holdings[i].part_index], options);
  }
  std::stable_sort(groups.begin(), groups.end(), [](const capacity_group& a, const capacity_group& b) {
    return a.totals.h100e.value.mid > b.totals.h100e.value.mid;
  });
  return groups;
}

capacity_group total_of(const std::vector<capacity_group>& groups)
{
  capacity_group total{"total", {}, {}};
  for (const auto& g : groups) {
    auto& t = total.totals;
    const auto& s = g.totals;
    merge(t.units, s.units);
    for (std::size_t f = 0; f < t.dense_ops_per_s.size(); ++f) {
      merge(t.dense_ops_per_s[f], s.dense_ops_per_s[f]);
    }
    merge(t.memory_bytes, s.memory_bytes);
    merge(t.memory_bandwidth_bytes_per_s, s.memory_bandwidth_bytes_per_s);
    merge(t.scale_up_bandwidth_bytes_per_s, s.scale_up_bandwidth_bytes_per_s);
    merge(t.tdp_watts, s.tdp_watts);
    merge(t.facility_watts, s.facility_watts);
    merge(t.capex_usd, s.capex_usd);
    merge(t.tpp, s.tpp);
    merge(t.h100e, s.h100e);
    total.holdings.insert(total.holdings.end(), g.holdings.begin(), g.holdings.end());
  }
  return total;
}

namespace {

// The per-unit figure of a metric for a part, low/mid/high; unknown figures become 0 (the
// interval view marks those groups incomplete; the Monte Carlo reports the same lower bound).
mc_part_figure unit_figure(mc_metric metric, const part_spec& p, const part_metrics_range& m,
                           const capacity_options& o)
{
  auto at = [&](int w) -> double {
    double x = NAN;
    switch (metric) {
      case mc_metric::units: x = 1.0; break;
      case mc_metric::h100e: x = h100e_of(p, m, w, o.basis); break;
      case mc_metric::bf16_flop_per_s:
        x = pick(p.dense_peak_ops_per_s[static_cast<std::size_t>(numeric_format::bf16)], w);
        break;
      case mc_metric::tpp: x = tpp_of(m, w); break;
      case mc_metric::facility_watts: x = facility_watts_per_unit(pick(p.tdp_watts, w), o.pue); break;
      case mc_metric::capex_usd: x = pick(p.price_usd, w); break;
    }
    return std::isnan(x) ? 0.0 : x;
  };
  return {at(0), at(1), at(2)};
}

// Linear-interpolation quantile (NumPy's default, Hyndman and Fan type 7) of v, reordering it.
double quantile(std::vector<double>& v, double q)
{
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto k = static_cast<std::size_t>(std::floor(pos));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  const double lower = v[k];
  if (k + 1 >= v.size()) {
    return lower;
  }
  const double upper = *std::min_element(v.begin() + static_cast<std::ptrdiff_t>(k) + 1, v.end());
  return lower + (pos - static_cast<double>(k)) * (upper - lower);
}

}  // namespace

std::vector<mc_quantiles> monte_carlo_capacity(backend_kind backend, const std::vector<holding>& holdings,
                                               const std::vector<part_spec>& parts,
                                               const std::vector<part_metrics_range>& metrics,
                                               const std::vector<capacity_group>& groups,
                                               const capacity_options& options, mc_metric metric,
                                               const monte_carlo_options& mc)
{
  FC_EXPECTS(mc.samples >= 2, "--samples: need at least 2 samples");
  // One column per group plus the total; the samples x columns matrix must fit in memory.
  const std::uint64_t columns = groups.size() + 1;
  const std::uint64_t max_values = std::uint64_t{1} << 28;  // 2 GiB of doubles
  FC_EXPECTS(mc.samples <= max_values / columns,
             "--samples: " + std::to_string(mc.samples) + " samples x " + std::to_string(columns) +
                 " groups is too large to hold (limit " + std::to_string(max_values / columns) + " samples)");

  std::vector<int> group_of_holding(holdings.size(), 0);
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (auto h : groups[g].holdings) {
      group_of_holding[h] = static_cast<int>(g);
    }
  }
  // Kernel holdings in holding order: a holding's draws are keyed by its position, so the
  // per-group launch and the total launch (same holdings, one group) see the same draws.
  std::vector<mc_holding> kernel_holdings;
  for (std::size_t h = 0; h < holdings.size(); ++h) {
    // Spend is drawn directly where it is known (it is the budget, not units x price): its
    // "part" is the extra figure of exactly 1 appended below.
    const bool known_spend = metric == mc_metric::capex_usd && holdings[h].capex_usd.known();
    const range units = known_spend ? holdings[h].capex_usd : holdings[h].units;
    kernel_holdings.push_back({units.low, units.mid, units.high, group_of_holding[h],
                               known_spend ? static_cast<int>(parts.size()) : static_cast<int>(holdings[h].part_index)});
  }
  std::vector<mc_part_figure> figures;
  for (std::size_t p = 0; p < parts.size(); ++p) {
    figures.push_back(unit_figure(metric, parts[p], metrics[p], options));
  }
  figures.push_back({1.0, 1.0, 1.0});

  const auto launch = [&](const std::vector<mc_holding>& hs, int group_count, double* out) {
    const mc_config cfg{mc.seed, static_cast<int>(mc.distribution), group_count, static_cast<int>(hs.size()),
                        static_cast<std::uint64_t>(metric) + 1};
#if FLEETCAP_HAVE_CUDA
    if (backend == backend_kind::cuda) {
      cuda_backend::monte_carlo_totals(hs.data(), figures.data(), static_cast<int>(figures.size()), cfg, mc.samples, out);
      return;
    }
#else
    (void)backend;
#endif
    cpu_backend::monte_carlo_totals(hs.data(), figures.data(), static_cast<int>(figures.size()), cfg, mc.samples, out);
  };
  std::vector<double> per_group(mc.samples * groups.size());
  if (!groups.empty()) {
    launch(kernel_holdings, static_cast<int>(groups.size()), per_group.data());
  }
  auto total_holdings = kernel_holdings;
  for (auto& h : total_holdings) {
    h.group = 0;
  }
  std::vector<double> totals(mc.samples);
  launch(total_holdings, 1, totals.data());

  std::vector<mc_quantiles> out;
  std::vector<double> column(mc.samples);
  auto summarise = [&](auto value_at) {
    double sum = 0.0;
    for (std::uint64_t s = 0; s < mc.samples; ++s) {
      column[s] = value_at(s);
      sum += column[s];
    }
    mc_quantiles q;
    q.mean = sum / static_cast<double>(mc.samples);
    q.p5 = quantile(column, 0.05);
    q.p50 = quantile(column, 0.50);
    q.p95 = quantile(column, 0.95);
    out.push_back(q);
  };
  for (std::size_t g = 0; g < groups.size(); ++g) {
    summarise([&](std::uint64_t s) { return per_group[s * groups.size() + g]; });
  }
  summarise([&](std::uint64_t s) { return totals[s]; });
  return out;
}

}  // namespace fleetcap
