#pragma once
/// @file
/// @brief Backend choice: the CUDA device when one is visible, else the CPU (OpenMP).

#include <string>

namespace fleetcap {

enum class backend_kind { cpu, cuda };
enum class backend_choice { automatic, cpu, cuda };

/// @brief Parses "auto", "cpu" or "cuda". @throws input_error otherwise.
backend_choice parse_backend_choice(const std::string& text);

/// @brief Resolves a choice against what is built and visible.
/// @throws error when `cuda` is asked for and not built or no device is visible.
backend_kind resolve_backend(backend_choice choice);

const char* backend_name(backend_kind kind);

/// @brief What this binary carries and sees, for `fleetcap info` and benchmarks.
struct backend_report {
  bool cuda_built = false;
  std::string cuda_architectures;
  int cuda_device_count = 0;
  std::string cuda_device_name;
  std::string cuda_status;
  int cpu_threads = 0;  ///< OpenMP threads the CPU backend will use
};

backend_report query_backends();

}  // namespace fleetcap
