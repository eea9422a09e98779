// `fleetcap fleet FILE... --by KEY`: aggregate capacity of inventories, as intervals and,
// with --samples, as Monte Carlo quantiles.

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>

#include "app.hpp"
#include "capacity_output.hpp"
#include "fleetcap/error.hpp"
#include "fleetcap/format.hpp"
#include "fleetcap/installed_base.hpp"
#include "output.hpp"

namespace fleetcap::cli {

namespace {

struct fleet_options {
  std::vector<std::string> files;
  std::string by = "owner";
  std::string h100e = "int8";
  double pue = 1.0;
  std::uint64_t samples = 0;
  std::uint64_t seed = 1;
  std::string distribution = "triangular";
  bool csv = false;
  bool explain = false;
  bool dedupe = false;
  std::string as_of;
  double service_life = default_service_life_years;
};

constexpr mc_metric mc_metrics[] = {mc_metric::units, mc_metric::h100e, mc_metric::bf16_flop_per_s, mc_metric::tpp,
                                    mc_metric::facility_watts, mc_metric::capex_usd};

// The sampled sum adds the same terms in another order than the interval view, so a quantile
// of a group whose figure is a point (or sits at a bound) can land a rounding or two outside
// [low, high] (e.g. 4.7990749999999995e20 against 4.799075e20). Such a rounding is put back on
// the bound, which is exact: a Monte Carlo interval stays inside the published bounds. A larger
// excursion is left as it is, for the tests to catch.
double snap_to_bounds(double v, double low, double high)
{
  const double slack = 1e-12 * std::max(std::fabs(low), std::fabs(high));
  if (v < low && v >= low - slack) {
    return low;
  }
  if (v > high && v <= high + slack) {
    return high;
  }
  return v;
}

// The interval sum of the metric a Monte Carlo column reports (for its completeness).
const summed& interval_of(const capacity_totals& t, mc_metric m)
{
  switch (m) {
    case mc_metric::units: return t.units;
    case mc_metric::h100e: return t.h100e;
    case mc_metric::bf16_flop_per_s: return t.dense_ops_per_s[static_cast<std::size_t>(numeric_format::bf16)];
    case mc_metric::tpp: return t.tpp;
    case mc_metric::facility_watts: return t.facility_watts;
    case mc_metric::capex_usd: return t.capex_usd;
  }
  return t.units;
}

// The figure a sampled metric adds its quantiles to, in the JSON totals and the CSV: the same
// names as the intervals (BF16 is dense_ops_per_s.bf16, not a name of its own).
nlohmann::json& json_figure_of(nlohmann::json& totals, mc_metric m)
{
  return m == mc_metric::bf16_flop_per_s ? totals["dense_ops_per_s"]["bf16"] : totals[mc_metric_name(m)];
}

std::string csv_metric_of(mc_metric m)
{
  return m == mc_metric::bf16_flop_per_s ? "dense_ops_per_s_bf16" : mc_metric_name(m);
}

void run_fleet(context& ctx, const fleet_options& opts)
{
  FC_EXPECTS(!opts.files.empty(), "fleet: give at least one inventory FILE (or a catalogue fleet id)");
  FC_EXPECTS(std::isfinite(opts.pue) && opts.pue >= 1.0, "--pue: expected a number >= 1, got " + format_number(opts.pue, 3));
  FC_EXPECTS(!(opts.csv && ctx.options().json), "fleet: --csv and --json are exclusive");
  capacity_options options;
  options.by = parse_group_key(opts.by);
  options.basis = parse_h100e_basis(opts.h100e);
  options.pue = opts.pue;
  monte_carlo_options mc;
  mc.samples = opts.samples;
  mc.seed = opts.seed;
  mc.distribution = parse_distribution(opts.distribution);

  std::vector<fleet> fleets;
  for (const auto& f : opts.files) {
    fleets.push_back(ctx.fleet_from(f));
  }
  const auto& parts = ctx.parts();
  const auto backend = ctx.backend();
  const auto metrics = evaluate_parts(backend, parts);
  std::vector<std::string> installed_notes;
  if (!opts.as_of.empty()) {
    fleets = installed_base(fleets, parse_date(opts.as_of, "--as-of"), opts.service_life, installed_notes);
  }
  std::vector<std::string> overlap_notes;
  const auto holdings = resolve_holdings(fleets, parts, overlap_policy{opts.dedupe, &overlap_notes});
  const auto view = make_capacity_view(holdings, parts, metrics, options);

  std::vector<std::vector<mc_quantiles>> quantiles;
  if (mc.samples > 0) {
    for (auto m : mc_metrics) {
      quantiles.push_back(monte_carlo_capacity(backend, holdings, parts, metrics, view.groups, options, m, mc));
    }
    for (std::size_t k = 0; k < quantiles.size(); ++k) {
      for (std::size_t g = 0; g < quantiles[k].size() && g <= view.groups.size(); ++g) {
        const summed& s = interval_of(g < view.groups.size() ? view.groups[g].totals : view.total.totals, mc_metrics[k]);
        auto& q = quantiles[k][g];
        for (double* v : {&q.p5, &q.p50, &q.p95, &q.mean}) {
          *v = snap_to_bounds(*v, s.value.low, s.value.high);
        }
      }
    }
  }

  auto& out = ctx.out();
  if (ctx.options().json) {
    auto j = capacity_json(view);
    // Per-holding detail (one part of one entry), e.g. for stacked charts by part.
    j["holdings"] = nlohmann::json::array();
    for (const auto& h : holdings) {
      const auto& p = parts[h.part_index];
      capacity_options one = options;
      const auto g = aggregate_capacity({h}, parts, metrics, one);
      const auto& t = g.front().totals;
      j["holdings"].push_back({{"fleet", h.fleet},
                               {"owner", h.owner},
                               {"country", h.country},
                               {"year", h.year},
                               {"status", fleet_status_name(h.status)},
                               {"part", p.id},
                               {"group", group_of(h, parts, options.by)},
                               {"units", summed_json(t.units)},
                               {"h100e", summed_json(t.h100e)},
                               {"tpp", summed_json(t.tpp)},
                               {"capex_usd", summed_json(t.capex_usd)},
                               {"derivation", h.trail}});
    }
    j["overlaps_removed"] = overlap_notes;
    if (!opts.as_of.empty()) {
      j["installed_base"] = {{"as_of", opts.as_of}, {"service_life_years", opts.service_life}, {"notes", installed_notes}};
    }
    j["fleets"] = nlohmann::json::array();
    for (const auto& f : fleets) {
      j["fleets"].push_back({{"id", f.id}, {"name", f.name}, {"file", f.origin}, {"sources", f.sources}});
    }
    if (mc.samples > 0) {
      // The quantiles sit in each figure beside its low/mid/high (one shape for every figure);
      // an unknown figure gets none.
      j["monte_carlo"] = {{"samples", mc.samples},
                          {"seed", mc.seed},
                          {"distribution", distribution_name(mc.distribution)},
                          {"backend", backend_name(backend)}};
      for (std::size_t k = 0; k < std::size(mc_metrics); ++k) {
        for (std::size_t g = 0; g <= view.groups.size(); ++g) {
          const summed& s = interval_of(g < view.groups.size() ? view.groups[g].totals : view.total.totals, mc_metrics[k]);
          if (unknown_value(s)) {
            continue;
          }
          const auto& q = quantiles[k][g];
          auto& figure = json_figure_of(g < view.groups.size() ? j["groups"][g]["totals"] : j["total"], mc_metrics[k]);
          figure["p5"] = q.p5;
          figure["p50"] = q.p50;
          figure["p95"] = q.p95;
          figure["mean"] = q.mean;
        }
      }
    }
    out << json_text(j);
    return;
  }
  if (opts.csv) {
    capacity_quantiles_of sampled;
    if (mc.samples > 0) {
      sampled = [&](std::size_t group, const std::string& metric) -> const mc_quantiles* {
        for (std::size_t k = 0; k < std::size(mc_metrics); ++k) {
          if (csv_metric_of(mc_metrics[k]) == metric) {
            return &quantiles[k][group];
          }
        }
        return nullptr;
      };
    }
    print_capacity_csv(out, view, sampled);
    return;
  }
  out << "Capacity of ";
  for (std::size_t i = 0; i < fleets.size(); ++i) {
    out << (i ? ", " : "") << fleets[i].name << " (" << fleets[i].id << ")";
  }
  out << ", by " << group_key_name(options.by) << "\n\n";
  print_capacity_table(out, view);
  for (const auto& n : overlap_notes) {
    out << n << "\n";
  }
  if (!opts.as_of.empty()) {
    out << "Installed base on " << opts.as_of << ": deliveries spread over their calendar year, each unit retired "
        << format_number(opts.service_life, 1) << " years after delivery (--service-life):\n";
    for (const auto& n : installed_notes) {
      out << "  " << n << "\n";
    }
  }
  if (mc.samples > 0) {
    out << "\nMonte Carlo: " << mc.samples << " samples, seed " << mc.seed << ", " << backend_name(backend)
        << " backend; p50 [p5-p95]. Each low/mid/high is drawn with its mid as median (" << distribution_name(mc.distribution)
        << " on each side); each mix is drawn as one composition; '+' and 'unknown' as above\n";
    text_table t({group_key_name(options.by), "units", "H100e", "BF16 PFLOP/s", "TPP (M)",
                  options.pue != 1.0 ? "facility MW" : "TDP MW", "capex $bn"},
                 {false, true, true, true, true, true, true});
    const double units_of[] = {1.0, 1.0, 1e15, 1e6, 1e6, 1e9};
    for (std::size_t g = 0; g <= view.groups.size(); ++g) {
      std::vector<std::string> row = {g < view.groups.size() ? view.groups[g].key : "total"};
      for (std::size_t k = 0; k < std::size(mc_metrics); ++k) {
        const auto& q = quantiles[k][g];
        const summed& s = interval_of(g < view.groups.size() ? view.groups[g].totals : view.total.totals, mc_metrics[k]);
        row.push_back(unknown_value(s) ? std::string("unknown")
                                       : format_compact(q.p50 / units_of[k]) + " [" + format_compact(q.p5 / units_of[k]) +
                                             "-" + format_compact(q.p95 / units_of[k]) + "]" + (s.incomplete ? "+" : ""));
      }
      t.add_row(row);
    }
    t.print(out);
  }
  if (opts.explain) {
    print_trail(out, view);
  }
}

}  // namespace

void setup_fleet(CLI::App& app, std::vector<std::pair<CLI::App*, command_runner>>& commands)
{
  auto opts = std::make_shared<fleet_options>();
  auto* cmd = app.add_subcommand("fleet", "Aggregate capacity of fleet inventories");
  cmd->add_option("files", opts->files, "Inventory files (data/fleets format) or catalogue fleet ids")
      ->required()
      ->type_name("FILE");
  cmd->add_option("--by", opts->by, "Group by owner, part, vendor, country, year, status or fleet")
      ->type_name("KEY");
  cmd->add_option("--h100e", opts->h100e, "H100-equivalent basis: int8 (8-bit dense / 1,979, Epoch), tpp, bf16")
      ->type_name("BASIS");
  cmd->add_option("--pue", opts->pue, "Power usage effectiveness for facility power (default 1: TDP only)");
  cmd->add_option("--samples", opts->samples, "Monte Carlo samples over the ranges (0: intervals only)")
      ->type_name("N");
  cmd->add_option("--seed", opts->seed, "Monte Carlo seed");
  cmd->add_option("--distribution", opts->distribution,
                  "Shape of each side of a low/mid/high draw (the mid is the median): triangular or pert");
  cmd->add_flag("--csv", opts->csv, "CSV output, long: one row per group x metric (group,total,metric,low,mid,high,incomplete,missing_parts; with --samples also p5,p50,p95,mean)");
  cmd->add_flag("--explain", opts->explain, "Print the derivation and source of every holding");
  cmd->add_option("--as-of", opts->as_of,
                  "Installed base on this date (YYYY-MM-DD): deliveries so far less retirements; plans left out")
      ->type_name("DATE");
  cmd->add_option("--service-life", opts->service_life, "Years a unit stays in service, for --as-of (default 6)")
      ->type_name("YEARS");
  cmd->add_flag("--dedupe", opts->dedupe,
                "Count holdings that two inventories declare as overlapping once (else overlapping files are refused)");
  commands.emplace_back(cmd, [opts](context& ctx) { run_fleet(ctx, *opts); });
}

}  // namespace fleetcap::cli
