#pragma once
// Helpers shared by the tests: reading source files and checking error messages.

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "fleetcap/error.hpp"

namespace fleetcap::test {

inline std::string read_source_file(const std::string& relative)
{
  std::ifstream in(std::string(FLEETCAP_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs f, expects fleetcap::input_error, returns its message ("" and a failure otherwise).
inline std::string input_error_message(const std::function<void()>& f)
{
  try {
    f();
  } catch (const input_error& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected input_error, got another exception: " << e.what();
    return "";
  }
  ADD_FAILURE() << "expected input_error, nothing was thrown";
  return "";
}

}  // namespace fleetcap::test
