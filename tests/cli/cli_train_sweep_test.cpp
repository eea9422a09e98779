// `train`, `calibrate`, `sweep` and `merge` run in-process: JSON fields, exit codes, files.

#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "app.hpp"
#include "cli_run.hpp"
#include "test_util.hpp"

namespace fleetcap {
namespace {

using cli_result = test::cli_output;

cli_result run_cli(std::vector<std::string> args) { return test::run_fleetcap(std::move(args)); }

void expect_input_error(const cli_result& r, const std::string& fragment)
{
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(fragment), std::string::npos) << r.err;
}

TEST(cli_train, level_1_json_fields)
{
  const auto r = run_cli({"train", "--params", "405e9", "--tokens", "15.6e12", "--part", "h100-sxm", "--chips", "16384",
                          "--mfu", "0.4", "--usd-per-gpu-hour", "2", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"flops", "seconds", "days", "gpu_hours", "energy_joules", "cost_usd"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_NEAR(j["flops"].get<double>(), 3.79e25, 0.01e25);  // Llama 3 405B: ~3.8e25
  // seconds = 6ND / (16384 x 989.5e12 x 0.4)
  EXPECT_NEAR(j["seconds"].get<double>(), 6 * 405e9 * 15.6e12 / (16384 * 989.5e12 * 0.4), 1.0);
  EXPECT_DOUBLE_EQ(j["cost_usd"].get<double>(), j["gpu_hours"].get<double>() * 2);
  // Rules come in in-force order; the EU AI Act's Art. 51 applies from 2025-08-02, after the
  // diffusion rule, so look it up by id.
  EXPECT_TRUE(std::any_of(j["thresholds"].begin(), j["thresholds"].end(),
                          [](const nlohmann::json& t) { return t["rule"] == "eu-ai-act-2024"; }));
}

TEST(cli_train, level_2_layout_json_fields)
{
  const auto r = run_cli({"train", "--model", "gpt3-175b", "--system", "dgx-a100-selene-2021", "--chips", "1024", "--tp", "8",
                          "--pp", "8", "--global-batch", "1536", "--recompute", "full", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"step_seconds", "mfu", "memory_bytes", "fits"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  double parts = 0.0;
  for (const char* key : {"weights", "gradients", "optimizer", "activations"}) {
    ASSERT_TRUE(j["memory_breakdown_bytes"].contains(key)) << key;
    parts += j["memory_breakdown_bytes"][key].get<double>();
  }
  EXPECT_NEAR(j["memory_bytes"].get<double>(), parts, 1e-6 * parts);  // per device: the parts add up
  EXPECT_TRUE(j["fits"].get<bool>());
  EXPECT_GT(j["mfu"].get<double>(), 0.2);
  EXPECT_LT(j["mfu"].get<double>(), 0.6);
}

TEST(cli_train, search_lists_layouts_that_fit)
{
  const auto r = run_cli({"train", "--model", "gpt3-175b", "--system", "dgx-a100-selene-2021", "--chips", "1024",
                          "--global-batch", "1536", "--search", "--top", "3", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["top"].size(), 3u);
  EXPECT_EQ(j["batch_policy"], "exact");
  EXPECT_GE(j["top"][0]["samples_per_second"].get<double>(), j["top"][1]["samples_per_second"].get<double>());
  EXPECT_LE(j["top"][0]["memory_bytes"].get<double>(), 80e9);
  // Layouts come back with names, ready to feed to `train` again.
  EXPECT_TRUE(j["top"][0]["layout"]["recompute"].is_string());
  EXPECT_TRUE(j["top"][0]["layout"]["sequence_parallel"].is_boolean());
  EXPECT_EQ(j["top"][0]["layout"]["global_batch"].get<double>(), 1536);
}

// Calculon's own search example (Isaev et al. 2023): GPT-3 175B on 5,128 A100s with a global
// batch of 2,520. No dp from 5,128 divides 2,520, so the batch rounds down to a multiple of
// micro-batch x dp per layout, as Calculon does; its best layout is tp 8, pp 1, dp 641 at
// batch 1,923 (micro-batch 3), and so is ours.
TEST(cli_train, search_rounds_the_batch_when_nothing_divides_it)
{
  const auto r = run_cli({"train", "--model", "gpt3-175b", "--system", "dgx-a100-selene-2022", "--chips", "5128",
                          "--global-batch", "2520", "--precision", "fp16", "--search", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["batch_policy"], "round-down");
  const auto& best = j["top"][0]["layout"];
  EXPECT_EQ(best["tp"].get<double>(), 8);
  EXPECT_EQ(best["pp"].get<double>(), 1);
  EXPECT_EQ(best["dp"].get<double>(), 641);
  EXPECT_EQ(best["global_batch"].get<double>(), 1923);
  EXPECT_GT(j["not_usable"]["micro-batch x dp does not divide the global batch"].get<double>(), 0);
  // Asked for exactly, nothing is valid, and the error says why.
  const auto exact = run_cli({"train", "--model", "gpt3-175b", "--system", "dgx-a100-selene-2022", "--chips", "5128",
                              "--global-batch", "2520", "--search", "--batch-policy", "exact"});
  expect_input_error(exact, "micro-batch x dp does not divide the global batch");
}

// Each flag mix that used to be silently reinterpreted is now refused or answered.
TEST(cli_train, shape_flags_are_never_silently_reinterpreted)
{
  const std::vector<std::string> gpt3 = {"train", "--part", "a100-sxm4-80gb", "--chips", "1024", "--layers", "96",
                                         "--hidden", "12288", "--heads", "96", "--ffn", "49152", "--seq", "2048",
                                         "--vocab", "51200", "--tokens", "300e9", "--mfu", "0.4"};
  // GPT-3 given without --mlp used to become SwiGLU with 233 B parameters.
  expect_input_error(run_cli(gpt3), "a shape needs --mlp gelu or --mlp swiglu");
  auto gelu = gpt3;
  gelu.insert(gelu.end(), {"--mlp", "gelu", "--json"});
  const auto r = run_cli(gelu);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NEAR(nlohmann::json::parse(r.out)["parameters"].get<double>(), 175e9, 2e9);
  // --model takes its whole shape from its file.
  expect_input_error(run_cli({"train", "--model", "gpt3-175b", "--layers", "48", "--part", "a100-sxm4-80gb", "--chips",
                              "8", "--mfu", "0.4"}),
                     "--layers cannot be combined with it");
  expect_input_error(run_cli({"train", "--model", "gpt3-175b", "--mlp", "swiglu", "--part", "a100-sxm4-80gb", "--chips",
                              "8", "--mfu", "0.4"}),
                     "--mlp, --experts, --top-k, --shared-experts, --dense-layers, --dense-ffn and --tied-embeddings cannot be combined with it");
  // --flops with a shape: the tokens follow from the shape's FLOPs per token.
  const auto f = run_cli({"train", "--model", "gpt3-175b", "--flops", "3.14e23", "--system", "dgx-a100-selene-2022",
                          "--chips", "1024", "--tp", "8", "--pp", "8", "--global-batch", "1536", "--recompute", "full",
                          "--json"});
  ASSERT_EQ(f.code, 0) << f.err;
  EXPECT_DOUBLE_EQ(nlohmann::json::parse(f.out)["flops"].get<double>(), 3.14e23);
  // Issue 12: "--years nan" read as "not given" and was silently ignored.
  for (const char* v : {"nan", "inf", "-Infinity"}) {
    const auto r = run_cli({"train", "--params", "1e9", "--tokens", "1e12", "--part", "h100-sxm", "--chips", "8", "--mfu",
                            "0.4", "--years", v});
    EXPECT_EQ(r.code, 2) << v;
    EXPECT_NE(r.err.find("--years: expected a finite number"), std::string::npos) << r.err;
  }
  // --years on a part without a price names the missing price, not the flags.
  expect_input_error(run_cli({"train", "--params", "1e9", "--tokens", "1e12", "--part", "ascend-910b", "--chips", "8",
                              "--mfu", "0.4", "--precision", "fp16", "--years", "4"}),
                     "--years: ascend-910b has no price");
}

TEST(cli_train, bad_layouts_name_the_constraint)
{
  const std::vector<std::string> base = {"train", "--model", "gpt3-175b", "--system", "dgx-a100-selene-2021", "--chips", "1024"};
  auto with = [&](std::vector<std::string> extra) {
    auto args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return run_cli(args);
  };
  expect_input_error(with({"--tp", "8", "--pp", "8", "--dp", "15", "--global-batch", "1536"}), "not the chip count 1,024");
  expect_input_error(with({"--tp", "7", "--global-batch", "1536"}), "chips 1,024 are not divisible by tp x pp = 7");
  expect_input_error(with({"--tp", "3", "--dp", "1", "--pp", "1", "--global-batch", "1536"}), "not the chip count");
  expect_input_error(with({"--tp", "8", "--pp", "5", "--dp", "25", "--global-batch", "1600"}), "tp x pp x dp");
  expect_input_error(with({"--tp", "8", "--pp", "8", "--global-batch", "1000"}), "global batch 1,000 is not divisible");
  expect_input_error(with({"--mfu", "1.5"}), "--mfu: expected a fraction in (0, 1]");
  expect_input_error(with({"--tokens", "0", "--mfu", "0.4"}), "--tokens: expected a positive finite number");
  expect_input_error(run_cli({"train", "--params", "1e9", "--tokens", "1e12", "--part", "h20", "--chips", "8", "--mfu", "0.4",
                              "--precision", "fp4"}),
                     "h20 has no published dense fp4 peak");
}

TEST(cli_calibrate, writes_a_system_file_atomically)
{
  const auto path = std::filesystem::temp_directory_path() / "fleetcap_calibrated.json";
  std::filesystem::remove(path);
  const auto r = run_cli({"calibrate", "megatron-selene-2021", "--out", path.string(), "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(first_null(j, ""), "");  // issue 12: never a null in place of a number
  EXPECT_LE(j["fit_mean_error"].get<double>(), 0.03);
  EXPECT_TRUE(j.contains("held_out_model_mean_error"));
  nlohmann::json written;
  {
    std::ifstream in(path);
    written = nlohmann::json::parse(in);
  }
  EXPECT_EQ(written["part"], "a100-sxm4-80gb");
  EXPECT_EQ(written["id"], "fleetcap_calibrated");  // the file's own name: it loads as a system file
  EXPECT_TRUE(written["efficiency"].contains("scale_out_collective"));
  // The written file works directly as --system FILE.
  const auto t = run_cli({"train", "--model", "gpt3-175b", "--system", path.string(), "--chips", "1024", "--tp", "8",
                          "--pp", "8", "--global-batch", "1536", "--recompute", "full", "--json"});
  ASSERT_EQ(t.code, 0) << t.err;
  EXPECT_EQ(nlohmann::json::parse(t.out)["system"], "fleetcap_calibrated");
  std::filesystem::remove(path);
}

TEST(cli_sweep, shards_files_and_merge)
{
  const auto dir = std::filesystem::temp_directory_path() / "fleetcap_shards";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::vector<std::string> files;
  for (int k = 0; k < 3; ++k) {
    const auto f = (dir / ("part" + std::to_string(k) + ".json")).string();
    const auto r = run_cli({"sweep", "layout-22b-64", "--shard", std::to_string(k) + "/3", "--out", f});
    ASSERT_EQ(r.code, 0) << r.err;
    files.push_back(f);
  }
  std::vector<std::string> merge = {"merge"};
  merge.insert(merge.end(), files.begin(), files.end());
  merge.push_back("--json");
  const auto merged = nlohmann::json::parse(run_cli(merge).out);
  const auto whole = nlohmann::json::parse(run_cli({"sweep", "layout-22b-64", "--json"}).out);
  ASSERT_EQ(merged["groups"].size(), whole["groups"].size());
  for (std::size_t g = 0; g < whole["groups"].size(); ++g) {
    EXPECT_EQ(merged["groups"][g]["min"], whole["groups"][g]["min"]);
    EXPECT_EQ(merged["groups"][g]["argmin"], whole["groups"][g]["argmin"]);
    EXPECT_EQ(merged["groups"][g]["counts"], whole["groups"][g]["counts"]);
  }
  // Missing shard, and a shard of another scenario.
  expect_input_error(run_cli({"merge", files[0], files[1]}), "is one of 3 shards, but 2 files were given");
  // A shard edited after it was written fails its own content digest.
  {
    nlohmann::json doc;
    {
      std::ifstream in(files[1]);
      doc = nlohmann::json::parse(in);
    }
    doc["groups"][0]["accumulator"]["sum"] = 1.0;
    const auto edited = (dir / "edited.json").string();
    std::ofstream(edited) << doc.dump();
    expect_input_error(run_cli({"merge", files[0], edited, files[2]}), "/content_digest: does not match the document");
    std::ofstream(edited) << "{\"scenario\": 1, \"scenario\": 2}";
    expect_input_error(run_cli({"merge", files[0], edited, files[2]}), "duplicate key");
    // Issue 12: a count of 1e999 was raw parser text with exit 1; 100,000 nested arrays
    // overflowed the stack (a count of 2^64-1 shards: sweeps.merge_verifies_every_shard...).
    std::ofstream(edited) << R"({"scenario": {}, "digest": "x", "content_digest": "y", "shard": {"count": 1e999}})";
    expect_input_error(run_cli({"merge", files[0], edited, files[2]}), "edited.json: line 1");
    std::ofstream(edited) << R"({"scenario": )" << std::string(100000, '[') << std::string(100000, ']') << "}";
    expect_input_error(run_cli({"merge", files[0], edited, files[2]}), "edited.json: /scenario");
  }
  const auto other = (dir / "other.json").string();
  ASSERT_EQ(run_cli({"sweep", "h20-design-space", "--shard", "2/3", "--out", other}).code, 0);
  expect_input_error(run_cli({"merge", files[0], files[1], other}), "a different scenario");
  std::filesystem::remove_all(dir);
}

TEST(cli_sweep, rows_and_bad_input_leave_no_file)
{
  const auto dir = std::filesystem::temp_directory_path() / "fleetcap_rows";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto rows = (dir / "rows.csv").string();
  const auto r = run_cli({"sweep", "training-grid", "--rows", rows});
  expect_input_error(r, "over --max-rows 100000");
  EXPECT_FALSE(std::filesystem::exists(rows));
  expect_input_error(run_cli({"sweep", "training-grid", "--shard", "3/2", "--out", (dir / "x.json").string()}),
                     "--shard: expected K/N");
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  expect_input_error(run_cli({"sweep", "training-gird"}), "no catalogue scenario has this id (closest: training-grid");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fleetcap

namespace fleetcap {
namespace {

// `validate` predicts every shipped run set on its own system and says, per set, whether that
// system was fitted on it (in-sample) or not.
TEST(cli_validate, every_run_set_with_its_fit_status)
{
  const auto r = test::run_fleetcap({"validate", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  std::map<std::string, nlohmann::json> by_set;
  for (const auto& s : j["run_sets"]) {
    by_set[s["set"].get<std::string>()] = s;
  }
  ASSERT_TRUE(by_set.count("megatron-selene-2021") && by_set.count("megatron-selene-2022") &&
              by_set.count("nemo-h100-fp8-2024"));
  EXPECT_TRUE(by_set["megatron-selene-2021"]["in_sample"].get<bool>());
  EXPECT_FALSE(by_set["nemo-h100-fp8-2024"]["in_sample"].get<bool>());
  for (const auto& [id, s] : by_set) {
    for (const auto& run : s["runs"]) {
      EXPECT_TRUE(run["error"].is_number()) << id;
      EXPECT_GT(run["predicted"].get<double>(), 0) << id;
    }
  }
  // The 2022 software is faster on the same hardware: the 2022 system over-predicts the 2021
  // runs it was not fitted on, and the output says they are held out.
  const auto cross = test::run_fleetcap({"validate", "megatron-selene-2021", "--system", "dgx-a100-selene-2022", "--json"});
  ASSERT_EQ(cross.code, 0) << cross.err;
  const auto c = nlohmann::json::parse(cross.out)["run_sets"][0];
  EXPECT_FALSE(c["in_sample"].get<bool>());
  EXPECT_GT(c["mean_abs_error"].get<double>(), by_set["megatron-selene-2021"]["mean_abs_error"].get<double>());
  const auto bad = test::run_fleetcap({"validate", "no-such-runs"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_TRUE(bad.out.empty());
}

}  // namespace
}  // namespace fleetcap

namespace fleetcap {
namespace {

// A run file made of what `train --json` printed: its model, system, precision and layout.
std::filesystem::path write_run_file(const nlohmann::json& printed, const char* name)
{
  const nlohmann::json run = {{"model", printed["model"]}, {"system", printed["system"]},
                              {"precision", printed["precision"]}, {"layout", printed["layout"]}};
  const auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << run.dump();
  return path;
}

// `train --json` prints the model, system, precision and a named layout; written back as a
// run file they give the same estimate through `--config`. Uneven stages and context
// parallelism travel with the layout.
TEST(cli_train, json_layout_feeds_back_as_a_run_file)
{
  const auto first = test::run_fleetcap({"train", "--model", "llama3-405b", "--system", "dgx-h100", "--chips", "8192",
                                         "--tp", "8", "--pp", "16", "--global-batch", "2048", "--first-stage-layers", "7",
                                         "--last-stage-layers", "7", "--recompute", "selective", "--sequence-parallel",
                                         "--zero", "1", "--json"});
  ASSERT_EQ(first.code, 0) << first.err;
  const auto j = nlohmann::json::parse(first.out);
  EXPECT_EQ(j["layout"]["recompute"], "selective");
  EXPECT_EQ(j["layout"]["first_stage_layers"].get<double>(), 7);
  const auto path = write_run_file(j, "fleetcap_run_config.json");
  const auto again = test::run_fleetcap({"train", "--config", path.string(), "--tokens", "15.6e12", "--json"});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_DOUBLE_EQ(nlohmann::json::parse(again.out)["step_seconds"].get<double>(), j["step_seconds"].get<double>());
  // A flag that the run file also sets is refused, not silently overridden.
  const auto clash = test::run_fleetcap({"train", "--config", path.string(), "--chips", "8"});
  EXPECT_EQ(clash.code, 2);
  EXPECT_NE(clash.err.find("train --config: the run file gives"), std::string::npos);
  std::filesystem::remove(path);
  const auto missing = test::run_fleetcap({"train", "--config", "/nonexistent/run.json"});
  EXPECT_EQ(missing.code, 2);
}

}  // namespace
}  // namespace fleetcap

namespace fleetcap {
namespace {

// DeepSeek-V3's own layout (report sec. 3.2: pp 16, ep 64, no tp, ZeRO-1 on 2,048 H800s) could
// not be entered before expert parallelism existed. Now it runs, costs its all-to-all, travels
// through a run file (with the model given inline, shared experts and dense layers too), and
// the search tries ep for a MoE model.
TEST(cli_train, expert_parallel_layout_runs_round_trips_and_is_searched)
{
  const auto first = test::run_fleetcap({"train", "--model", "deepseek-v3", "--system", "hgx-h800", "--chips", "2048",
                                         "--pp", "16", "--ep", "64", "--first-stage-layers", "3", "--last-stage-layers",
                                         "2", "--global-batch", "15360", "--recompute", "full", "--zero", "1",
                                         "--ep-overlap", "--precision", "fp8", "--json"});
  ASSERT_EQ(first.code, 0) << first.err;
  const auto j = nlohmann::json::parse(first.out);
  EXPECT_EQ(j["layout"]["ep"].get<double>(), 64);
  EXPECT_EQ(j["layout"]["ep_overlap"].get<bool>(), true);
  EXPECT_TRUE(j["step_breakdown_seconds"].contains("expert_parallel"));
  EXPECT_NEAR(j["parameters"].get<double>(), 671e9, 671e9 * 0.01);

  // The same run with the shape spelled out inline.
  const auto shape = test::run_fleetcap({"train", "--layers", "61", "--hidden", "7168", "--heads", "128", "--ffn", "2048",
                                         "--seq", "4096", "--vocab", "129280", "--mlp", "swiglu", "--experts", "256",
                                         "--top-k", "8", "--shared-experts", "1", "--dense-layers", "3", "--dense-ffn",
                                         "18432", "--system", "hgx-h800", "--chips", "2048", "--pp", "16", "--ep", "64",
                                         "--first-stage-layers", "3", "--last-stage-layers", "2", "--global-batch",
                                         "15360", "--recompute", "full", "--zero", "1", "--ep-overlap", "--precision",
                                         "fp8", "--tokens", "14.8e12", "--json"});
  ASSERT_EQ(shape.code, 0) << shape.err;
  const auto s = nlohmann::json::parse(shape.out);
  EXPECT_DOUBLE_EQ(s["step_seconds"].get<double>(), j["step_seconds"].get<double>());
  EXPECT_EQ(s["model"]["dense_ffn"].get<double>(), 18432);
  const auto path = write_run_file(s, "fleetcap_moe_run_config.json");
  const auto again = test::run_fleetcap({"train", "--config", path.string(), "--tokens", "14.8e12", "--json"});
  std::filesystem::remove(path);
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_DOUBLE_EQ(nlohmann::json::parse(again.out)["step_seconds"].get<double>(), j["step_seconds"].get<double>());

  // ep that does not divide dp is named.
  const auto bad = test::run_fleetcap({"train", "--model", "deepseek-v3", "--system", "hgx-h800", "--chips", "96",
                                       "--pp", "1", "--ep", "64", "--global-batch", "96"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("ep 64 does not divide dp x cp = 96"), std::string::npos) << bad.err;

  const auto search = test::run_fleetcap({"train", "--model", "deepseek-v3", "--system", "hgx-h800", "--chips", "2048",
                                          "--global-batch", "15360", "--search", "--json"});
  ASSERT_EQ(search.code, 0) << search.err;
  const auto k = nlohmann::json::parse(search.out);
  ASSERT_FALSE(k["top"].empty());
  EXPECT_GT(k["top"][0]["layout"]["ep"].get<double>(), 1.0);
  EXPECT_GT(k["not_usable"]["ep does not divide the routed experts or dp x cp"].get<double>(), 0.0);
}

}  // namespace
}  // namespace fleetcap
