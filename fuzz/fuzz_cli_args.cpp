// Command lines: the input split on '\0' or '\n' into arguments, run through the CLI
// (fleetcap::cli::run) with its output captured in memory.
//
// The CLI has no parse-only entry: run() parses and then runs the command. So only commands
// that are cheap and write no file run here; an input that names another is skipped:
//   - sweep, merge, calibrate, bench, train --search: long grid searches, and --out / --rows
//     write files;
//   - an argument naming /dev, /proc or /sys: reading /dev/zero or a pipe never ends;
//   - --samples above 100,000: Monte Carlo time grows with it and would read as a hang.
// run() turns every exception of a command into an exit code (2 for input_error, 1 for
// anything else). Exit code 1 is therefore a finding (the harness aborts with the message),
// except the one run-time error this machine legitimately gives: --backend cuda without a
// device.

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz_util.hpp"
#include "host/cli/app.hpp"

namespace {

constexpr std::size_t max_arguments = 64;

std::vector<std::string> split_arguments(const std::string& text)
{
  std::vector<std::string> args;
  std::string current;
  for (const char c : text) {
    if (c == '\0' || c == '\n') {
      args.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) {
    args.push_back(current);  // a final separator adds no empty argument
  }
  return args;
}

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// Whether a command line stays within what this target runs (see the file comment).
bool allowed(const std::vector<std::string>& args)
{
  if (args.size() > max_arguments) {
    return false;
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "sweep" || a == "merge" || a == "calibrate" || a == "bench" || starts_with(a, "--search") ||
        starts_with(a, "--out") || starts_with(a, "--rows")) {
      return false;
    }
    if (a.find("/dev") != std::string::npos || a.find("/proc") != std::string::npos ||
        a.find("/sys") != std::string::npos) {
      return false;
    }
    if (starts_with(a, "--samples")) {
      const std::string value = a.size() > 10 && a[9] == '=' ? a.substr(10) : (i + 1 < args.size() ? args[i + 1] : "");
      // strtod reads more than CLI11 accepts (hex, inf); a value it cannot read is left to CLI11.
      const double n = std::strtod(value.c_str(), nullptr);
      if (!(n <= 100000.0)) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  auto args = split_arguments(fleetcap::fuzz::text_of(data, size));
  if (!allowed(args)) {
    return 0;
  }
  std::vector<char*> argv;
  static char program[] = "fleetcap";
  argv.push_back(program);
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  std::ostringstream out, err;
  const int code = fleetcap::cli::run(static_cast<int>(argv.size() - 1), argv.data(), out, err);
  if (code == 1 && err.str().find("--backend cuda: no usable CUDA device") == std::string::npos) {
    std::fprintf(stderr, "fuzz_cli_args: exit code 1 (an exception other than input_error):\n%s", err.str().c_str());
    std::abort();
  }
  return 0;
}
