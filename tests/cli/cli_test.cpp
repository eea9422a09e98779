// The command line run in-process: exit codes, JSON shapes, error lines, golden tables.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app.hpp"
#include "cli_run.hpp"
#include "fleetcap/backend.hpp"
#include "test_util.hpp"

namespace fleetcap {
namespace {

using cli_result = test::cli_output;

cli_result run_cli(std::vector<std::string> args) { return test::run_fleetcap(std::move(args)); }

// One "fleetcap: error: ..." line, exit 2, nothing on stdout.
void expect_input_error(const cli_result& r, const std::string& fragment)
{
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(r.err.rfind("fleetcap: error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(fragment), std::string::npos) << r.err;
}

TEST(cli, specs_list_json_has_ids_tpp_and_si_peaks)
{
  const auto r = run_cli({"specs", "list", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.is_array());
  ASSERT_GE(j.size(), 14u);
  for (const auto& p : j) {
    for (const char* key : {"id", "name", "vendor", "tpp", "performance_density_tpp_per_mm2", "dense_peak_ops_per_s",
                            "memory_bytes", "memory_bandwidth_bytes_per_s", "tdp_watts"}) {
      EXPECT_TRUE(p.contains(key)) << p.value("id", "?") << " lacks " << key;
    }
  }
  const auto h20 = std::find_if(j.begin(), j.end(), [](const auto& p) { return p["id"] == "h20"; });
  ASSERT_NE(h20, j.end());
  EXPECT_DOUBLE_EQ((*h20)["dense_peak_ops_per_s"]["bf16"].get<double>(), 148e12);
  EXPECT_DOUBLE_EQ((*h20)["memory_bytes"].get<double>(), 96e9);
  EXPECT_NEAR((*h20)["tpp"].get<double>(), 2368, 1);
}

TEST(cli, specs_show_json_carries_sources_and_ranges)
{
  const auto r = run_cli({"specs", "show", "ascend-910b", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["id"], "ascend-910b");
  EXPECT_FALSE(j["sources"].empty());
  EXPECT_TRUE(j["ranges"].contains("tpp"));
  EXPECT_LE(j["ranges"]["tpp"]["low"].get<double>(), j["ranges"]["tpp"]["high"].get<double>());
}

TEST(cli, specs_show_text_lists_sources)
{
  const auto r = run_cli({"specs", "show", "h100-sxm"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Sources:"), std::string::npos);
  EXPECT_NE(r.out.find("15,832"), std::string::npos);
}

TEST(cli, specs_list_matches_golden_table)
{
  const auto r = run_cli({"specs", "list"});
  ASSERT_EQ(r.code, 0) << r.err;
  // Regenerate after a deliberate catalogue change: build/fleetcap specs list > tests/cli/golden/specs_list.txt
  EXPECT_EQ(r.out, test::read_source_file("tests/cli/golden/specs_list.txt"));
}

TEST(cli, unknown_part_id_suggests_closest)
{
  expect_input_error(run_cli({"specs", "show", "h2"}), "unknown part id \"h2\" (closest: h20");
}

TEST(cli, bad_catalogue_names_file_pointer_and_problem)
{
  const auto root = std::filesystem::temp_directory_path() / "fleetcap_cli_bad_catalog";
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root / "specs");
  auto sheet = nlohmann::json::parse(test::read_source_file("specs/h20.json"));
  sheet["bf16_dense_tflops"] = -5;
  std::ofstream(root / "specs" / "h20.json") << sheet.dump(2);
  const auto r = run_cli({"specs", "list", "--catalog", root.string()});
  expect_input_error(r, (root / "specs" / "h20.json").string() +
                            ": /bf16_dense_tflops: expected a positive number, got -5");
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
  std::filesystem::remove_all(root);
}

TEST(cli, catalogue_folder_is_used)
{
  const auto r = run_cli({"specs", "list", "--json", "--catalog", FLEETCAP_SOURCE_DIR});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_GE(nlohmann::json::parse(r.out).size(), 14u);
  expect_input_error(run_cli({"specs", "list", "--catalog", "/nonexistent/dir"}), "not a directory");
}

TEST(cli, usage_errors_exit_2)
{
  expect_input_error(run_cli({"--backend", "gpu", "specs", "list"}), "--backend: expected auto, cpu or cuda");
  expect_input_error(run_cli({"specs", "list", "--no-such-flag"}), "no-such-flag");
  const auto none = run_cli({});
  EXPECT_EQ(none.code, 2);
  EXPECT_TRUE(none.out.empty());
  const auto no_leaf = run_cli({"specs"});
  EXPECT_EQ(no_leaf.code, 2);
}

TEST(cli, cuda_backend_without_device_is_a_runtime_error)
{
  const auto b = query_backends();
  if (b.cuda_built && b.cuda_device_count > 0) {
    GTEST_SKIP() << "a CUDA device is visible";
  }
  const auto r = run_cli({"--backend", "cuda", "specs", "list"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("--backend cuda"), std::string::npos) << r.err;
}

TEST(cli, version_and_info)
{
  const auto v = run_cli({"--version"});
  EXPECT_EQ(v.code, 0);
  EXPECT_EQ(v.out.rfind("fleetcap ", 0), 0u);
  const auto i = run_cli({"info", "--json"});
  ASSERT_EQ(i.code, 0) << i.err;
  const auto j = nlohmann::json::parse(i.out);
  EXPECT_EQ(j["backends"][0], "cpu");
  // A device name only where there is a device: absent, never null (issue 12).
  EXPECT_EQ(j.contains("cuda_device"), j["cuda_device_count"].get<int>() > 0);
  EXPECT_EQ(j["selected_backend"], (j["cuda_device_count"].get<int>() > 0 ? "cuda" : "cpu"));
}

TEST(cli, report_runs_on_builtin_catalogue)
{
  const auto r = run_cli({"report"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("h20"), std::string::npos);
  const auto j = run_cli({"report", "--json"});
  ASSERT_EQ(j.code, 0) << j.err;
  EXPECT_FALSE(nlohmann::json::parse(j.out)["parts"].empty());
}

TEST(cli, help_exits_0)
{
  const auto r = run_cli({"specs", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("list"), std::string::npos);
}

// The first null in a JSON document, as a pointer ("" when there is none). NaN and infinity
// print as null in nlohmann's dump, so this finds those too.
}  // namespace

std::string first_null(const nlohmann::json& j, const std::string& at)
{
  if (j.is_null()) {
    return at.empty() ? "/" : at;
  }
  if (j.is_object()) {
    for (const auto& item : j.items()) {
      if (auto bad = first_null(item.value(), at + "/" + item.key()); !bad.empty()) {
        return bad;
      }
    }
  }
  if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i) {
      if (auto bad = first_null(j[i], at + "/" + std::to_string(i)); !bad.empty()) {
        return bad;
      }
    }
  }
  return "";
}

namespace {

// Issue 12: no command prints a null (or a NaN or infinity, which would print as null) in
// place of a number; an unknown figure is {"unknown": true}, an option not given is absent.
// The commands cover parts with unknown figures (mlu370-x8: no die area, no FP64; h800: no
// price), every catalogue scenario, and the training and calibration outputs.
TEST(cli, no_json_result_holds_a_null)
{
  std::vector<std::vector<std::string>> commands = {
      {"specs", "list"}, {"info"}, {"report"}, {"fleet", "hopper-2024", "--by", "owner"},
      {"fleet", "bytedance-2025", "--by", "part"}, {"comply", "--fleet", "hopper-2024"},
      {"comply", "--train", "--flops", "3e25"}, {"validate"},
      {"train", "--params", "1e9", "--tokens", "1e12", "--part", "h800-sxm", "--chips", "8", "--mfu", "0.4"},
      {"train", "--model", "gpt3-175b", "--tokens", "3e11", "--part", "a100-sxm4-80gb", "--chips", "1024", "--global-batch", "1536", "--tp", "8",
       "--pp", "8"},
      {"train", "--model", "gpt3-175b", "--part", "a100-sxm4-80gb", "--chips", "1024", "--global-batch", "1536", "--search", "--top", "3"}};
  // calibrate's JSON is checked the same way in cli_calibrate (one fit is slow under asan).
  const auto parts = nlohmann::json::parse(run_cli({"specs", "list", "--json"}).out);
  for (const auto& p : parts) {
    commands.push_back({"specs", "show", p["id"].get<std::string>()});
    commands.push_back({"comply", "--part", p["id"].get<std::string>()});
  }
  for (const char* s : {"china-mix-what-if", "frontier-run-uncertainty", "h20-design-space", "layout-22b-64",
                        "layout-gpt3-1024", "training-grid"}) {
    commands.push_back({"sweep", s});
  }
  for (auto args : commands) {
    args.push_back("--json");
    std::string line;
    for (const auto& a : args) {
      line += a + " ";
    }
    const auto r = run_cli(args);
    ASSERT_EQ(r.code, 0) << line << ": " << r.err;
    EXPECT_EQ(first_null(nlohmann::json::parse(r.out), ""), "") << line;
  }
  // The unknown figures are said so, not dropped.
  const auto mlu = nlohmann::json::parse(run_cli({"specs", "show", "mlu370-x8", "--json"}).out);
  EXPECT_EQ(mlu["dense_peak_ops_per_s"]["fp64"], (nlohmann::json{{"unknown", true}}));
  const auto h800 = nlohmann::json::parse(run_cli({"train", "--params", "1e9", "--tokens", "1e12", "--part", "h800-sxm",
                                                   "--chips", "8", "--mfu", "0.4", "--json"}).out);
  EXPECT_EQ(h800["cost_usd"], (nlohmann::json{{"unknown", true}}));
}

// Issue 12: an input that drives a sweep metric to infinity or NaN (an MFU of 2.2e-308 makes
// the training time overflow) is an input error naming the metric and the point, exit 2,
// where it used to print "mean": null and exit 0.
TEST(cli, sweep_with_a_non_finite_metric_is_an_input_error)
{
  const auto path = std::filesystem::temp_directory_path() / "fleetcap_nonfinite.json";
  std::ofstream(path) << R"({"id": "fleetcap_nonfinite", "description": "tiny MFU", "evaluator": "training",
    "fixed": {"params": 1e9, "tokens": 1e12, "chips": 8},
    "axes": [{"name": "part", "parts": ["h100-sxm"]},
             {"name": "mfu", "linear": {"from": 2.2e-308, "to": 0.5, "count": 3}}],
    "objective": {"metric": "days", "goal": "min"}})";
  for (const char* shard : {"0/1", "1/2"}) {  // 1/2 holds the grid's one row
    expect_input_error(run_cli({"sweep", path.string(), "--shard", shard, "--json"}),
                       "fleetcap_nonfinite.json: metric \"days\" is not a finite number at point "
                       "{\"mfu\":2.2e-308,\"part\":\"h100-sxm\"}");
  }
  // --rows prints every metric, so it checks every metric (here "seconds", the first), and the
  // refused run leaves no file.
  const auto rows = std::filesystem::temp_directory_path() / "fleetcap_nonfinite.csv";
  std::filesystem::remove(rows);
  expect_input_error(run_cli({"sweep", path.string(), "--rows", rows.string()}),
                     "metric \"seconds\" is not a finite number at point {\"mfu\":2.2e-308,\"part\":\"h100-sxm\"} (--rows");
  EXPECT_FALSE(std::filesystem::exists(rows));
  std::filesystem::remove(path);
}

// Issue 12: a folder name that is not UTF-8 made `fleet --json` exit 1 with nlohmann's
// type_error.316; the path is now written with U+FFFD in place of the bad byte.
TEST(cli, non_utf8_path_in_a_json_result)
{
  const auto dir = std::filesystem::temp_directory_path() / "fleetcap_dir\xff";
  std::filesystem::create_directories(dir);
  const auto file = dir / "china-h20-2024.json";
  std::ofstream(file) << test::read_source_file("data/fleets/china-h20-2024.json");
  const auto r = run_cli({"fleet", file.string(), "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("fleetcap_dir\xef\xbf\xbd/china-h20-2024.json"), std::string::npos);
  std::filesystem::remove_all(dir);
}

// Issue 12: an unknown id is echoed cut to 48 characters with its length, not 100,000 of them.
TEST(cli, long_unknown_ids_are_echoed_cut)
{
  const auto r = run_cli({"specs", "show", std::string(100000, 'x')});
  expect_input_error(r, "unknown part id \"" + std::string(48, 'x') + "\"... (100000 characters)");
  EXPECT_LT(r.err.size(), 300u);
}

}  // namespace
}  // namespace fleetcap
