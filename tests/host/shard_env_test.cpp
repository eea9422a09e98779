// --shard auto: the array index and count from Slurm, Kubernetes Indexed Jobs and AWS Batch
// (variables as each engine documents them; see host/src/shard_env.cpp), and what is refused.

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "fleetcap/shard_env.hpp"
#include "test_util.hpp"

namespace fleetcap {
namespace {

environment_lookup fake(std::map<std::string, std::string> vars)
{
  return [vars](const char* name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

std::string refusal(const std::string& text, std::map<std::string, std::string> vars)
{
  return test::input_error_message([&] { resolve_shard(text, fake(vars)); });
}

TEST(shard_env, explicit_k_of_n_ignores_the_environment)
{
  const auto c = resolve_shard("3/8", fake({{"SLURM_ARRAY_TASK_ID", "5"}}));
  EXPECT_EQ(c.index, 3u);
  EXPECT_EQ(c.count, 8u);
}

TEST(shard_env, slurm_array)
{
  // sbatch --array=0-63: ID 17 of COUNT 64.
  auto c = resolve_shard("auto", fake({{"SLURM_ARRAY_TASK_ID", "17"}, {"SLURM_ARRAY_TASK_MIN", "0"},
                                       {"SLURM_ARRAY_TASK_MAX", "63"}, {"SLURM_ARRAY_TASK_COUNT", "64"}}));
  EXPECT_EQ(c.index, 17u);
  EXPECT_EQ(c.count, 64u);
  EXPECT_NE(c.source.find("SLURM_ARRAY_TASK_ID=17"), std::string::npos);
  // --array=1-16: indices shift to 0-based.
  c = resolve_shard("auto", fake({{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_MIN", "1"}, {"SLURM_ARRAY_TASK_MAX", "16"},
                                  {"SLURM_ARRAY_TASK_COUNT", "16"}}));
  EXPECT_EQ(c.index, 0u);
  EXPECT_EQ(c.count, 16u);
  // --array=0-30:10 (0, 10, 20, 30): STEP 10, COUNT 4; without COUNT, from MIN, MAX, STEP.
  c = resolve_shard("auto", fake({{"SLURM_ARRAY_TASK_ID", "20"}, {"SLURM_ARRAY_TASK_MIN", "0"}, {"SLURM_ARRAY_TASK_MAX", "30"},
                                  {"SLURM_ARRAY_TASK_STEP", "10"}}));
  EXPECT_EQ(c.index, 2u);
  EXPECT_EQ(c.count, 4u);
  // auto/N agrees with Slurm's count or is refused.
  EXPECT_EQ(resolve_shard("auto/64", fake({{"SLURM_ARRAY_TASK_ID", "3"}, {"SLURM_ARRAY_TASK_COUNT", "64"}})).count, 64u);
  EXPECT_NE(refusal("auto/32", {{"SLURM_ARRAY_TASK_ID", "3"}, {"SLURM_ARRAY_TASK_COUNT", "64"}}).find("has 64 tasks"),
            std::string::npos);
  // A list such as --array=1,5,9: MIN 1, COUNT 3, ID 9 -> index 8, not below 3.
  EXPECT_NE(refusal("auto", {{"SLURM_ARRAY_TASK_ID", "9"}, {"SLURM_ARRAY_TASK_MIN", "1"}, {"SLURM_ARRAY_TASK_COUNT", "3"}})
                .find("not below the count"),
            std::string::npos);
  EXPECT_NE(refusal("auto", {{"SLURM_ARRAY_TASK_ID", "x7"}, {"SLURM_ARRAY_TASK_COUNT", "8"}}).find("SLURM_ARRAY_TASK_ID=\"x7\" is not a whole number"),
            std::string::npos);
  EXPECT_NE(refusal("auto", {{"SLURM_ARRAY_TASK_ID", "3"}}).find("--shard auto/N"), std::string::npos);
}

TEST(shard_env, kubernetes_indexed_job_needs_the_count)
{
  const auto c = resolve_shard("auto/16", fake({{"JOB_COMPLETION_INDEX", "15"}}));
  EXPECT_EQ(c.index, 15u);
  EXPECT_EQ(c.count, 16u);
  EXPECT_NE(refusal("auto", {{"JOB_COMPLETION_INDEX", "2"}}).find("Kubernetes Indexed Job does not say how many"),
            std::string::npos);
  EXPECT_NE(refusal("auto/16", {{"JOB_COMPLETION_INDEX", "16"}}).find("not below the count"), std::string::npos);
  EXPECT_NE(refusal("auto/16", {{"JOB_COMPLETION_INDEX", "-1"}}).find("is not a whole number"), std::string::npos);
}

TEST(shard_env, aws_batch_array)
{
  const auto c = resolve_shard("auto/100", fake({{"AWS_BATCH_JOB_ARRAY_INDEX", "42"}}));
  EXPECT_EQ(c.index, 42u);
  EXPECT_EQ(c.count, 100u);
  EXPECT_NE(refusal("auto", {{"AWS_BATCH_JOB_ARRAY_INDEX", "1"}}).find("AWS Batch array job"), std::string::npos);
}

TEST(shard_env, none_or_two_engines_are_refused)
{
  EXPECT_NE(refusal("auto", {}).find("no array index in the environment"), std::string::npos);
  EXPECT_NE(refusal("auto/4", {{"SLURM_ARRAY_TASK_ID", "1"}, {"JOB_COMPLETION_INDEX", "1"}}).find("both"), std::string::npos);
  EXPECT_NE(refusal("auto/0", {{"JOB_COMPLETION_INDEX", "0"}}).find("--shard"), std::string::npos);
  EXPECT_NE(refusal("auto/x", {{"JOB_COMPLETION_INDEX", "0"}}).find("--shard"), std::string::npos);
}

}  // namespace
}  // namespace fleetcap
