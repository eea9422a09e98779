#pragma once
// Runs the CLI in-process and checks the one-line bad-input contract.

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app.hpp"

namespace fleetcap::test {

struct cli_output {
  int code;
  std::string out;
  std::string err;
};

inline cli_output run_fleetcap(std::vector<std::string> args)
{
  args.insert(args.begin(), "fleetcap");
  std::vector<char*> argv;
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  std::ostringstream out, err;
  const int code = cli::run(static_cast<int>(argv.size()), argv.data(), out, err);
  return {code, out.str(), err.str()};
}

// Exit 2, nothing on stdout, one line on stderr that contains `fragment`.
inline void expect_bad_input(const cli_output& r, const std::string& fragment)
{
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(r.err.rfind("fleetcap: error: ", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(fragment), std::string::npos) << r.err;
}

}  // namespace fleetcap::test

namespace fleetcap {
// The first null (or NaN or infinity, which print as null) in a JSON document, as a JSON
// pointer; "" when there is none (tests/cli/cli_test.cpp).
std::string first_null(const nlohmann::json& j, const std::string& at);
}  // namespace fleetcap
