// Aggregate capacity of holdings: interval sums per group, and Monte Carlo quantiles through
// the single-source kernel.

#include "fleetcap/capacity.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include "fleetcap/error.hpp"
#include "fleetcap/format.hpp"
#include "kernels/composition.cuh"
#include "kernels/monte_carlo.hpp"
#include "kernels/random.cuh"

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

range of_format(const part_spec& p, numeric_format f) { return p.dense_peak_ops_per_s[static_cast<std::size_t>(f)]; }

// A per-unit figure of one part, with the documented substitute used where the part lacks it.
struct unit_value {
  range value = range::unknown();
  std::string fallback;  ///< empty when the part's own figure is used
  bool known() const { return value.known(); }
};

range eight_bit(const part_spec& p)
{
  const range fp8 = of_format(p, numeric_format::fp8), int8 = of_format(p, numeric_format::int8);
  if (!fp8.known()) {
    return int8;
  }
  if (!int8.known()) {
    return fp8;
  }
  return {std::max(fp8.low, int8.low), std::max(fp8.mid, int8.mid), std::max(fp8.high, int8.high)};
}

range tpp_range(const part_metrics_range& m)
{
  if (m.mid.tpp_format < 0) {
    return range::unknown();
  }
  return {m.low.tpp, m.mid.tpp, m.high.tpp};
}

range scaled(const range& r, double f) { return {r.low * f, r.mid * f, r.high * f}; }

// Dense BF16. Fallback: the dense FP16 peak where BF16 is supported but unpublished (Ascend
// 910B); on every catalogue part that publishes both, the two dense rates are equal.
unit_value bf16_value(const part_spec& p)
{
  const range bf16 = of_format(p, numeric_format::bf16);
  if (bf16.known()) {
    return {bf16, ""};
  }
  const range fp16 = of_format(p, numeric_format::fp16);
  if (fp16.known()) {
    return {fp16, p.id + ": no BF16 figure; its FP16 peak is used (equal on every part that publishes both)"};
  }
  return {};
}

unit_value h100e_value(const part_spec& p, const part_metrics_range& m, h100e_basis basis)
{
  const range tpp = tpp_range(m);
  switch (basis) {
    case h100e_basis::tpp:
      return {tpp.known() ? scaled(tpp, h100e_per_unit(static_cast<int>(basis), 1.0, 0.0, 0.0)) : range::unknown(), ""};
    case h100e_basis::bf16: {
      const unit_value b = bf16_value(p);
      return {b.known() ? scaled(b.value, h100e_per_unit(static_cast<int>(basis), 0.0, 0.0, 1.0)) : range::unknown(),
              b.fallback};
    }
    case h100e_basis::int8: {
      const range e8 = eight_bit(p);
      if (e8.known()) {
        return {scaled(e8, h100e_per_unit(static_cast<int>(basis), 0.0, 1.0, 0.0)), ""};
      }
      // Fallback: TPP / 15,831.2, i.e. an 8-bit rate of TPP / 8. Exact where the part runs 8-bit
      // at twice its 16-bit rate, as every catalogue part that publishes both does (H100
      // 1,979 / 989.5, A100 624 / 312, H20 296 / 148, Ascend 910B 640 / 320).
      if (tpp.known()) {
        return {scaled(tpp, 1.0 / h100_sxm_tpp),
                p.id + ": no 8-bit figure; H100e from its TPP (an 8-bit rate of TPP / 8, twice its 16-bit rate)"};
      }
      return {};
    }
  }
  return {};
}

// The quantities summed per group, in one list so every one is aggregated the same way.
enum quantity : int {
  q_units = 0,
  q_dense_first,
  q_memory = q_dense_first + format_count,
  q_memory_bandwidth,
  q_scale_up,
  q_tdp,
  q_facility,
  q_tpp,
  q_h100e,
  q_capex,
  q_count
};

summed& slot(capacity_totals& t, int q)
{
  if (q >= q_dense_first && q < q_memory) {
    return t.dense_ops_per_s[static_cast<std::size_t>(q - q_dense_first)];
  }
  switch (q) {
    case q_units: return t.units;
    case q_memory: return t.memory_bytes;
    case q_memory_bandwidth: return t.memory_bandwidth_bytes_per_s;
    case q_scale_up: return t.scale_up_bandwidth_bytes_per_s;
    case q_tdp: return t.tdp_watts;
    case q_facility: return t.facility_watts;
    case q_tpp: return t.tpp;
    case q_h100e: return t.h100e;
    default: return t.capex_usd;
  }
}

