#include "app.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <sstream>

#include "fleetcap/error.hpp"
#include "output.hpp"

namespace fleetcap::cli {

context::context(const global_options& options, std::ostream& out)
    : m_options(options), m_out(out)
{
}

const catalog_source& context::catalog()
{
  if (!m_catalog) {
    auto catalog = builtin_catalog();
    for (const auto& dir : m_options.catalog_dirs) {
      catalog = overlay_catalog(std::move(catalog), dir);
    }
    m_catalog = std::move(catalog);
  }
  return *m_catalog;
}

const std::vector<part_spec>& context::parts()
{
  if (!m_parts_loaded) {
    m_parts = load_specs(catalog());
    m_parts_loaded = true;
  }
  return m_parts;
}

const std::vector<rule>& context::rules()
{
  if (!m_rules_loaded) {
    m_rules = load_rules(catalog());
    std::vector<rule_override> overrides;
    for (const auto& text : m_options.rule_overrides) {
      const auto parsed = parse_rule_overrides(text);
      overrides.insert(overrides.end(), parsed.begin(), parsed.end());
    }
    apply_rule_overrides(m_rules, overrides);
    m_rules_loaded = true;
  }
  return m_rules;
}

const std::vector<fleet>& context::builtin_fleets()
{
  if (!m_fleets_loaded) {
    m_fleets = load_fleets(catalog(), parts());
    m_fleets_loaded = true;
  }
  return m_fleets;
}

fleet context::fleet_from(const std::string& path_or_id)
{
  std::error_code ec;
  if (std::filesystem::exists(path_or_id, ec)) {
    fleet f = load_fleet_file(path_or_id, parts());
    auto known = builtin_fleets();
    known.push_back(f);
    check_overlaps({f}, known);
    return f;
  }
  std::vector<std::string> ids;
  for (const auto& f : builtin_fleets()) {
    if (f.id == path_or_id) {
      return f;
    }
    ids.push_back(f.id);
  }
  const auto near = closest_ids(ids, path_or_id);
  std::string msg = path_or_id + ": no such file, and no catalogue fleet has this id";
  if (!near.empty()) {
    msg += " (closest: ";
    for (std::size_t i = 0; i < near.size(); ++i) {
      msg += (i ? ", " : "") + near[i];
    }
    msg += ")";
  }
  throw input_error(msg);
}

backend_kind context::backend() { return resolve_backend(parse_backend_choice(m_options.backend)); }

namespace {

std::string version_line()
{
  const auto b = query_backends();
  std::string line = std::string("fleetcap ") + FLEETCAP_VERSION + " (backends: cpu/openmp";
  if (b.cuda_built) {
    line += ", cuda [" + b.cuda_architectures + "]";
  }
  return line + ")";
}

}  // namespace

namespace {

// The CLI. With `rethrow`, a failure propagates as an exception (the Python module's way,
// which turns it into fleetcap.InputError or fleetcap.Error) instead of being printed to `err`
// as an exit code.
int run_app(int argc, char** argv, std::ostream& out, std::ostream& err, bool rethrow)
{
  global_options options;
  CLI::App app{"fleetcap: compute capacity, training time and threshold compliance of AI "
               "accelerator fleets",
               "fleetcap"};
  app.fallthrough();  // global options may follow the subcommand
  app.require_subcommand(0, 1);
  bool show_version = false;
  app.add_flag("--version", show_version, "Print the version and the backends built in");
  app.add_option("--catalog", options.catalog_dirs,
                 "Lay the specs/ and data/ folders under DIR over the built-in catalogue: a file adds a part, "
                 "fleet, rule, system... or replaces the built-in one of the same name (its id); repeatable")
      ->type_name("DIR")
      ->allow_extra_args(false);  // one folder per --catalog: never swallow the subcommand
  app.add_option("--rule", options.rule_overrides,
                 "What-if rule parameters, e.g. us-3a090-2023:b1_tpp_min=2000 (several: A=1,B=2; repeatable); "
                 "outputs mark the rule as changed")
      ->type_name("ID:PARAM=VALUE")
      ->allow_extra_args(false);
  app.add_flag("--json", options.json, "Machine-readable JSON output");
  app.add_option("--backend", options.backend, "Where kernels run: auto (CUDA if visible), cpu, cuda")
      ->type_name("auto|cpu|cuda");

  std::vector<std::pair<CLI::App*, command_runner>> commands;
  setup_report(app, commands);
  setup_fleet(app, commands);
  setup_comply(app, commands);
  setup_train(app, commands);
  setup_serve(app, commands);
  setup_calibrate(app, commands);
  setup_validate(app, commands);
  setup_sweep(app, commands);
  setup_bench(app, commands);
  setup_specs(app, commands);
  setup_info(app, commands);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    if (rethrow) {
      throw input_error(e.what());
    }
    err << "fleetcap: error: " << e.what() << "\nRun 'fleetcap --help' for usage.\n";
    return 2;
  }

  if (show_version) {
    out << version_line() << "\n";
    return 0;
  }
  for (auto& [command, runner] : commands) {
    if (command->parsed()) {
      std::ostringstream buffer;
      try {
        // Only these commands read rule thresholds; elsewhere a what-if would be silently ignored
        // (a sweep scenario takes thresholds as inputs).
        std::string name = command->get_name();
        for (const CLI::App* parent = command->get_parent(); parent && parent->get_parent(); parent = parent->get_parent()) {
          name = parent->get_name() + " " + name;  // "specs list"
        }
        FC_EXPECTS(options.rule_overrides.empty() || name == "comply" || name == "report" || name == "train",
                   "--rule applies to comply, report and train, not to " + name +
                       (name == "sweep" ? " (a compliance scenario takes thresholds as inputs: a1_tpp_min, b1_tpp_min, "
                                          "b2_pd_min, a2_pd_min)"
                                        : ""));
        context ctx(options, buffer);
        runner(ctx);
      } catch (const std::exception& e) {
        if (rethrow) {
          throw;
        }
        err << "fleetcap: error: " << e.what() << "\n";
        return exit_code_for(e);
      }
      out << buffer.str();
      out.flush();
      return 0;
    }
  }
  if (rethrow) {
    throw input_error("a command is required");
  }
  err << app.help() << "fleetcap: error: a command is required\n";
  return 2;
}

}  // namespace

int run(int argc, char** argv, std::ostream& out, std::ostream& err) { return run_app(argc, argv, out, err, false); }

void run_or_throw(const std::vector<std::string>& args, std::ostream& out)
{
  std::vector<std::string> copies;
  copies.reserve(args.size() + 1);
  copies.emplace_back("fleetcap");
  copies.insert(copies.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : copies) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  std::ostringstream unused;
  run_app(static_cast<int>(copies.size()), argv.data(), out, unused, true);
}

int run(int argc, char** argv) { return run(argc, argv, std::cout, std::cerr); }

}  // namespace fleetcap::cli
