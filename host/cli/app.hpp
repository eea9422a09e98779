#pragma once
// The command line: global options, subcommand registration, error reporting.

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "fleetcap/backend.hpp"
#include "fleetcap/catalog.hpp"
#include "fleetcap/fleet.hpp"
#include "fleetcap/rules.hpp"

namespace CLI {
class App;
}

namespace fleetcap::cli {

// Options every command takes.
struct global_options {
  std::vector<std::string> catalog_dirs;  // laid over the built-in catalogue in order (--catalog)
  std::vector<std::string> rule_overrides;  // --rule ID:PARAMETER=VALUE[,...], applied in order
  bool json = false;
  std::string backend = "auto";
};

// What a command runs with: the options, the catalogue (loaded once, on first use) and the
// stream it writes to. Output is buffered and printed only when the command succeeds, so a
// failure leaves nothing half-written on stdout.
class context {
 public:
  explicit context(const global_options& options, std::ostream& out);
  const global_options& options() const { return m_options; }
  std::ostream& out() { return m_out; }
  const catalog_source& catalog();
  const std::vector<part_spec>& parts();
  const std::vector<rule>& rules();
  const std::vector<fleet>& builtin_fleets();
  // A fleet from a file path or, when no such file exists, a catalogue fleet id.
  fleet fleet_from(const std::string& path_or_id);
  backend_kind backend();

 private:
  const global_options& m_options;
  std::ostream& m_out;
  std::unique_ptr<catalog_source> m_catalog;
  std::vector<part_spec> m_parts;
  bool m_parts_loaded = false;
  std::vector<rule> m_rules;
  bool m_rules_loaded = false;
  std::vector<fleet> m_fleets;
  bool m_fleets_loaded = false;
};

// Runs the CLI; returns the exit code (0 ok, 1 run-time failure, 2 bad input). Writes the
// command's output to `out` and errors to `err`.
int run(int argc, char** argv, std::ostream& out, std::ostream& err);
int run(int argc, char** argv);
// The same with the arguments after the program name, for the Python module: writes the
// output to `out` only on success; a failure throws (input_error for bad input or options,
// error for run-time failures) and writes nothing.
void run_or_throw(const std::vector<std::string>& args, std::ostream& out);

// One setup function per subcommand (cmd_<name>.cpp). Each registers its options and a
// callback that runs it against the context.
using command_runner = std::function<void(context&)>;
void setup_specs(CLI::App& app, std::vector<std::pair<CLI::App*, command_runner>>& commands);
void setup_info(CLI::App& app, std::vector<std::pair<CLI::App*, command_runner>>& commands);
void setup_comply(CLI::App& app, std::vector<std::pair<CLI::App*, command_runner>>& commands);
void setup_fleet(CLI::App& app, std::vector<std::pair<CLI::App*, command_runner>>& commands);
void setup_train(CLI::App& app, std::vector<std::pair<CLI::App*, command_runner>>& commands);
void setup_calibrate(CLI::App& app, std::vector<std::pair<CLI::App*, command_runner>>& commands);
void setup_sweep(CLI::App& app, std::vector<std::pair<CLI::App*, command_runner>>& commands);
void setup_bench(CLI::App& app, std::vector<std::pair<CLI::App*, command_runner>>& commands);
void setup_report(CLI::App& app, std::vector<std::pair<CLI::App*, command_runner>>& commands);
void setup_serve(CLI::App& app, std::vector<std::pair<CLI::App*, command_runner>>& commands);
void setup_validate(CLI::App& app, std::vector<std::pair<CLI::App*, command_runner>>& commands);

// `calibrate --serving`, in cmd_calibrate_serving.cpp.
void run_calibrate_serving(context& ctx, const std::string& sets, const std::string& part, const std::string& out);
// `comply --fleet`, in cmd_comply_fleet.cpp.
void run_comply_fleet(context& ctx, const std::vector<std::string>& files, const std::vector<rule>& rules,
                      const std::vector<const rule*>& selected, const date& today);

}  // namespace fleetcap::cli
