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
#include "fleetcap/training.hpp"
#include "kernels/training.cuh"
#include "output.hpp"

namespace fleetcap::cli {

namespace {

struct validate_options {
  std::vector<std::string> sets;  // empty: all
  std::string system;             // empty: each set's own
};

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
  const auto ids = o.sets.empty() ? run_set_ids(ctx.catalog()) : o.sets;
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
  if (ctx.options().json) {
    ctx.out() << json_text(nlohmann::json{{"run_sets", jsets}});
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
  commands.emplace_back(cmd, [o](context& ctx) { run_validate(ctx, *o); });
}

}  // namespace fleetcap::cli
