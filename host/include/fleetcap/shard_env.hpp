#pragma once
/// @file
/// @brief `--shard auto`: the shard index and count of an array job, read from the batch
/// engine's environment (Slurm job arrays, Kubernetes Indexed Jobs, AWS Batch array jobs).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace fleetcap {

struct shard_choice {
  std::uint64_t index = 0;
  std::uint64_t count = 1;
  std::string source;  ///< where it came from, e.g. "SLURM_ARRAY_TASK_ID=3 of SLURM_ARRAY_TASK_COUNT=64"
};

/// @brief Reads an environment variable; nullopt when unset.
using environment_lookup = std::function<std::optional<std::string>(const char*)>;

/// @brief The process environment (getenv).
environment_lookup process_environment();

/// @brief Resolves a --shard value: "K/N", "auto" or "auto/N" (N fixes the count; required for
/// Kubernetes and AWS Batch, whose environment does not hold it, and checked against Slurm's).
/// Slurm: index (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN) / SLURM_ARRAY_TASK_STEP, count
/// SLURM_ARRAY_TASK_COUNT (else from MIN, MAX and STEP); Kubernetes: JOB_COMPLETION_INDEX;
/// AWS Batch: AWS_BATCH_JOB_ARRAY_INDEX. @throws input_error when no engine's index is set,
/// when two are, when a value is not a whole number, or when the index is not below the count.
shard_choice resolve_shard(const std::string& text, const environment_lookup& env);

}  // namespace fleetcap
