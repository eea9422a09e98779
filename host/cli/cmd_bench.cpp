// `fleetcap bench`: throughput of each evaluator on each backend built in, with the build type,
// thread count and device, and (--numpy) the NumPy reference for the simple training grid
// measured in the same run, as a ratio. A benchmark: it prints numbers and never fails on time.

#include <CLI/CLI.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "app.hpp"
#include "fleetcap/capacity.hpp"
#include "fleetcap/error.hpp"
#include "fleetcap/format.hpp"
#include "fleetcap/sweep.hpp"
#include "output.hpp"

namespace fleetcap::cli {

namespace {

struct bench_options {
  bool numpy = false;
  int repeats = 3;
};

double seconds_since(std::chrono::steady_clock::time_point t)
{
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// Best of `repeats` runs of f(), in seconds.
template <typename F>
double best_time(int repeats, F f)
{
  double best = 1e300;
  for (int i = 0; i < repeats; ++i) {
    const auto t = std::chrono::steady_clock::now();
    f();
    best = std::min(best, seconds_since(t));
  }
  return best;
}

double numpy_points_per_s(std::string& version)
{
  const std::string script = std::string(FLEETCAP_SOURCE_DIR) + "/benchmarks/numpy_training_grid.py";
  FC_EXPECTS(std::filesystem::exists(script), "--numpy: " + script + " not found (run from a source build)");
  const std::string command = "/usr/bin/python3 " + script + " --json";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  FC_EXPECTS(pipe != nullptr, "--numpy: cannot run " + command);
  std::string text;
  std::array<char, 4096> buffer{};
  while (fgets(buffer.data(), buffer.size(), pipe.get()) != nullptr) {
    text += buffer.data();
  }
  try {
    const auto j = nlohmann::json::parse(text);
    version = j.at("numpy").get<std::string>();
    return j.at("points_per_s").get<double>();
  } catch (const std::exception&) {
    throw error("--numpy: the NumPy reference failed (needs Debian's python3-numpy): " + command);
  }
}

// The machine, for the record: /proc/cpuinfo's model name ("unknown" elsewhere).
std::string cpu_model_name()
{
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0 && line.find(':') != std::string::npos) {
      return line.substr(line.find(':') + 2);
    }
  }
  return "unknown";
}

// Which clone of the CPU sweep loop runs here: GCC's resolver picks the first the CPU
// supports, in this order (kernels/sweep_block_fold.cuh), and the block fold runs 8 lanes with
// AVX-512 (x86-64-v4), else 4.
std::string cpu_vector_code()
{
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512cd") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")) {
    return "x86-64-v4, 8-lane fold";
  }
  if (__builtin_cpu_supports("avx2")) {
    return "avx2, 4-lane fold";
  }
  return "x86-64 baseline, 4-lane fold as SSE2 pairs";
#else
  return "baseline, point fold";
#endif
}

