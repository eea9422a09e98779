// `fleetcap validate`: every published run in data/workloads/*.runs.json predicted by the step
// model on its shipped system, next to the published figure, with the error of each. Whether
// a system was fitted on the set it is checked against is said on every table: an in-sample
// error is not a validation.

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>

#include "app.hpp"
#include "fleetcap/error.hpp"
#include "fleetcap/format.hpp"
#include "fleetcap/serving.hpp"
#include "fleetcap/training.hpp"
#include "kernels/training.cuh"
#include "output.hpp"

namespace fleetcap::cli {

namespace {

struct validate_options {
  std::vector<std::string> sets;  // empty: all
  std::string system;             // empty: each set's own
  bool training_only = false;
  bool serving_only = false;
};

bool names_serving_set(const std::string& arg, const catalog_source& source)
{
  if (arg.find(".measurements.json") != std::string::npos) {
    return true;
  }
  for (const auto& f : source.json_files("data/serving")) {
    if (f.name.find("/" + arg + ".measurements.json") != std::string::npos) {
      return true;
    }
  }
  return false;
}

// Whether a part's serving profile was fitted on a set: an in-sample error is not a validation.
std::string serving_fit_status(const serving_profile& p, const std::string& set_id)
{
  if (p.calibrated_on.empty()) {
    return "not fitted (" + (p.origin == "default" ? std::string("default efficiencies") : p.origin) + ")";
  }
  if (std::find(p.calibrated_on.begin(), p.calibrated_on.end(), set_id) != p.calibrated_on.end()) {
    return "IN-SAMPLE";
  }
  return "held out";
}

// The serving measurement sets: every row predicted on its part's profile, or why not.
nlohmann::json validate_serving(context& ctx, const std::vector<std::string>& ids)
{
  const auto& parts = ctx.parts();
  const auto workloads = load_workloads(ctx.catalog());
  const auto profiles = load_serving_profiles(ctx.catalog(), parts);
  std::vector<serving_measurement_set> sets;
  if (ids.empty()) {
    sets = load_serving_measurements(ctx.catalog(), workloads, parts);
  } else {
    for (const auto& id : ids) {
      sets.push_back(load_serving_measurement_set(id, ctx.catalog(), workloads, parts));
    }
  }
  nlohmann::json jsets = nlohmann::json::array();
  auto& out = ctx.out();
  for (const auto& set : sets) {
    nlohmann::json rows = nlohmann::json::array();
    text_table t({"measurement", "part", "fit", "published", "predicted", "error"}, {false, false, false, true, true, true});
    double in_sum = 0, out_sum = 0, worst = 0;
    std::size_t in_n = 0, out_n = 0, skipped = 0;
    for (const auto& m : set.measurements) {
      const auto& part = find_part(parts, m.part);
      const auto profile = serving_profile_for(profiles, part);
      const auto pr = predict_measurement(m, find_workload(workloads, m.model), part, profile);
      const std::string fit = serving_fit_status(profile, set.id);
      nlohmann::json row = {{"name", m.name}, {"part", m.part}, {"model", m.model}, {"metric", m.metric},
                            {"published", m.value}, {"fit", fit}};
      if (!pr.evaluated) {
        ++skipped;
        row["predicted"] = json_unknown();
        row["why_not"] = pr.why_not;
        t.add_row({m.name, m.part, fit, format_compact(m.value), "-", "not evaluated: " + pr.why_not});
      } else {
        const double e = pr.predicted / m.value - 1.0;
        row["predicted"] = pr.predicted;
        row["error"] = e;
        if (fit == "IN-SAMPLE") {
          in_sum += std::fabs(e);
          ++in_n;
        } else {
          out_sum += std::fabs(e);
          ++out_n;
          worst = std::max(worst, std::fabs(e));
        }
        t.add_row({m.name, m.part, fit, format_compact(m.value), format_compact(pr.predicted),
                   (e >= 0 ? "+" : "") + format_number(100 * e, 1) + "%"});
      }
      rows.push_back(row);
    }
    nlohmann::json js = {{"set", set.id}, {"metric_unit", "tokens_per_s"}, {"rows", rows},
                         {"evaluated_in_sample", in_n}, {"evaluated_not_fitted", out_n}, {"not_evaluated", skipped}};
    js["mean_abs_error_in_sample"] = in_n ? nlohmann::json(in_sum / in_n) : json_unknown();
    js["mean_abs_error_not_fitted"] = out_n ? nlohmann::json(out_sum / out_n) : json_unknown();
    jsets.push_back(js);
    if (ctx.options().json) {
      continue;
    }
    out << set.id << " (serving; " << set.origin << ")\n";
    t.print(out);
    out << "mean |error|: ";
    out << (in_n ? format_number(100 * in_sum / in_n, 2) + "% over " + std::to_string(in_n) + " in-sample rows"
                 : std::string("no in-sample rows"));
    out << "; " << (out_n ? format_number(100 * out_sum / out_n, 2) + "% (max " + format_number(100 * worst, 1) +
                                "%) over " + std::to_string(out_n) + " rows not fitted on"
                          : std::string("no rows outside the fit"));
    out << "; " << skipped << " not evaluated\n\n";
  }
  return jsets;
}

struct run_check {
  std::string name;
  bool tflops;  // measured as TFLOP/s per GPU (Megatron's count), else step seconds
  double measured;
  double predicted;
  double error;
};

std::string fit_status(const system_spec& system, const std::string& set_id)
{
  if (system.calibrated_on.empty()) {
    return "not fitted (the system's efficiencies are uncalibrated defaults)";
  }
  if (std::find(system.calibrated_on.begin(), system.calibrated_on.end(), set_id) != system.calibrated_on.end()) {
    return "IN-SAMPLE: " + system.id + " was fitted on this set (see `fleetcap calibrate " + set_id +
           "` for leave-one-out and leave-one-model-out errors)";
  }
  std::string on;
  for (const auto& s : system.calibrated_on) {
    on += (on.empty() ? "" : ", ") + s;
  }
  return "held out: " + system.id + " was fitted on " + on;
}

void run_validate(context& ctx, const validate_options& o)
{
  const auto& parts = ctx.parts();
  const auto systems = load_systems(ctx.catalog(), parts);
  FC_EXPECTS(!(o.training_only && o.serving_only), "validate: --training and --serving are exclusive");
  std::vector<std::string> ids, serving_ids;
  for (const auto& arg : o.sets) {
    (names_serving_set(arg, ctx.catalog()) ? serving_ids : ids).push_back(arg);
  }
  if (o.sets.empty() && !o.serving_only) {
    ids = run_set_ids(ctx.catalog());
  }
  nlohmann::json jsets = nlohmann::json::array();
  std::string text;
  for (const auto& id : ids) {
    const auto set = load_run_set(id, ctx.catalog());
    const auto system = o.system.empty() ? find_system(systems, set.system)
                                         : load_system_argument(ctx.catalog(), parts, o.system);
    const auto& part = find_part(parts, system.part);
    const auto figures = figures_for(system, part, parse_precision(set.precision));
    std::vector<run_check> checks;
    for (const auto& r : set.runs) {
      const auto e = estimate_step(r.shape, r.layout, figures);
      const double gpus = r.layout.tp * r.layout.pp * r.layout.dp;
      run_check c{r.name, r.tflops_per_gpu > 0, 0, 0, 0};
      if (c.tflops) {
        c.measured = r.tflops_per_gpu / 1e12;
        c.predicted = megatron_flop_per_step(r.shape, r.layout.global_batch) / (e.step_seconds * gpus) / 1e12;
      } else {
        c.measured = r.step_seconds;
        c.predicted = e.step_seconds;
      }
      c.error = (c.predicted - c.measured) / c.measured;
      checks.push_back(c);
    }
    double mean = 0, worst = 0;
    for (const auto& c : checks) {
      mean += std::fabs(c.error);
      worst = std::max(worst, std::fabs(c.error));
    }
    mean /= static_cast<double>(checks.size());
    const std::string status = fit_status(system, set.id);
    if (ctx.options().json) {
      nlohmann::json runs = nlohmann::json::array();
      for (const auto& c : checks) {
        runs.push_back({{"name", c.name},
                        {"unit", c.tflops ? "tflops_per_gpu" : "step_seconds"},
                        {"published", c.measured},
                        {"predicted", c.predicted},
                        {"error", c.error}});
      }
      jsets.push_back({{"set", set.id},
                       {"system", system.id},
                       {"precision", set.precision},
                       {"in_sample", status.rfind("IN-SAMPLE", 0) == 0},
                       {"fit", status},
                       {"mean_abs_error", mean},
                       {"max_abs_error", worst},
                       {"runs", runs}});
      continue;
    }
    auto& out = ctx.out();
    out << set.id << " on " << system.id << " (" << set.precision << " peak; " << set.origin << ")\n" << status << "\n";
    text_table t({"run", "published", "predicted", "error"}, {false, true, true, true});
    for (const auto& c : checks) {
      const std::string unit = c.tflops ? " TFLOP/s/GPU" : " s/step";
      t.add_row({c.name, format_number(c.measured, c.tflops ? 1 : 2) + unit,
                 format_number(c.predicted, c.tflops ? 1 : 2) + unit,
                 (c.error >= 0 ? "+" : "") + format_number(100 * c.error, 1) + "%"});
    }
    t.print(out);
    out << "mean |error| " << format_number(100 * mean, 2) << "%, max " << format_number(100 * worst, 2) << "%\n\n";
  }
  nlohmann::json jserving = nlohmann::json::array();
  if (!o.training_only && (o.sets.empty() || !serving_ids.empty())) {
    jserving = validate_serving(ctx, serving_ids);
  }
  if (ctx.options().json) {
    ctx.out() << json_text(nlohmann::json{{"run_sets", jsets}, {"serving_sets", jserving}});
  }
}

}  // namespace

void setup_validate(CLI::App& app, std::vector<std::pair<CLI::App*, command_runner>>& commands)
{
  auto o = std::make_shared<validate_options>();
  auto* cmd = app.add_subcommand("validate", "Predicted vs published for every run set in data/workloads/");
  cmd->add_option("sets", o->sets, "Run set ids or files (default: every *.runs.json in the catalogue)")->type_name("RUNS");
  cmd->add_option("--system", o->system, "Predict every set on this system (id or file) instead of each set's own")
      ->type_name("ID|FILE");
  cmd->add_flag("--training", o->training_only, "Only the training run sets");
  cmd->add_flag("--serving", o->serving_only, "Only the serving measurement sets (data/serving/)");
  commands.emplace_back(cmd, [o](context& ctx) { run_validate(ctx, *o); });
}

}  // namespace fleetcap::cli
