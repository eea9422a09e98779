// `fleetcap report`: the default study on the built-in catalogue. Until the fleet, compliance
// and training issues land it is the spec-sheet table; sections are added as each lands
// rather than faked beforehand.

#include <CLI/CLI.hpp>

#include "app.hpp"
#include "fleetcap/part_metrics.hpp"
#include "output.hpp"

namespace fleetcap::cli {

namespace {

void run_report(context& ctx)
{
  const auto& parts = ctx.parts();
  const auto backend = ctx.backend();
  const auto metrics = evaluate_parts(backend, parts);
  if (ctx.options().json) {
    nlohmann::json j = {{"catalog", ctx.catalog().describe()},
                        {"backend", backend_name(backend)},
                        {"parts", nlohmann::json::array()}};
    for (std::size_t i = 0; i < parts.size(); ++i) {
      j["parts"].push_back(spec_to_json(parts[i], metrics[i], false));
    }
    ctx.out() << j.dump(2) << "\n";
    return;
  }
  auto& out = ctx.out();
  out << "fleetcap report: accelerator parts in the " << ctx.catalog().describe() << " ("
      << parts.size() << " parts, " << backend_name(backend) << " backend)\n\n";
  print_spec_table(out, parts, metrics);
}

}  // namespace

void setup_report(CLI::App& app, std::vector<std::pair<CLI::App*, command_runner>>& commands)
{
  auto* report = app.add_subcommand("report", "The default study on the built-in catalogue");
  commands.emplace_back(report, [](context& ctx) { run_report(ctx); });
}

}  // namespace fleetcap::cli