void run_bench(context& ctx, const bench_options& o)
{
  FC_EXPECTS(o.repeats >= 1, "--repeats: expected at least 1");
  const auto info = query_backends();
  std::vector<backend_kind> backends = {backend_kind::cpu};
  if (info.cuda_built && info.cuda_device_count > 0) {
    backends.push_back(backend_kind::cuda);
  }
  const auto& parts = ctx.parts();
  nlohmann::json rows = nlohmann::json::array();
  text_table t({"kernel", "backend", "items", "best s", "items/s", "per CPU thread"}, {false, false, true, true, true, true});
  const double threads = static_cast<double>(std::max(1, info.cpu_threads));
  const auto record = [&](const std::string& kernel, backend_kind b, double items, double seconds, const char* unit) {
    const bool cpu = b == backend_kind::cpu;
    t.add_row({kernel, backend_name(b), format_compact(items), format_number(seconds, 4),
               format_compact(items / seconds) + " " + unit, cpu ? format_compact(items / seconds / threads) : "-"});
    nlohmann::json row = {{"kernel", kernel}, {"backend", backend_name(b)}, {"items", json_count(items)}, {"seconds", seconds},
                          {"items_per_s", items / seconds}, {"unit", unit}};
    if (cpu) {
      row["items_per_s_per_thread"] = items / seconds / threads;
    }
    rows.push_back(row);
  };
  double training_cpu = 0.0;
  const auto sweep = [&](const std::string& label, const sweep_plan& plan) {
    for (auto b : backends) {
      const double s = best_time(o.repeats, [&] { run_sweep(b, plan, 0, 1, std::uint64_t{1} << 24); });
      const char* unit = plan.evaluator == "layout" ? "layouts/s" : plan.evaluator == "serving" ? "configs/s" : "points/s";
      record("sweep " + label, b, static_cast<double>(plan.total_points), s, unit);
      if (label == "training-grid minima" && b == backend_kind::cpu) {
        training_cpu = static_cast<double>(plan.total_points) / s;
      }
    }
  };
  for (const char* id : {"training-grid", "layout-22b-64", "h20-design-space", "serving-grid"}) {
    const auto plan = load_scenario(id, ctx.catalog(), parts);
    sweep(id, plan);
    if (std::string(id) == "h20-design-space") {
      // The same compliance map 20x denser along dense TOPS (24 M points): the shipped one is
      // small enough (1.2 M) that planning its five groups' quantile bins (a sample of 8,192
      // kept points each, about 16 k evaluated in batches, then sorted) is most of its time.
      auto j = plan.scenario;
      for (auto& axis : j.at("axes")) {
        if (axis.at("name") == "dense_tops") {
          axis["log"]["count"] = axis["log"]["count"].get<int>() * 20;
        }
      }
      sweep("h20-design-space x20", parse_scenario({plan.origin, j.dump()}, ctx.catalog(), parts));
    }
    if (std::string(id) == "training-grid") {
      // What the NumPy reference computes: the grid's minimum among points that fit and three
      // counts (fleetcap also keeps the argmin, the maximum and the mean); no histogram.
      auto j = plan.scenario;
      j.erase("histogram");
      sweep("training-grid minima", parse_scenario({plan.origin, j.dump()}, ctx.catalog(), parts));
    }
  }
  // Fleet Monte Carlo over every built-in inventory.
  {
    const auto metrics = evaluate_parts(backend_kind::cpu, parts);
    const auto holdings = resolve_holdings(ctx.builtin_fleets(), parts);
    capacity_options co;
    const auto groups = aggregate_capacity(holdings, parts, metrics, co);
    const monte_carlo_options mc{200000, 1, mc_distribution::triangular};
    for (auto b : backends) {
      const double s = best_time(o.repeats, [&] {
        monte_carlo_capacity(b, holdings, parts, metrics, groups, co, mc_metric::h100e, mc);
      });
      record("monte-carlo fleets (" + std::to_string(holdings.size()) + " holdings)", b, static_cast<double>(mc.samples), s,
             "samples/s");
    }
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const std::string cpu_model = cpu_model_name();
  const std::string vector_code = cpu_vector_code();
  nlohmann::json j = {{"version", FLEETCAP_VERSION}, {"build_type", FLEETCAP_BUILD_TYPE}, {"cpu_threads", info.cpu_threads},
                      {"cpu_model", cpu_model}, {"cpu_vector_code", vector_code},
                      {"results", rows}, {"peak_rss_bytes", json_count(static_cast<double>(usage.ru_maxrss) * 1024.0)}};
  if (info.cuda_device_count > 0) {
    j["cuda_device"] = info.cuda_device_name;  // absent without a device, not null
  }
  std::string numpy_version;
  double numpy = 0.0;
  if (o.numpy) {
    numpy = numpy_points_per_s(numpy_version);
    j["numpy"] = {{"version", numpy_version},
                  {"points_per_s", numpy},
                  {"ratio_cpu_over_numpy", training_cpu / numpy},
                  {"ratio_per_thread_over_numpy", training_cpu / threads / numpy}};
  }
  if (ctx.options().json) {
    ctx.out() << json_text(j);
    return;
  }
  auto& out = ctx.out();
  out << "fleetcap " << FLEETCAP_VERSION << " bench: build " << FLEETCAP_BUILD_TYPE << ", " << info.cpu_threads
      << " CPU threads (" << cpu_model << ", vector code " << vector_code
      << "), CUDA device: " << (info.cuda_device_count > 0 ? info.cuda_device_name : "none") << "; best of " << o.repeats
      << "\n\n";
  t.print(out);
  out << "peak RSS " << format_number(static_cast<double>(usage.ru_maxrss) / 1024.0, 1) << " MiB\n";
  if (o.numpy) {
    out << "NumPy " << numpy_version << " reference (one core), training grid, minima and counts: " << format_compact(numpy)
        << " points/s; fleetcap CPU (training-grid minima) / NumPy = " << format_number(training_cpu / numpy, 2)
        << "x, per CPU thread " << format_number(training_cpu / threads / numpy, 2) << "x\n";
  }
}

}  // namespace

void setup_bench(CLI::App& app, std::vector<std::pair<CLI::App*, command_runner>>& commands)
{
  auto o = std::make_shared<bench_options>();
  auto* cmd = app.add_subcommand("bench", "Throughput of each evaluator on each backend");
  cmd->add_flag("--numpy", o->numpy, "Also run the NumPy reference (benchmarks/) and print the ratio");
  cmd->add_option("--repeats", o->repeats, "Runs per measurement (best is reported)");
  commands.emplace_back(cmd, [o](context& ctx) { run_bench(ctx, *o); });
}

}  // namespace fleetcap::cli
