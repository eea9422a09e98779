// `fleetcap calibrate RUNS.json`: fit a system's efficiency parameters to measured runs on the
// chosen backend, report the fit and leave-one-out errors, and write a system file.

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "app.hpp"
#include "fleetcap/calibration.hpp"
#include "fleetcap/error.hpp"
#include "fleetcap/format.hpp"
#include "output.hpp"
#include "output_file.hpp"

namespace fleetcap::cli {

namespace {

struct calibrate_options {
  std::string runs;
  std::string system;
  std::string out;
  std::string precision;  // default: the run set's
  std::string serving_part;  // --serving PART: runs are serving measurement sets
};

double mean(const std::vector<double>& v)
{
  double s = 0;
  for (double x : v) {
    s += x;
  }
  return v.empty() ? NAN : s / static_cast<double>(v.size());
}

std::string stem(const std::string& path)
{
  return std::filesystem::path(path).stem().string();
}

std::string percent(double x) { return format_number(100 * x, 2) + "%"; }

void run_calibrate(context& ctx, const calibrate_options& o)
{
  if (!o.serving_part.empty()) {
    FC_EXPECTS(o.system.empty() && o.precision.empty(), "calibrate --serving: --system and --precision are for run sets");
    run_calibrate_serving(ctx, o.runs, o.serving_part, o.out);
    return;
  }
  // Opened before the fit, so an unwritable --out fails before the work and leaves no file.
  std::optional<output_file> out_file;
  if (!o.out.empty()) {
    out_file.emplace(o.out);
  }
  const auto set = load_run_set(o.runs, ctx.catalog());
  const auto& parts = ctx.parts();
  const auto& system = load_system_argument(ctx.catalog(), parts, o.system.empty() ? set.system : o.system);
  const auto& part = find_part(parts, system.part);
  const auto backend = ctx.backend();
  const auto grid = default_calibration_grid();
  const auto r = calibrate(backend, set, system, part, parse_precision(o.precision.empty() ? set.precision : o.precision), grid);
  const double loo = mean(r.held_out_errors);
  const double lomo = mean(r.held_out_model_errors);
  const double lomo_max =
      r.held_out_model_errors.empty() ? NAN : *std::max_element(r.held_out_model_errors.begin(), r.held_out_model_errors.end());

  // The file --out writes is a system file as it stands: its id is the file's own name.
  const std::string id = o.out.empty() ? system.id + "-calibrated" : stem(o.out);
  std::string summary = "Fitted by fleetcap calibrate on " + set.id + " (" + std::to_string(set.runs.size()) +
                        " runs): in-sample mean " + percent(r.fit_mean_error) + ", max " + percent(r.fit_max_error);
  if (!r.held_out_errors.empty()) {
    summary += "; leave-one-out mean " + percent(loo);
  }
  if (!r.held_out_model_errors.empty()) {
    summary += "; leave-one-model-out mean " + percent(lomo) + ", max " + percent(lomo_max);
  }
  summary += ". The in-sample figures are not a validation.";
  if (!r.dp_overlap_identified) {
    summary += " dp_overlap is not identified by these runs (every run has dp = 1) and was kept at the system's value.";
  }
  nlohmann::json notes = system.notes;
  notes.push_back(summary);
  nlohmann::json fitted = {{"id", id},
                           {"name", system.name + " (calibrated on " + set.id + ")"},
                           {"part", system.part},
                           {"chips_per_node", system.chips_per_node},
                           {"scale_out_gbps_per_chip", system.scale_out_bytes_per_s / 1e9},
                           {"efficiency", {{"matmul_max", r.fitted.matmul_max},
                                           {"matmul_half_size", r.fitted.matmul_half_size},
                                           {"scale_up_collective", r.fitted.scale_up_collective},
                                           {"scale_out_collective", r.fitted.scale_out_collective},
                                           {"dp_overlap", r.fitted.dp_overlap},
                                           {"elementwise", r.fitted.elementwise}}},
                           {"calibrated_on", {set.id}},
                           {"notes", notes},
                           {"sources", system.sources}};
  if (system.scale_up_bytes_per_s_bidir.known()) {  // absent when unknown (the loader reads absence so)
    fitted["scale_up_bandwidth_gbps"] = system.scale_up_bytes_per_s_bidir.mid / 1e9;
  }
  for (const auto& s : set.sources) {
    fitted["sources"].push_back(s);
  }
  if (out_file) {
    out_file->stream() << json_text(fitted);
  }
  auto& out = ctx.out();
  if (ctx.options().json) {
    nlohmann::json runs = nlohmann::json::array();
    for (std::size_t i = 0; i < set.runs.size(); ++i) {
      nlohmann::json row = {{"name", set.runs[i].name},
                            {"predicted_tflops_per_gpu", r.predicted_tflops_per_gpu[i]},
                            {"predicted_step_seconds", r.predicted_step_seconds[i]},
                            {"error", r.run_errors[i]}};
      // Held-out errors exist only with two or more runs (models); absent, never null.
      if (i < r.held_out_errors.size()) {
        row["held_out_error"] = r.held_out_errors[i];
      }
      if (i < r.held_out_model_errors.size()) {
        row["held_out_model_error"] = r.held_out_model_errors[i];
      }
      if (set.runs[i].tflops_per_gpu > 0) {
        row["measured_tflops_per_gpu"] = set.runs[i].tflops_per_gpu / 1e12;
      } else {
        row["measured_step_seconds"] = set.runs[i].step_seconds;
      }
      runs.push_back(row);
    }
    nlohmann::json j = {{"system", fitted},     {"fit_mean_error", r.fit_mean_error}, {"fit_max_error", r.fit_max_error},
                        {"grid_points", r.grid_points}, {"backend", backend_name(backend)}, {"runs", runs},
                        {"dp_overlap_identified", r.dp_overlap_identified}};
    if (!r.held_out_errors.empty()) {
      j["held_out_mean_error"] = loo;
    }
    if (!r.held_out_model_errors.empty()) {
      j["held_out_model_mean_error"] = lomo;
      j["held_out_model_max_error"] = lomo_max;
    }
    const std::string text = json_text(j);  // checked before the file is committed
    if (out_file) {
      out_file->commit();
    }
    out << text;
    return;
  }
  if (out_file) {
    out_file->commit();
  }
  out << "Calibrated " << system.id << " on " << set.runs.size() << " runs (" << set.origin << "), "
      << r.grid_points << " grid points, " << backend_name(backend) << " backend\n";
  out << "matmul_max " << format_number(r.fitted.matmul_max, 3) << ", matmul_half_size "
      << format_number(r.fitted.matmul_half_size, 0) << ", scale-up collective "
      << format_number(r.fitted.scale_up_collective, 2) << ", scale-out collective "
      << format_number(r.fitted.scale_out_collective, 2) << ", dp_overlap " << format_number(r.fitted.dp_overlap, 2)
      << (r.dp_overlap_identified ? "" : " (not identified: every run has dp = 1; the system's value is kept)")
      << " (elementwise " << format_number(r.fitted.elementwise, 2) << ", not fitted)\n\n";
  text_table t({"run", "measured", "predicted", "in-sample error", "leave-one-out", "leave-one-model-out"},
               {false, true, true, true, true, true});
  for (std::size_t i = 0; i < set.runs.size(); ++i) {
    const bool tflops = set.runs[i].tflops_per_gpu > 0;
    t.add_row({set.runs[i].name,
               tflops ? format_number(set.runs[i].tflops_per_gpu / 1e12, 1) + " TFLOP/s/GPU"
                      : format_number(set.runs[i].step_seconds, 2) + " s/step",
               tflops ? format_number(r.predicted_tflops_per_gpu[i], 1) + " TFLOP/s/GPU"
                      : format_number(r.predicted_step_seconds[i], 2) + " s/step",
               percent(r.run_errors[i]), i < r.held_out_errors.size() ? percent(r.held_out_errors[i]) : "-",
               i < r.held_out_model_errors.size() ? percent(r.held_out_model_errors[i]) : "-"});
  }
  t.print(out);
  out << "in-sample: mean " << percent(r.fit_mean_error) << ", max " << percent(r.fit_max_error);
  if (!r.held_out_errors.empty()) {
    out << "; leave-one-out: mean " << percent(loo);
  }
  if (!r.held_out_model_errors.empty()) {
    out << "; leave-one-model-out: mean " << percent(lomo) << ", max " << percent(lomo_max);
  }
  out << "\n";
  if (!o.out.empty()) {
    out << "wrote " << o.out << " (use it as --system " << o.out << ")\n";
  }
}

}  // namespace

void setup_calibrate(CLI::App& app, std::vector<std::pair<CLI::App*, command_runner>>& commands)
{
  auto o = std::make_shared<calibrate_options>();
  auto* cmd = app.add_subcommand("calibrate", "Fit a system's efficiency parameters to measured runs");
  cmd->add_option("runs", o->runs, "Run set file (or catalogue id, e.g. megatron-selene-2021)")->required()->type_name("RUNS");
  cmd->add_option("--system", o->system, "System to calibrate, an id or a system file (default: the run set's)")->type_name("ID|FILE");
  cmd->add_option("--out", o->out, "Write the calibrated system file here")->type_name("FILE");
  cmd->add_option("--serving", o->serving_part,
                  "Fit PART's serving profile instead; RUNS is then a comma list of serving measurement sets")
      ->type_name("PART");
  cmd->add_option("--precision", o->precision, "Precision of the measured runs (default: the run set's \"precision\", else bf16)");
  commands.emplace_back(cmd, [o](context& ctx) { run_calibrate(ctx, *o); });
}

}  // namespace fleetcap::cli
