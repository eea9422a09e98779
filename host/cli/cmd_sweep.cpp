// `fleetcap sweep SCENARIO`, `fleetcap merge PARTS...` and `fleetcap bench`.

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "app.hpp"
#include "fleetcap/error.hpp"
#include "fleetcap/format.hpp"
#include "fleetcap/shard_env.hpp"
#include "fleetcap/sweep.hpp"
#include "output.hpp"
#include "output_file.hpp"

namespace fleetcap::cli {

namespace {

struct sweep_options {
  std::string scenario;
  std::string shard = "0/1";
  std::string out;
  std::string rows;
  std::uint64_t max_rows = 100000;
  std::uint64_t tile = std::uint64_t{1} << 24;
};

struct merge_options {
  std::vector<std::string> parts;
  std::string out;
};

std::string coords_text(const nlohmann::json& coords)
{
  std::string s;
  for (const auto& item : coords.items()) {
    std::string v;
    if (item.value().is_string()) {
      v = item.value().get<std::string>();
    } else if (item.value().is_boolean()) {
      v = item.value().get<bool>() ? "yes" : "no";
    } else {
      const double x = item.value().get<double>();
      v = x == std::floor(x) && std::fabs(x) < 1e4 ? format_number(x, 0) : format_compact(x);
    }
    s += (s.empty() ? "" : " ") + item.key() + "=" + v;
  }
  return s;
}

void print_result_table(std::ostream& out, const sweep_plan& plan, const nlohmann::json& doc)
{
  const std::string goal = plan.config.objective_max ? "max" : "min";
  const std::string metric = plan.metric_names[static_cast<std::size_t>(plan.config.objective_metric)];
  std::vector<std::string> header = {"group", "points", "valid", goal + " " + metric, "at", "mean"};
  for (const auto& p : plan.predicate_names) {
    header.push_back(p);
  }
  const bool quantiles = plan.config.histogram_metric >= 0;
  if (quantiles) {
    header.push_back(plan.metric_names[static_cast<std::size_t>(plan.config.histogram_metric)] + " p50 [p5-p95]*");
  }
  text_table t(header, std::vector<bool>(header.size(), true));
  double widest_bound = 0.0, widest_relative = 0.0, outside = 0.0;
  for (const auto& g : doc.at("groups")) {
    std::vector<std::string> row = {g.at("key").empty() ? "all" : coords_text(g.at("key")),
                                    format_compact(g.at("points").get<double>()), format_compact(g.at("valid").get<double>()),
                                    g.contains(goal) ? format_compact(g.at(goal).get<double>()) : "-",
                                    g.contains("arg" + goal) ? coords_text(g.at("arg" + goal)) : "-",
                                    g.contains("mean") ? format_compact(g.at("mean").get<double>()) : "-"};
    for (const auto& p : plan.predicate_names) {
      row.push_back(format_compact(g.at("counts").at(p).get<double>()));
    }
    if (quantiles) {
      const auto q = g.value("quantiles", nlohmann::json::object());
      if (q.contains("p50")) {
        const auto v = [&](const char* p) { return format_compact(q.at(p).at("value").get<double>()); };
        row.push_back(v("p50") + " [" + v("p5") + "-" + v("p95") + "]");
        for (const char* p : {"p5", "p50", "p95"}) {
          const double half = (q.at(p).at("high").get<double>() - q.at(p).at("low").get<double>()) / 2;
          const double mag = std::fabs(q.at(p).at("value").get<double>());
          widest_bound = std::max(widest_bound, half);
          widest_relative = std::max(widest_relative, mag > 0 ? half / mag : 0.0);
        }
      } else {
        row.push_back("-");
      }
      const auto& h = g.at("histogram");
      outside += h.at("below").get<double>() + h.at("above").get<double>();
    }
    t.add_row(row);
  }
  t.print(out);
  for (const auto& sub : plan.substitutes) {
    out << "substitute: " << sub << "\n";
  }
  if (quantiles) {
    // Each quantile is the k-th smallest valid value (k = ceil(p n)), known to lie in one bin
    // of the group's quantile edges; --json gives each with its bound [low, high].
    out << "* quantiles of the valid points, each within its bin (bounds [low, high] in --json): widest here +/-"
        << format_compact(widest_bound) << " (" << format_number(100.0 * widest_relative, 2) << " %)\n";
    if (outside > 0) {
      out << "  " << format_compact(outside) << " valid points fall outside the histogram's range (--json: below/above)\n";
    }
  }
}

void run_sweep_command(context& ctx, const sweep_options& o)
{
  const auto plan = load_scenario(o.scenario, ctx.catalog(), ctx.parts());
  // --shard K/N, or auto (an array job's index from Slurm, Kubernetes or AWS Batch).
  const shard_choice chosen = resolve_shard(o.shard, process_environment());
  const std::uint64_t shard = chosen.index, shards = chosen.count;
  // "{shard}" in --out names each task's file, e.g. part-{shard}.json.
  std::string out_path = o.out;
  for (auto at = out_path.find("{shard}"); at != std::string::npos; at = out_path.find("{shard}", at)) {
    out_path.replace(at, 7, std::to_string(shard));
  }
  FC_EXPECTS(o.tile >= 1, "--tile: expected at least 1 point");
  const auto backend = ctx.backend();

  // Both files are opened (as temporaries) before any work and committed together at the end,
  // so a bad --out fails before the sweep, and a failed or interrupted run leaves neither.
  std::optional<output_file> rows_file;
  std::optional<output_file> out_file;
  if (!o.rows.empty()) {
    FC_EXPECTS(plan.total_points <= o.max_rows, "--rows: the grid has " + std::to_string(plan.total_points) +
                                                    " points, over --max-rows " + std::to_string(o.max_rows));
    rows_file.emplace(o.rows);
  }
  if (!out_path.empty()) {
    out_file.emplace(out_path);
  }
  if (rows_file) {
    std::ostream& f = rows_file->stream();
    for (const auto& a : plan.axes) {
      if (!a.name.empty()) {
        f << a.name << ",";
      }
    }
    for (std::size_t m = 0; m < plan.metric_names.size(); ++m) {
      f << plan.metric_names[m] << (m + 1 < plan.metric_names.size() ? "," : "\n");
    }
    char buffer[32];
    sweep_each_point(plan, [&](std::uint64_t index, const double* metrics) {
      const auto coords = sweep_point_coordinates(plan, index);
      for (const auto& a : plan.axes) {
        if (a.name.empty()) {
          continue;
        }
        const auto& v = coords.at(a.name);
        if (v.is_string()) {
          f << v.get<std::string>() << ",";
        } else {
          std::snprintf(buffer, sizeof buffer, "%.17g,", v.get<double>());
          f << buffer;
        }
      }
      for (std::size_t m = 0; m < plan.metric_names.size(); ++m) {
        // Every metric is printed here, not only those the reductions check (issue 12).
        FC_EXPECTS(std::isfinite(metrics[m]), plan.origin + ": metric \"" + plan.metric_names[m] +
                                                  "\" is not a finite number at point " + coords.dump() +
                                                  " (--rows prints every metric): an input is outside what the "
                                                  "formulas can represent");
        std::snprintf(buffer, sizeof buffer, "%.17g", metrics[m]);
        f << buffer << (m + 1 < plan.metric_names.size() ? "," : "\n");
      }
    });
  }

  const bool tty = ::isatty(STDERR_FILENO) != 0;
  const auto start = std::chrono::steady_clock::now();
  auto last = start;
  const auto progress = [&](std::uint64_t done, std::uint64_t total) {
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - start).count();
    if (!tty || elapsed < 1.0 || std::chrono::duration<double>(now - last).count() < 0.5) {
      return;
    }
    last = now;
    const double rate = static_cast<double>(done) / elapsed;
    const double eta = rate > 0 ? static_cast<double>(total - done) / rate : 0.0;
    std::fprintf(stderr, "\rsweep: %5.1f%%  %s points/s  ETA %.0f s   ", 100.0 * static_cast<double>(done) / static_cast<double>(total),
                 format_compact(rate).c_str(), eta);
  };
  const auto result = run_sweep(backend, plan, shard, shards, o.tile, progress);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (tty && seconds >= 1.0) {
    std::fprintf(stderr, "\n");
  }
  const auto doc = sweep_result_json(plan, result);
  if (out_file) {
    out_file->stream() << json_text(doc);
    out_file->commit();
  }
  if (rows_file) {
    rows_file->commit();
  }
  if (ctx.options().json) {
    ctx.out() << json_text(doc);
    return;
  }
  const std::uint64_t evaluated = (result.end_row - result.first_row) * plan.axes.back().values.size();
  ctx.out() << "Scenario " << plan.id << " (" << plan.evaluator << ", " << plan.origin << "): "
            << format_compact(static_cast<double>(plan.total_points)) << " points";
  if (shards > 1) {
    ctx.out() << ", shard " << shard << "/" << shards << " = " << format_compact(static_cast<double>(evaluated)) << " points";
    if (o.shard.rfind("auto", 0) == 0) {
      ctx.out() << " (from " << chosen.source << ")";
    }
  }
  ctx.out() << "; " << backend_name(backend) << " backend, " << format_number(seconds, 3) << " s, "
            << format_compact(static_cast<double>(evaluated) / std::max(seconds, 1e-9)) << " points/s\n\n";
  print_result_table(ctx.out(), plan, doc);
  if (!out_path.empty()) {
    ctx.out() << "\nwrote " << out_path << "\n";
  }
}

void run_merge(context& ctx, const merge_options& o)
{
  FC_EXPECTS(!o.parts.empty(), "merge: give the partial results (files written by sweep --shard K/N --out)");
  std::optional<output_file> out_file;
  if (!o.out.empty()) {
    out_file.emplace(o.out);
  }
  std::vector<sweep_result> parts;
  std::optional<sweep_plan> plan;
  for (const auto& path : o.parts) {
    const auto j = read_sweep_document(path);
    auto p = parse_scenario({path + ": /scenario", j.at("scenario").dump()}, ctx.catalog(), ctx.parts());
    if (!plan) {
      plan = p;
    }
    FC_EXPECTS(j.at("digest") == plan->digest && p.digest == plan->digest,
               path + ": /digest: a different scenario than " + o.parts.front() + " (cannot merge)");
    parts.push_back(sweep_result_from_json(j, path));
  }
  const auto merged = merge_sweep_results(*plan, parts, o.parts);
  const auto doc = sweep_result_json(*plan, merged);
  if (out_file) {
    out_file->stream() << json_text(doc);
    out_file->commit();
  }
  if (ctx.options().json) {
    ctx.out() << json_text(doc);
    return;
  }
  ctx.out() << "Merged " << parts.size() << " shards of " << plan->id << "\n\n";
  print_result_table(ctx.out(), *plan, doc);
}

}  // namespace

