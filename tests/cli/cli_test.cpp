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
    for (const char* key : {"id", "name", "vendor", "tpp", "performance_density", "dense_peak_ops_per_s",
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
  EXPECT_TRUE(j.contains("cuda_device"));
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

}  // namespace
}  // namespace fleetcap
