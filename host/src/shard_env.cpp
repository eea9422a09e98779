// --shard auto (issue 11): the array index and count of a Slurm, Kubernetes or AWS Batch array
// job. The variables are documented by each engine:
// - Slurm sbatch(1), "OUTPUT ENVIRONMENT VARIABLES": SLURM_ARRAY_TASK_ID, _MIN, _MAX, _STEP,
//   _COUNT (https://slurm.schedmd.com/sbatch.html);
// - Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX, 0 .. completions - 1
//   (https://kubernetes.io/docs/concepts/workloads/controllers/job/#completion-mode);
// - AWS Batch array jobs: AWS_BATCH_JOB_ARRAY_INDEX, 0 .. size - 1
//   (https://docs.aws.amazon.com/batch/latest/userguide/array_jobs.html).
// Neither Kubernetes nor AWS Batch puts the count in the environment, so it is given: auto/N.

#include "fleetcap/shard_env.hpp"

#include <cstdlib>
#include <vector>

#include "detail/sweep_detail.hpp"
#include "fleetcap/error.hpp"
#include "fleetcap/sweep.hpp"

namespace fleetcap {

namespace {

// A whole number of at most 18 digits (below 2^63), or an input error naming the variable.
std::uint64_t whole(const std::string& name, const std::string& value)
{
  FC_EXPECTS(detail::is_shard_number(value),
             "--shard auto: " + name + "=\"" + detail::printable_echo(value) + "\" is not a whole number");
  return std::stoull(value);
}

}  // namespace

environment_lookup process_environment()
{
  return [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    return v == nullptr ? std::nullopt : std::optional<std::string>(v);
  };
}

shard_choice resolve_shard(const std::string& text, const environment_lookup& env)
{
  if (text != "auto" && text.rfind("auto/", 0) != 0) {
    const auto [k, n] = parse_shard(text);
    return {k, n, "--shard " + text};
  }
  std::optional<std::uint64_t> given;
  if (text.size() > 4) {
    given = whole("N in auto/N", text.substr(5));
    FC_EXPECTS(*given >= 1, "--shard auto/N: N must be at least 1");
  }
  const char* engines[] = {"SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"};
  std::vector<std::string> set;
  for (const char* e : engines) {
    if (env(e)) {
      set.push_back(e);
    }
  }
  FC_EXPECTS(!set.empty(), "--shard auto: no array index in the environment (SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or "
                           "AWS_BATCH_JOB_ARRAY_INDEX); run it as an array task or give --shard K/N");
  FC_EXPECTS(set.size() == 1, "--shard auto: both " + set[0] + " and " + set[1] + " are set; give --shard K/N");
  const std::string& engine = set[0];
  shard_choice c;
  if (engine == "SLURM_ARRAY_TASK_ID") {
    const auto var = [&](const char* name) -> std::optional<std::uint64_t> {
      const auto v = env(name);
      return v ? std::optional<std::uint64_t>(whole(name, *v)) : std::nullopt;
    };
    const std::uint64_t id = *var("SLURM_ARRAY_TASK_ID");
    const std::uint64_t min = var("SLURM_ARRAY_TASK_MIN").value_or(0);
    const std::uint64_t step = var("SLURM_ARRAY_TASK_STEP").value_or(1);
    FC_EXPECTS(step >= 1, "--shard auto: SLURM_ARRAY_TASK_STEP=0");
    FC_EXPECTS(id >= min && (id - min) % step == 0,
               "--shard auto: SLURM_ARRAY_TASK_ID=" + std::to_string(id) + " is not SLURM_ARRAY_TASK_MIN=" +
                   std::to_string(min) + " plus a multiple of SLURM_ARRAY_TASK_STEP=" + std::to_string(step));
    c.index = (id - min) / step;
    std::optional<std::uint64_t> count = var("SLURM_ARRAY_TASK_COUNT");
    if (!count) {
      const auto max = var("SLURM_ARRAY_TASK_MAX");
      if (max && *max >= min) {
        count = (*max - min) / step + 1;
      }
    }
    FC_EXPECTS(count || given, "--shard auto: Slurm sets SLURM_ARRAY_TASK_ID but neither SLURM_ARRAY_TASK_COUNT nor "
                               "SLURM_ARRAY_TASK_MAX; give the count: --shard auto/N");
    if (count && given) {
      FC_EXPECTS(*count == *given, "--shard auto/" + std::to_string(*given) + ": the Slurm array has " +
                                       std::to_string(*count) + " tasks");
    }
    c.count = count ? *count : *given;
    c.source = "SLURM_ARRAY_TASK_ID=" + std::to_string(id) + " (task " + std::to_string(c.index) + " of " +
               std::to_string(c.count) + ")";
  } else {
    c.index = whole(engine, *env(engine.c_str()));
    FC_EXPECTS(given, "--shard auto: " + engine + " is set, but " +
                          (engine == "JOB_COMPLETION_INDEX" ? std::string("a Kubernetes Indexed Job") : std::string("an AWS Batch array job")) +
                          " does not say how many tasks there are; give the count: --shard auto/N");
    c.count = *given;
    c.source = engine + "=" + std::to_string(c.index) + " (task " + std::to_string(c.index) + " of " +
               std::to_string(c.count) + ")";
  }
  FC_EXPECTS(c.count >= 1 && c.index < c.count, "--shard auto: " + c.source + ": the index is not below the count (an array "
                                                "whose indices are not 0 .. N-1, or a list such as --array=1,5,9?)");
  return c;
}

}  // namespace fleetcap