// Per unit of the part (for capex: its price).
unit_value per_unit(int q, const part_spec& p, const part_metrics_range& m, const holding& h, const capacity_options& o)
{
  if (q >= q_dense_first && q < q_memory) {
    const auto f = static_cast<numeric_format>(q - q_dense_first);
    return f == numeric_format::bf16 ? bf16_value(p) : unit_value{of_format(p, f), ""};
  }
  switch (q) {
    case q_units: return {range::exact(1.0), ""};
    case q_memory: return {p.memory_bytes, ""};
    case q_memory_bandwidth: return {p.memory_bandwidth_bytes_per_s, ""};
    case q_scale_up:
      // A part with no scale-up link (PCIe only) has none: a true zero, not a missing figure.
      if (p.scale_up.empty() && !p.scale_up_bandwidth_bytes_per_s.known()) {
        return {range::exact(0.0), ""};
      }
      return {p.scale_up_bandwidth_bytes_per_s, ""};
    case q_tdp: return {p.tdp_watts, ""};
    case q_facility:
      return {p.tdp_watts.known() ? range{facility_watts_per_unit(p.tdp_watts.low, o.pue),
                                          facility_watts_per_unit(p.tdp_watts.mid, o.pue),
                                          facility_watts_per_unit(p.tdp_watts.high, o.pue)}
                                  : range::unknown(),
              ""};
    case q_tpp: return {tpp_range(m), ""};
    case q_h100e: return h100e_value(p, m, o.basis);
    default: return {h.price_usd, ""};
  }
}

void insert_sorted(std::vector<std::string>& v, const std::string& s)
{
  const auto it = std::lower_bound(v.begin(), v.end(), s);
  if (it == v.end() || *it != s) {
    v.insert(it, s);
  }
}

void add_range(range& into, const range& r)
{
  into.low += r.low;
  into.mid += r.mid;
  into.high += r.high;
}

// Adds one entry's holdings that fall in one group (`members`, all of the same entry) to `s`:
// the extremes of amount x sum_i share_i x g_i over the entry's compositions, where g_i is the
// per-unit figure (divided by the price, for a budget) of the members and 0 for the entry's
// other parts. `figure(h)` gives a member's per-unit figure; `direct_spend` marks the capex
// sum, where a budget's spend is its amount x share whatever the price.
template <typename Figure>
void add_cluster_figure(summed& s, const std::vector<const holding*>& members, const std::vector<part_spec>& parts,
                        bool direct_spend_of_budgets, Figure figure)
{
  const holding& first = *members.front();
  const int n = static_cast<int>(first.entry_shares.size());
  double low[max_mix_parts], high[max_mix_parts];
  double g_low[max_mix_parts] = {}, g_mid[max_mix_parts] = {}, g_high[max_mix_parts] = {};
  for (int k = 0; k < n; ++k) {
    low[k] = first.entry_shares[static_cast<std::size_t>(k)].low;
    high[k] = first.entry_shares[static_cast<std::size_t>(k)].high;
  }
  for (const holding* h : members) {
    const auto k = h->share_index;
    const part_spec& p = parts[h->part_index];
    const bool direct_spend = direct_spend_of_budgets && h->by_budget;
    const unit_value u = direct_spend ? unit_value{range::exact(1.0), ""} : figure(*h);
    if (!u.known()) {
      s.incomplete = true;
      insert_sorted(s.missing_parts, p.id);
      add_range(s.missing_units, h->units);
      continue;
    }
    s.any_known = true;
    if (!u.fallback.empty()) {
      insert_sorted(s.fallbacks, u.fallback);
    }
    if (h->by_budget && !direct_spend) {
      // Units bought = spend / price: the low end pays the high price.
      g_low[k] = u.value.low / h->price_usd.high;
      g_mid[k] = u.value.mid / h->price_usd.mid;
      g_high[k] = u.value.high / h->price_usd.low;
    } else {
      g_low[k] = u.value.low;
      g_mid[k] = u.value.mid;
      g_high[k] = u.value.high;
    }
  }
  double mid = 0.0;
  for (int k = 0; k < n; ++k) {
    mid += first.entry_shares[static_cast<std::size_t>(k)].mid * g_mid[k];
  }
  s.value.low += first.amount.low * composition_extreme(n, low, high, g_low, false);
  s.value.mid += first.amount.mid * mid;
  s.value.high += first.amount.high * composition_extreme(n, low, high, g_high, true);
}

