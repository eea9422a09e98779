// `fleetcap calibrate RUNS.json`: fit a system's efficiency parameters to measured runs on the
// chosen backend, report the fit and leave-one-out errors, and write a system file.

#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "app.hpp"
#include "fleetcap/calibration.hpp"
#include "fleetcap/error.hpp"
#include "fleetcap/format.hpp"
#include "output.hpp"

namespace fleetcap::cli {

namespace {

struct calibrate_options {
  std::string runs;
  std::string system;
  std::string out;
  std::string precision = "bf16";
};

double mean(const std::vector<double>& v)
{
  double s = 0;
  for (double x : v) {
    s += x;
  }
  return v.empty() ? NAN : s / static_cast<double>(v.size());
}

void write_atomically(const std::string& path, const std::string& text)
{
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary);
    f << text;
    if (!f.good()) {
      std::remove(tmp.c_str());
      throw error(path + ": cannot be written");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    throw error(path + ": cannot be written (" + ec.message() + ")");
  }
}

void run_calibrate(context& ctx, const calibrate_options& o)
{
  const auto set = load_run_set(o.runs, ctx.catalog());
  const auto& parts = ctx.parts();
  const auto systems = load_systems(ctx.catalog(), parts);
  const auto& system = find_system(systems, o.system.empty() ? set.system : o.system);
  const auto& part = find_part(parts, system.part);
  const auto backend = ctx.backend();
  const auto grid = default_calibration_grid();
  const auto r = calibrate(backend, set, system, part, parse_precision(o.precision), grid);

  nlohmann::json fitted = {{"id", system.id + "-calibrated"},
                           {"name", system.name + " (calibrated on " + set.id + ")"},
                           {"part", system.part},
                           {"chips_per_node", system.chips_per_node},
                           {"scale_up_bandwidth_gbps", system.scale_up_bytes_per_s_bidir.known()
                                                           ? nlohmann::json(system.scale_up_bytes_per_s_bidir.mid / 1e9)
                                                           : nlohmann::json(nullptr)},
                           {"scale_out_gbps_per_chip", system.scale_out_bytes_per_s / 1e9},
                           {"efficiency", {{"matmul_max", r.fitted.matmul_max},
                                           {"matmul_half_size", r.fitted.matmul_half_size},
                                           {"collective", r.fitted.collective},
                                           {"dp_overlap", r.fitted.dp_overlap}}},
                           {"notes", {"Fitted by fleetcap calibrate on " + set.origin + ": mean error " +
                                      format_number(100 * r.fit_mean_error, 2) + "%, leave-one-out mean " +
                                      format_number(100 * mean(r.held_out_errors), 2) + "%."}},
                           {"sources", system.sources}};
  for (const auto& s : set.sources) {
    fitted["sources"].push_back(s);
  }
  if (!o.out.empty()) {
    write_atomically(o.out, fitted.dump(2) + "\n");
  }
  auto& out = ctx.out();
  if (ctx.options().json) {
    nlohmann::json runs = nlohmann::json::array();
    for (std::size_t i = 0; i < set.runs.size(); ++i) {
      runs.push_back({{"name", set.runs[i].name},
                      {"measured_tflops_per_gpu", set.runs[i].tflops_per_gpu / 1e12},
                      {"predicted_tflops_per_gpu", r.predicted_tflops_per_gpu[i]},
                      {"error", r.run_errors[i]},
                      {"held_out_error", i < r.held_out_errors.size() ? nlohmann::json(r.held_out_errors[i]) : nlohmann::json(nullptr)}});
    }
    out << nlohmann::json{{"system", fitted}, {"fit_mean_error", r.fit_mean_error}, {"fit_max_error", r.fit_max_error},
                          {"held_out_mean_error", mean(r.held_out_errors)}, {"grid_points", r.grid_points},
                          {"backend", backend_name(backend)}, {"runs", runs}}
                .dump(2)
        << "\n";
    return;
  }
  out << "Calibrated " << system.id << " on " << set.runs.size() << " runs (" << set.origin << "), "
      << r.grid_points << " grid points, " << backend_name(backend) << " backend\n";
  out << "matmul_max " << format_number(r.fitted.matmul_max, 3) << ", matmul_half_size "
      << format_number(r.fitted.matmul_half_size, 0) << ", collective " << format_number(r.fitted.collective, 2)
      << ", dp_overlap " << format_number(r.fitted.dp_overlap, 2) << "\n\n";
  text_table t({"run", "measured TFLOP/s/GPU", "predicted", "error", "held out"}, {false, true, true, true, true});
  for (std::size_t i = 0; i < set.runs.size(); ++i) {
    t.add_row({set.runs[i].name,
               set.runs[i].tflops_per_gpu > 0 ? format_number(set.runs[i].tflops_per_gpu / 1e12, 1) : "-",
               format_number(r.predicted_tflops_per_gpu[i], 1), format_number(100 * r.run_errors[i], 2) + "%",
               i < r.held_out_errors.size() ? format_number(100 * r.held_out_errors[i], 2) + "%" : "-"});
  }
  t.print(out);
  out << "fit: mean " << format_number(100 * r.fit_mean_error, 2) << "%, max " << format_number(100 * r.fit_max_error, 2)
      << "%; leave-one-out: mean " << format_number(100 * mean(r.held_out_errors), 2) << "%\n";
  if (!o.out.empty()) {
    out << "wrote " << o.out << "\n";
  }
}

}  // namespace

void setup_calibrate(CLI::App& app, std::vector<std::pair<CLI::App*, command_runner>>& commands)
{
  auto o = std::make_shared<calibrate_options>();
  auto* cmd = app.add_subcommand("calibrate", "Fit a system's efficiency parameters to measured runs");
  cmd->add_option("runs", o->runs, "Run set file (or catalogue id, e.g. megatron-selene-2021)")->required()->type_name("RUNS");
  cmd->add_option("--system", o->system, "System to calibrate (default: the run set's)")->type_name("ID");
  cmd->add_option("--out", o->out, "Write the calibrated system file here")->type_name("FILE");
  cmd->add_option("--precision", o->precision, "Precision of the measured runs (default bf16)");
  commands.emplace_back(cmd, [o](context& ctx) { run_calibrate(ctx, *o); });
}

}  // namespace fleetcap::cli
