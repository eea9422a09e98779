// `fleetcap specs list` and `fleetcap specs show ID`.

#include <CLI/CLI.hpp>

#include <cmath>

#include "app.hpp"
#include "fleetcap/format.hpp"
#include "fleetcap/part_metrics.hpp"
#include "output.hpp"

namespace fleetcap::cli {

namespace {

struct specs_show_options {
  std::string id;
};

void run_specs_list(context& ctx)
{
  const auto& parts = ctx.parts();
  const auto metrics = evaluate_parts(ctx.backend(), parts);
  if (ctx.options().json) {
    nlohmann::json array = nlohmann::json::array();
    for (std::size_t i = 0; i < parts.size(); ++i) {
      array.push_back(spec_to_json(parts[i], metrics[i], false));
    }
    ctx.out() << json_text(array);
    return;
  }
  print_spec_table(ctx.out(), parts, metrics);
}

std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }

void run_specs_show(context& ctx, const specs_show_options& opts)
{
  const auto& part = find_part(ctx.parts(), opts.id);
  const auto metrics = evaluate_parts(ctx.backend(), {part}).front();
  if (ctx.options().json) {
    ctx.out() << json_text(spec_to_json(part, metrics, true));
    return;
  }
  auto& out = ctx.out();
  out << part.name << " (" << part.id << ")\n";
  text_table t({"field", "value"}, {false, false});
  t.add_row({"vendor", part.vendor + " (" + part.vendor_country + ")"});
  t.add_row({"architecture", or_dash(part.architecture)});
  t.add_row({"launch year", part.launch_year ? std::to_string(*part.launch_year) : "-"});
  t.add_row({"data-centre part", part.data_center ? "yes" : "no"});
  for (int f = 0; f < format_count; ++f) {
    const auto& r = part.dense_peak_ops_per_s[static_cast<std::size_t>(f)];
    const auto format = static_cast<numeric_format>(f);
    const bool integer = format == numeric_format::int8 || format == numeric_format::int4 ||
                         format == numeric_format::int16;
    t.add_row({std::string(format_name(format)) + (integer ? " dense TOP/s" : " dense TFLOP/s"),
               format_range(r, 1e12, 1)});
  }
  t.add_row({"memory GB", format_range(part.memory_bytes, 1e9, 0) + " " + part.memory_type});
  t.add_row({"memory bandwidth TB/s", format_range(part.memory_bandwidth_bytes_per_s, 1e12, 3)});
  t.add_row({"scale-up GB/s (bidir.)",
             format_range(part.scale_up_bandwidth_bytes_per_s, 1e9, 0) + " " + part.scale_up});
  t.add_row({"host interface", or_dash(part.host_interface)});
  t.add_row({"TDP W", format_range(part.tdp_watts, 1.0, 0)});
  t.add_row({"logic dies", part.logic_die_count ? std::to_string(*part.logic_die_count) : "-"});
  t.add_row({"logic-die area mm^2", format_range(part.logic_die_area_m2, 1e-6, 2)});
  t.add_row({"non-planar (FinFET+)",
             part.logic_die_non_planar ? (*part.logic_die_non_planar ? "yes" : "no") : "-"});
  t.add_row({"process", or_dash(part.process)});
  t.add_row({"price USD", format_range(part.price_usd, 1.0, 0)});
  const range tpp{metrics.low.tpp, metrics.mid.tpp, metrics.high.tpp};
  const std::string decided =
      metrics.mid.tpp_format < 0
          ? ""
          : std::string(" (from ") + format_name(static_cast<numeric_format>(metrics.mid.tpp_format)) + ")";
  t.add_row({"TPP", metrics.mid.tpp_format < 0 ? "- (no dense peak known)" : format_range(tpp, 1.0, 0) + decided});
  const range pd{metrics.low.performance_density, metrics.mid.performance_density,
                 metrics.high.performance_density};
  t.add_row({"performance density", std::isnan(pd.mid) ? "- (no applicable die area)" : format_range(pd, 1.0, 2)});
  t.print(out);
  out << "\nConfidence: " << part.confidence << "\n";
  if (!part.notes.empty()) {
    out << "\nNotes:\n";
    for (const auto& n : part.notes) {
      out << "  - " << n << "\n";
    }
  }
  out << "\nSources:\n";
  for (const auto& s : part.sources) {
    out << "  - " << s << "\n";
  }
  out << "\n(" << part.origin << ")\n";
}

}  // namespace

void setup_specs(CLI::App& app, std::vector<std::pair<CLI::App*, command_runner>>& commands)
{
  auto* specs = app.add_subcommand("specs", "Spec sheets with derived TPP and performance density");
  specs->require_subcommand(1);
  auto* list = specs->add_subcommand("list", "One row per part");
  commands.emplace_back(list, [](context& ctx) { run_specs_list(ctx); });

  auto opts = std::make_shared<specs_show_options>();
  auto* show = specs->add_subcommand("show", "Every field of one part, with notes and sources");
  show->add_option("id", opts->id, "Part id (see `fleetcap specs list`)")->required();
  commands.emplace_back(show, [opts](context& ctx) { run_specs_show(ctx, *opts); });
}

}  // namespace fleetcap::cli