// Calls f(cluster) for each run of holdings of one entry among `members`.
template <typename F>
void for_each_cluster(const std::vector<holding>& holdings, const std::vector<std::size_t>& members, F f)
{
  std::vector<const holding*> cluster;
  for (std::size_t i = 0; i <= members.size(); ++i) {
    const holding* h = i < members.size() ? &holdings[members[i]] : nullptr;
    if (!cluster.empty() &&
        (h == nullptr || h->fleet != cluster.front()->fleet || h->entry != cluster.front()->entry)) {
      f(cluster);
      cluster.clear();
    }
    if (h != nullptr) {
      cluster.push_back(h);
    }
  }
}

// Holdings of one group, split by entry (holdings of one entry are contiguous and in mix
// order, as resolve_holdings makes them).
capacity_totals sum_group(const std::vector<holding>& holdings, const std::vector<std::size_t>& members,
                          const std::vector<part_spec>& parts, const std::vector<part_metrics_range>& metrics,
                          const capacity_options& o)
{
  capacity_totals t;
  for_each_cluster(holdings, members, [&](const std::vector<const holding*>& cluster) {
    for (int q = 0; q < q_count; ++q) {
      add_cluster_figure(slot(t, q), cluster, parts, q == q_capex,
                         [&](const holding& h) { return per_unit(q, parts[h.part_index], metrics[h.part_index], h, o); });
    }
  });
  return t;
}

}  // namespace

std::string missing_text(const summed& s, const summed& all_units)
{
  if (!s.incomplete) {
    return "";
  }
  std::string parts;
  for (const auto& p : s.missing_parts) {
    parts += (parts.empty() ? "" : ", ") + p;
  }
  const double share = all_units.value.mid > 0.0 ? s.missing_units.mid / all_units.value.mid : 0.0;
  return parts + " (" + format_compact(s.missing_units.mid) + " units, " + format_number(100.0 * share, 0) +
         "% of units)";
}

summed sum_per_unit(const std::vector<holding>& holdings, const std::vector<part_spec>& parts,
                   const std::function<range(const holding&)>& per_unit_figure)
{
  std::vector<std::size_t> all(holdings.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    all[i] = i;
  }
  summed s;
  for_each_cluster(holdings, all, [&](const std::vector<const holding*>& cluster) {
    add_cluster_figure(s, cluster, parts, false, [&](const holding& h) { return unit_value{per_unit_figure(h), ""}; });
  });
  return s;
}

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
    groups[it->second].holdings.push_back(i);
  }
  for (auto& g : groups) {
    g.totals = sum_group(holdings, g.holdings, parts, metrics, options);
  }
  std::stable_sort(groups.begin(), groups.end(), [](const capacity_group& a, const capacity_group& b) {
    return a.totals.h100e.value.mid > b.totals.h100e.value.mid;
  });
  return groups;
}

capacity_group aggregate_total(const std::vector<holding>& holdings, const std::vector<part_spec>& parts,
                               const std::vector<part_metrics_range>& metrics, const capacity_options& options)
{
  capacity_group total{"total", {}, {}};
  for (std::size_t i = 0; i < holdings.size(); ++i) {
    total.holdings.push_back(i);
  }
  total.totals = sum_group(holdings, total.holdings, parts, metrics, options);
  return total;
}

namespace {

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

int quantity_of(mc_metric m)
{
  switch (m) {
    case mc_metric::units: return q_units;
    case mc_metric::h100e: return q_h100e;
    case mc_metric::bf16_flop_per_s: return q_dense_first + static_cast<int>(numeric_format::bf16);
    case mc_metric::tpp: return q_tpp;
    case mc_metric::facility_watts: return q_facility;
    case mc_metric::capex_usd: return q_capex;
  }
  return q_units;
}

mc_figure figure_of(const range& r, std::uint64_t stream) { return {r.low, r.mid, r.high, stream}; }

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

