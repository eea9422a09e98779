// `comply`, `fleet` and `report` run in-process: JSON shapes, exit codes, one-line errors.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app.hpp"
#include "test_util.hpp"

namespace fleetcap {
namespace {

struct cli_result {
  int code;
  std::string out;
  std::string err;
};

cli_result run_cli(std::vector<std::string> args)
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

void expect_input_error(const cli_result& r, const std::string& fragment)
{
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(r.err.rfind("fleetcap: error: ", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(fragment), std::string::npos) << r.err;
}

TEST(cli_comply, part_json_has_the_documented_shape)
{
  const auto r = run_cli({"comply", "--part", "h20", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["part"], "h20");
  EXPECT_NEAR(j["tpp"].get<double>(), 2368, 1);
  EXPECT_TRUE(j.contains("performance_density"));
  ASSERT_FALSE(j["verdicts"].empty());
  for (const auto& v : j["verdicts"]) {
    for (const char* key : {"rule", "status", "clause", "reason"}) {
      EXPECT_TRUE(v.contains(key)) << key;
    }
  }
}

TEST(cli_comply, as_of_picks_the_rules_in_force)
{
  const auto r = run_cli({"comply", "--part", "a800-sxm4-80gb", "--as-of", "2023-06-01", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto v = nlohmann::json::parse(r.out)["verdicts"];
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0]["rule"], "us-3a090-2022");
  EXPECT_EQ(v[0]["status"], "not_controlled");
  const auto later = nlohmann::json::parse(run_cli({"comply", "--part", "a800-sxm4-80gb", "--as-of", "2024-01-01",
                                                    "--rules", "us-3a090-2023", "--json"})
                                               .out)["verdicts"];
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0]["status"], "3A090.a");
}

TEST(cli_comply, training_run_against_1e25_and_1e26)
{
  const auto r = run_cli({"comply", "--train", "--flops", "2e25", "--rules", "eu-ai-act-2024,us-eo14110-2023", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto v = nlohmann::json::parse(r.out)["verdicts"];
  EXPECT_EQ(v[0]["status"], "above_threshold");  // EU: > 1e25
  EXPECT_EQ(v[1]["status"], "below_threshold");  // EO 14110: not > 1e26
  // 6ND: 70e9 parameters x 15e12 tokens = 6.3e24, under the EU line.
  const auto n = nlohmann::json::parse(
      run_cli({"comply", "--train", "--params", "70e9", "--tokens", "15e12", "--rules", "eu-ai-act-2024", "--json"}).out);
  EXPECT_DOUBLE_EQ(n["training_operations"].get<double>(), 6.3e24);
  EXPECT_EQ(n["verdicts"][0]["status"], "below_threshold");
}

TEST(cli_comply, bad_input)
{
  expect_input_error(run_cli({"comply", "--part", "h20", "--rules", "us-3a090-2032"}), "unknown rule id \"us-3a090-2032\"");
  expect_input_error(run_cli({"comply", "--part", "h20", "--as-of", "2023-02-30"}),
                     "--as-of: expected a date YYYY-MM-DD, got \"2023-02-30\"");
  expect_input_error(run_cli({"comply"}), "give exactly one of --part ID, --fleet FILE or --train");
  expect_input_error(run_cli({"comply", "--train"}), "give --flops, or --params");
  expect_input_error(run_cli({"comply", "--train", "--flops", "-1"}), "--flops: expected a positive finite number");
  expect_input_error(run_cli({"comply", "--part", "h21"}), "unknown part id \"h21\"");
}

TEST(cli_comply, fleet_view_has_every_rule)
{
  const auto r = run_cli({"comply", "--fleet", "hopper-2024", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_GE(j["rules"].size(), 9u);
  const auto text = run_cli({"comply", "--fleet", "hopper-2024", "--rules", "us-3a090-2023"});
  EXPECT_NE(text.out.find("ByteDance"), std::string::npos);
}

TEST(cli_fleet, json_csv_and_monte_carlo)
{
  const auto j = run_cli({"fleet", "hopper-2024", "--by", "owner", "--json"});
  ASSERT_EQ(j.code, 0) << j.err;
  const auto parsed = nlohmann::json::parse(j.out);
  EXPECT_EQ(parsed["groups"].size(), 7u);
  EXPECT_FALSE(parsed["holdings"].empty());
  const auto& t = parsed["total"]["h100e"];
  EXPECT_LE(t["low"].get<double>(), t["mid"].get<double>());
  EXPECT_LE(t["mid"].get<double>(), t["high"].get<double>());

  const auto csv = run_cli({"fleet", "hopper-2024", "--by", "part", "--csv"});
  ASSERT_EQ(csv.code, 0) << csv.err;
  EXPECT_EQ(csv.out.rfind("part,units_low,units_mid,units_high,units_incomplete,units_missing_parts,h100e_low", 0), 0u);

  const std::vector<std::string> mc = {"fleet", "hopper-2024", "--samples", "2000", "--seed", "5", "--json"};
  const auto a = run_cli(mc), b = run_cli(mc);
  ASSERT_EQ(a.code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_TRUE(nlohmann::json::parse(a.out)["monte_carlo"]["metrics"].contains("h100e"));
}

TEST(cli_fleet, bad_inventory_file_names_file_and_pointer)
{
  const auto path = std::filesystem::temp_directory_path() / "fleetcap_cli_bad_fleet.json";
  auto j = nlohmann::json::parse(test::read_source_file("data/fleets/hopper-2024.json"));
  j["id"] = "fleetcap_cli_bad_fleet";
  j["entries"][1]["count"] = -3;
  std::ofstream(path) << j.dump(2);
  expect_input_error(run_cli({"fleet", path.string()}), path.string() + ": /entries/1/count: expected a positive number, got -3");
  std::filesystem::remove(path);
  expect_input_error(run_cli({"fleet", "hoper-2024"}), "no such file, and no catalogue fleet has this id (closest: hopper-2024");
  expect_input_error(run_cli({"fleet", "hopper-2024", "--by", "colour"}), "--by: expected owner");
  expect_input_error(run_cli({"fleet", "hopper-2024", "--h100e", "fp4"}), "--h100e: expected tpp, int8 or bf16");
  expect_input_error(run_cli({"fleet", "hopper-2024", "--pue", "0.5"}), "--pue: expected a number >= 1");
}

TEST(cli_report, sections_in_text_markdown_and_json)
{
  const auto text = run_cli({"report"});
  ASSERT_EQ(text.code, 0) << text.err;
  for (const char* s : {"1. Capacity by owner", "2. A million H20s", "3. Domestic chips", "4. Parts under"}) {
    EXPECT_NE(text.out.find(s), std::string::npos) << s;
  }
  const auto md = run_cli({"report", "--markdown"});
  EXPECT_NE(md.out.find("\n## 1. Capacity by owner"), std::string::npos);
  EXPECT_NE(md.out.find("| --- |"), std::string::npos);
  const auto j = nlohmann::json::parse(run_cli({"report", "--json"}).out);
  for (const char* key : {"capacity_by_owner", "h20_vs_microsoft", "domestic_share", "parts"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  const auto explain = run_cli({"report", "--explain"});
  EXPECT_NE(explain.out.find("Where each number comes from"), std::string::npos);
}

}  // namespace
}  // namespace fleetcap
