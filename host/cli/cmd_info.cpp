// `fleetcap info`: the version, the backends built in and the device visible.

#include <CLI/CLI.hpp>

#include "app.hpp"
#include "output.hpp"

#include <nlohmann/json.hpp>

namespace fleetcap::cli {

namespace {

void run_info(context& ctx)
{
  const auto b = query_backends();
  const auto chosen = backend_name(ctx.backend());
  if (ctx.options().json) {
    nlohmann::json j = {
        {"version", FLEETCAP_VERSION},
        {"backends", b.cuda_built ? nlohmann::json{"cpu", "cuda"} : nlohmann::json{"cpu"}},
        {"cpu_threads", b.cpu_threads},
        {"cuda_device_count", b.cuda_device_count},
        {"selected_backend", chosen},
        {"catalog", ctx.catalog().describe()},
    };
    // What does not apply (no CUDA build, no device) is absent, not null.
    if (b.cuda_built) {
      j["cuda_architectures"] = b.cuda_architectures;
    }
    if (!b.cuda_device_name.empty()) {
      j["cuda_device"] = b.cuda_device_name;
    }
    if (!b.cuda_status.empty()) {
      j["cuda_status"] = b.cuda_status;
    }
    ctx.out() << json_text(j);
    return;
  }
  auto& out = ctx.out();
  out << "fleetcap " << FLEETCAP_VERSION << "\n";
  out << "cpu backend:  built (Thrust OpenMP system, " << b.cpu_threads << " threads)\n";
  if (b.cuda_built) {
    out << "cuda backend: built for " << b.cuda_architectures << "; ";
    if (b.cuda_device_count > 0) {
      out << b.cuda_device_count << " device(s) visible, device 0: " << b.cuda_device_name << "\n";
    } else {
      out << "no device visible (" << b.cuda_status << ")\n";
    }
  } else {
    out << "cuda backend: not built\n";
  }
  out << "selected:     " << chosen << " (--backend " << ctx.options().backend << ")\n";
  out << "catalogue:    " << ctx.catalog().describe() << "\n";
}

}  // namespace

void setup_info(CLI::App& app, std::vector<std::pair<CLI::App*, command_runner>>& commands)
{
  auto* info = app.add_subcommand("info", "Backends built into this binary and the device visible");
  commands.emplace_back(info, [](context& ctx) { run_info(ctx); });
}

}  // namespace fleetcap::cli