  std::vector<int> group_of_holding(holdings.size(), -1);
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (auto h : groups[g].holdings) {
      group_of_holding[h] = static_cast<int>(g);
    }
  }
  // Figure table: the metric's per-unit figure of each part (streams keyed by the metric and
  // part), each part's catalogue price, each mix override price (streams independent of the
  // metric, so units, spend and FLOP/s see the same prices), and a constant 1.
  const int q = quantity_of(metric);
  const std::uint64_t metric_key = splitmix64(static_cast<std::uint64_t>(q) + 0x3C6EF372FE94F82Bull);
  std::vector<mc_figure> figures;
  std::vector<bool> figure_known;
  const int part_count = static_cast<int>(parts.size());
  const holding none{};
  for (int p = 0; p < part_count; ++p) {
    const auto u = per_unit(q, parts[static_cast<std::size_t>(p)], metrics[static_cast<std::size_t>(p)], none, options);
    figures.push_back(figure_of(u.known() ? u.value : range::exact(0.0), metric_key ^ (2ull * static_cast<std::uint64_t>(p) + 2ull)));
    figure_known.push_back(u.known());
  }
  const std::uint64_t price_key = splitmix64(0x9E3779B97F4A7C15ull);
  for (int p = 0; p < part_count; ++p) {
    const range& price = parts[static_cast<std::size_t>(p)].price_usd;
    figures.push_back(figure_of(price.known() ? price : range::exact(1.0), price_key ^ (2ull * static_cast<std::uint64_t>(p) + 2ull)));
    figure_known.push_back(price.known());
  }
  const int one = static_cast<int>(figures.size());
  figures.push_back({1.0, 1.0, 1.0, 0});
  figure_known.push_back(true);

  std::vector<mc_entry> entries;
  std::vector<mc_share> shares;
  for (std::size_t i = 0; i < holdings.size(); ++i) {
    const holding& h = holdings[i];
    const bool new_entry = i == 0 || h.fleet != holdings[i - 1].fleet || h.entry != holdings[i - 1].entry;
    if (new_entry) {
      // Every part of the mix takes part in the composition, also those not passed in (they
      // add to no group).
      entries.push_back({h.amount.low, h.amount.mid, h.amount.high, static_cast<int>(shares.size()),
                         static_cast<int>(h.entry_shares.size()),
                         splitmix64(0xD1B54A32D192ED03ull ^ static_cast<std::uint64_t>(entries.size()))});
      for (const auto& r : h.entry_shares) {
        shares.push_back({r.low, r.mid, r.high, -1, -1, -1});
      }
    }
    const int part = static_cast<int>(h.part_index);
    int price = part_count + part;
    if (h.price_key >= 0) {
      price = static_cast<int>(figures.size());
      figures.push_back(figure_of(h.price_usd, splitmix64(0xA0761D6478BD642Full ^ static_cast<std::uint64_t>(i))));
      figure_known.push_back(true);
    }
    mc_share& s = shares[static_cast<std::size_t>(entries.back().first_share) + h.share_index];
    s.group = group_of_holding[i];
    if (q == q_units) {
      s.figure = one;
      s.divisor = h.by_budget ? price : -1;
    } else if (q == q_capex) {
      s.figure = h.by_budget ? one : (figure_known[static_cast<std::size_t>(price)] ? price : -1);
    } else {
      // A part lacking the figure adds nothing here, as in the interval view, which marks the
      // group incomplete and names the part.
      s.figure = figure_known[static_cast<std::size_t>(part)] ? part : -1;
      s.divisor = h.by_budget ? price : -1;
    }
  }
  const mc_inputs in{entries.data(), shares.data(), static_cast<int>(shares.size()), figures.data(),
                     static_cast<int>(figures.size())};

  const auto launch = [&](const mc_inputs& inputs, int group_count, double* out) {
    const mc_config cfg{mc.seed, static_cast<int>(mc.distribution), group_count, static_cast<int>(entries.size())};
#if FLEETCAP_HAVE_CUDA
    if (backend == backend_kind::cuda) {
      cuda_backend::monte_carlo_totals(inputs, cfg, mc.samples, out);
      return;
    }
#else
    (void)backend;
#endif
    cpu_backend::monte_carlo_totals(inputs, cfg, mc.samples, out);
  };
  std::vector<double> per_group(mc.samples * groups.size());
  if (!groups.empty()) {
    launch(in, static_cast<int>(groups.size()), per_group.data());
  }
  // The total: the same draws (same streams), every share in group 0.
  auto total_shares = shares;
  for (auto& s : total_shares) {
    s.group = 0;
  }
  mc_inputs total_in = in;
  total_in.shares = total_shares.data();
  std::vector<double> totals(mc.samples);
  launch(total_in, 1, totals.data());

  std::vector<mc_quantiles> out;
  std::vector<double> column(mc.samples);
  auto summarise = [&](auto value_at) {
    double sum = 0.0;
    for (std::uint64_t s = 0; s < mc.samples; ++s) {
      column[s] = value_at(s);
      sum += column[s];
    }
    mc_quantiles qs;
    qs.mean = sum / static_cast<double>(mc.samples);
    qs.p5 = quantile(column, 0.05);
    qs.p50 = quantile(column, 0.50);
    qs.p95 = quantile(column, 0.95);
    out.push_back(qs);
  };
  for (std::size_t g = 0; g < groups.size(); ++g) {
    summarise([&](std::uint64_t s) { return per_group[s * groups.size() + g]; });
  }
  summarise([&](std::uint64_t s) { return totals[s]; });
  return out;
}

}  // namespace fleetcap
