#pragma once
/// @file
/// @brief The two failure kinds of fleetcap and the checks that raise them.

#include <stdexcept>
#include <string>

namespace fleetcap {

/// @brief A run-time failure (a backend error, a write that failed): exit code 1.
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// @brief Bad input (a malformed file, a wrong field, an unknown id): exit code 2.
/// The message reads `FILE: /json/pointer: what is wrong` where a file is involved.
class input_error : public error {
 public:
  using error::error;
};

/// @brief Exit code the CLI uses for an exception of this kind.
int exit_code_for(const std::exception& e);

}  // namespace fleetcap

/// Throws fleetcap::input_error(msg) unless cond holds.
#define FC_EXPECTS(cond, msg)                    \
  do {                                           \
    if (!(cond)) {                               \
      throw ::fleetcap::input_error((msg));      \
    }                                            \
  } while (0)
