// `fleetcap calibrate --serving PART SETS`: fit a part's serving efficiencies to published
// serving measurements (data/serving/), report in-sample, leave-one-out and
// leave-one-model-out errors, and write a serving profile that `serve --profile` takes.

#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>

#include "app.hpp"
#include "fleetcap/error.hpp"
#include "fleetcap/format.hpp"
#include "fleetcap/serving.hpp"
#include "output.hpp"
#include "output_file.hpp"

namespace fleetcap::cli {

namespace {

std::string percent(double x) { return format_number(100 * x, 2) + "%"; }

std::vector<std::string> split_commas(const std::string& text)
{
  std::vector<std::string> out;
  std::stringstream s(text);
  std::string item;
  while (std::getline(s, item, ',')) {
    FC_EXPECTS(!item.empty(), "calibrate --serving: an empty set id in " + text);
    out.push_back(item);
  }
  return out;
}

// A profile's efficiencies as the profile file holds them (specs/serving/README.md): what
// --out writes and what --json prints as "fitted".
nlohmann::json efficiency_json(const serving_profile& p)
{
  return {{"prefill_compute", p.prefill_compute},
          {"decode_compute", p.decode_compute},
          {"expert_compute", p.expert_compute},
          {"decode_bandwidth", p.decode_bandwidth},
          {"collective", p.collective},
          {"collective_latency_us", p.collective_latency_s * 1e6},
          {"step_overhead_ms", p.step_overhead_s * 1e3},
          {"memory_reserve", p.memory_reserve},
          {"max_batch", p.max_batch}};
}

}  // namespace

void run_calibrate_serving(context& ctx, const std::string& sets_arg, const std::string& parts_arg, const std::string& out_path)
{
  const auto& parts = ctx.parts();
  std::vector<const part_spec*> fitted_parts;
  for (const auto& id : split_commas(parts_arg)) {
    fitted_parts.push_back(&find_part(parts, id));
  }
  // One part: --out is the profile file. Several (one joint fit): --out is a folder that gets
  // one profile per part, named after it. Every file is opened before the fit.
  std::vector<std::unique_ptr<output_file>> out_files;
  if (!out_path.empty()) {
    if (fitted_parts.size() == 1) {
      out_files.push_back(std::make_unique<output_file>(out_path));
    } else {
      FC_EXPECTS(std::filesystem::is_directory(out_path),
                 "--out: " + out_path + ": with several parts, --out must be an existing folder");
      for (const auto* part : fitted_parts) {
        out_files.push_back(std::make_unique<output_file>((std::filesystem::path(out_path) / (part->id + ".json")).string()));
      }
    }
  }
  const auto& part = *fitted_parts.front();
  const auto workloads = load_workloads(ctx.catalog());
  std::vector<serving_measurement_set> sets;
  std::vector<std::string> ids;
  for (const auto& id : split_commas(sets_arg)) {
    sets.push_back(load_serving_measurement_set(id, ctx.catalog(), workloads, parts));
    ids.push_back(sets.back().id);
  }
  const auto start = serving_profile_for(load_serving_profiles(ctx.catalog(), parts), part);
  const auto fit = calibrate_serving(sets, workloads, fitted_parts, start);
  std::string jointly;
  for (const auto* x : fitted_parts) {
    jointly += (jointly.empty() ? "" : ", ") + x->id;
  }
  const auto& p = fit.profile;
  std::string on;
  for (const auto& id : ids) {
    on += (on.empty() ? "" : ", ") + id;
  }
  const std::string summary = "Fitted by fleetcap calibrate --serving " + jointly + " on " + on + " (" +
                              std::to_string(fit.rows) + " measurements" +
                              (fitted_parts.size() > 1 ? ", one fit for all these parts" : "") +
                              "): in-sample mean " + percent(fit.in_sample) + ", max " + percent(fit.in_sample_max) +
                              "; leave-one-out mean " + percent(fit.leave_one_out) + "; leave-one-model-out mean " +
                              percent(fit.leave_one_model_out) + ", worst model " +
                              percent(fit.leave_one_model_out_max) + "; leave-one-set-out mean " +
                              percent(fit.leave_one_set_out) + ", worst set " + percent(fit.leave_one_set_out_max) +
                              ". The in-sample figures are not a validation.";
  nlohmann::json per_model = nlohmann::json::object();
  for (const auto& [id, e] : fit.per_model) {
    per_model[id] = e;
  }
  nlohmann::json per_set = nlohmann::json::object();
  for (const auto& [id, e] : fit.per_set) {
    per_set[id] = e;
  }
  for (std::size_t f = 0; f < out_files.size(); ++f) {
    const auto& part = *fitted_parts[f];
    auto* out_file = out_files[f].get();
    const std::string id = std::filesystem::path(out_file->path()).stem().string();
    // A default profile's note describes the defaults, not the fitted values.
    nlohmann::json notes = start.origin == "default" ? nlohmann::json::array() : nlohmann::json(start.notes);
    notes.push_back(summary);
    nlohmann::json sources = start.sources.empty() ? nlohmann::json::array() : nlohmann::json(start.sources);
    for (const auto& s : sets) {
      for (const auto& src : s.sources) {
        sources.push_back(src);
      }
    }
    out_file->stream() << json_text({{"id", id},
                                     {"name", part.id + " serving profile (calibrated on " + on + ")"},
                                     {"part", part.id},
                                     {"chips_per_node", p.chips_per_node},
                                     {"scale_out_gbps_per_chip", p.scale_out_bytes_per_s / 1e9},
                                     {"efficiency", efficiency_json(p)},
                                     {"calibrated_on", ids},
                                     {"notes", notes},
                                     {"sources", sources}});
  }
  auto& out = ctx.out();
  if (ctx.options().json) {
    out << json_text({{"parts", split_commas(parts_arg)},
                      {"sets", ids},
                      {"rows", fit.rows},
                      {"fitted", efficiency_json(p)},
                      {"in_sample_mean_abs_error", fit.in_sample},
                      {"in_sample_max_abs_error", fit.in_sample_max},
                      {"leave_one_out_mean_abs_error", fit.leave_one_out},
                      {"leave_one_model_out_mean_abs_error", fit.leave_one_model_out},
                      {"leave_one_model_out_per_model", per_model},
                      {"leave_one_set_out_mean_abs_error", fit.leave_one_set_out},
                      {"leave_one_set_out_per_set", per_set}});
  } else {
    out << "Serving efficiencies of " << jointly << " fitted on " << on << " (" << fit.rows
        << " measurements the model evaluates):\n";
    out << "  decode bandwidth " << format_number(p.decode_bandwidth, 2) << ", decode compute "
        << format_number(p.decode_compute, 2) << ", prefill compute " << format_number(p.prefill_compute, 2)
        << ", expert GEMMs " << format_number(p.expert_compute, 2) << ", step overhead "
        << format_number(p.step_overhead_s * 1e3, 2) << " ms, collective latency "
        << format_number(p.collective_latency_s * 1e6, 0) << " us\n";
    out << "in-sample: mean " << percent(fit.in_sample) << ", max " << percent(fit.in_sample_max)
        << "; leave-one-out: mean " << percent(fit.leave_one_out) << "; leave-one-model-out: mean "
        << (fit.per_model.empty() ? std::string("- (one model)") : percent(fit.leave_one_model_out))
        << "; leave-one-set-out: mean "
        << (fit.per_set.empty() ? std::string("- (one set)") : percent(fit.leave_one_set_out)) << "\n";
    for (const auto& [id, e] : fit.per_model) {
      out << "  model " << id << " held out: mean " << percent(e) << "\n";
    }
    for (const auto& [id, e] : fit.per_set) {
      out << "  set " << id << " held out: mean " << percent(e) << "\n";
    }
  }
  for (auto& f : out_files) {
    f->commit();
    if (!ctx.options().json) {
      out << "wrote " << f->path() << " (use it as serve --profile " << f->path() << ")\n";
    }
  }
}

}  // namespace fleetcap::cli