void setup_sweep(CLI::App& app, std::vector<std::pair<CLI::App*, command_runner>>& commands)
{
  auto o = std::make_shared<sweep_options>();
  auto* cmd = app.add_subcommand("sweep", "Evaluate a scenario's parameter grid with fused reductions");
  cmd->add_option("scenario", o->scenario, "Scenario file or catalogue id (data/scenarios/)")->required()->type_name("SCENARIO");
  cmd->add_option("--shard", o->shard,
                  "Evaluate slice K of N (0-based); auto: the array task's index from Slurm (SLURM_ARRAY_TASK_*), "
                  "Kubernetes (JOB_COMPLETION_INDEX) or AWS Batch (AWS_BATCH_JOB_ARRAY_INDEX); auto/N gives the count")
      ->type_name("K/N|auto|auto/N");
  cmd->add_option("--out", o->out, "Write the result document (JSON) here, atomically; {shard} is replaced by the shard index")
      ->type_name("FILE");
  cmd->add_option("--rows", o->rows, "Also write every point as CSV (small grids only)")->type_name("FILE");
  cmd->add_option("--max-rows", o->max_rows, "Refuse --rows for grids larger than this (default 100000)");
  cmd->add_option("--tile", o->tile, "Points per tile (memory is O(tile))");
  commands.emplace_back(cmd, [o](context& ctx) { run_sweep_command(ctx, *o); });

  auto m = std::make_shared<merge_options>();
  auto* merge = app.add_subcommand("merge", "Combine sweep shards into the result of one unsharded run");
  merge->add_option("parts", m->parts, "Partial results written by sweep --shard K/N --out")->required()->type_name("FILE");
  merge->add_option("--out", m->out, "Write the merged document here")->type_name("FILE");
  commands.emplace_back(merge, [m](context& ctx) { run_merge(ctx, *m); });
}

}  // namespace fleetcap::cli
