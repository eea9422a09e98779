// `fleetcap calibrate --serving PART SETS`: fit a part's serving efficiencies to published
// serving measurements (data/serving/), report in-sample, leave-one-out and
// leave-one-model-out errors, and write a serving profile that `serve --profile` takes.

#include <filesystem>
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

}  // namespace

void run_calibrate_serving(context& ctx, const std::string& sets_arg, const std::string& part_id, const std::string& out_path)
{
  std::optional<output_file> out_file;
  if (!out_path.empty()) {
    out_file.emplace(out_path);
  }
  const auto& parts = ctx.parts();
  const auto& part = find_part(parts, part_id);
  const auto workloads = load_workloads(ctx.catalog());
  std::vector<serving_measurement_set> sets;
  std::vector<std::string> ids;
  for (const auto& id : split_commas(sets_arg)) {
    sets.push_back(load_serving_measurement_set(id, ctx.catalog(), workloads, parts));
    ids.push_back(sets.back().id);
  }
  const auto start = serving_profile_for(load_serving_profiles(ctx.catalog(), parts), part);
  const auto fit = calibrate_serving(sets, workloads, part, start);
  const auto& p = fit.profile;
  std::string on;
  for (const auto& id : ids) {
    on += (on.empty() ? "" : ", ") + id;
  }
  const std::string summary = "Fitted by fleetcap calibrate --serving " + part.id + " on " + on + " (" +
                              std::to_string(fit.rows) + " measurements): in-sample mean " + percent(fit.in_sample) +
                              ", max " + percent(fit.in_sample_max) + "; leave-one-out mean " +
                              percent(fit.leave_one_out) + "; leave-one-model-out mean " +
                              percent(fit.leave_one_model_out) + ", worst model " +
                              percent(fit.leave_one_model_out_max) + ". The in-sample figures are not a validation.";
  nlohmann::json per_model = nlohmann::json::object();
  for (const auto& [id, e] : fit.per_model) {
    per_model[id] = e;
  }
  if (out_file) {
    const std::string id = std::filesystem::path(out_path).stem().string();
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
                                     {"efficiency",
                                      {{"prefill_compute", p.prefill_compute},
                                       {"decode_compute", p.decode_compute},
                                       {"expert_compute", p.expert_compute},
                                       {"decode_bandwidth", p.decode_bandwidth},
                                       {"collective", p.collective},
                                       {"collective_latency_us", p.collective_latency_s * 1e6},
                                       {"step_overhead_ms", p.step_overhead_s * 1e3},
                                       {"memory_reserve", p.memory_reserve},
                                       {"max_batch", p.max_batch}}},
                                     {"calibrated_on", ids},
                                     {"notes", notes},
                                     {"sources", sources}});
  }
  auto& out = ctx.out();
  if (ctx.options().json) {
    out << json_text({{"part", part.id},
                      {"sets", ids},
                      {"rows", fit.rows},
                      {"fitted",
                       {{"prefill_compute", p.prefill_compute},
                        {"decode_compute", p.decode_compute},
                        {"expert_compute", p.expert_compute},
                        {"decode_bandwidth", p.decode_bandwidth},
                        {"collective_latency_s", p.collective_latency_s},
                        {"step_overhead_s", p.step_overhead_s}}},
                      {"in_sample_mean_abs_error", fit.in_sample},
                      {"in_sample_max_abs_error", fit.in_sample_max},
                      {"leave_one_out_mean_abs_error", fit.leave_one_out},
                      {"leave_one_model_out_mean_abs_error", fit.leave_one_model_out},
                      {"leave_one_model_out_per_model", per_model}});
  } else {
    out << "Serving efficiencies of " << part.id << " fitted on " << on << " (" << fit.rows
        << " measurements the model evaluates):\n";
    out << "  decode bandwidth " << format_number(p.decode_bandwidth, 2) << ", decode compute "
        << format_number(p.decode_compute, 2) << ", prefill compute " << format_number(p.prefill_compute, 2)
        << ", expert GEMMs " << format_number(p.expert_compute, 2) << ", step overhead "
        << format_number(p.step_overhead_s * 1e3, 2) << " ms, collective latency "
        << format_number(p.collective_latency_s * 1e6, 0) << " us\n";
    out << "in-sample: mean " << percent(fit.in_sample) << ", max " << percent(fit.in_sample_max)
        << "; leave-one-out: mean " << percent(fit.leave_one_out) << "; leave-one-model-out: mean "
        << percent(fit.leave_one_model_out) << "\n";
    for (const auto& [id, e] : fit.per_model) {
      out << "  " << id << " held out: mean " << percent(e) << "\n";
    }
  }
  if (out_file) {
    out_file->commit();
    if (!ctx.options().json) {
      out << "wrote " << out_path << " (use it as serve --profile " << out_path << ")\n";
    }
  }
}

}  // namespace fleetcap::cli
