// `comply`, `fleet` and `report` run in-process: JSON shapes, exit codes, one-line errors.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
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
  EXPECT_TRUE(j.contains("performance_density_tpp_per_mm2"));
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

// --- issue 9: scope and dates -----------------------------------------------------------------

nlohmann::json verdict_of(const nlohmann::json& verdicts, const std::string& rule)
{
  for (const auto& v : verdicts) {
    if (v["rule"] == rule) {
      return v;
    }
  }
  return nullptr;
}

TEST(cli_comply, h800_is_controlled_from_23_october_2023)
{
  // Was "not controlled" on 2023-11-01 (only the 2022 rule was in force then).
  const auto r = run_cli({"comply", "--part", "h800-sxm", "--as-of", "2023-11-01", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto v = verdict_of(nlohmann::json::parse(r.out)["verdicts"], "us-3a090-2023");
  ASSERT_FALSE(v.is_null()) << r.out;
  EXPECT_EQ(v["status"], "3A090.a");
  EXPECT_NE(v["reason"].get<std::string>().find("applied to this part from 2023-10-23"), std::string::npos);
  // The early application was for NVIDIA's named parts only: the H20 sees the 2022 rule alone.
  const auto h20 = nlohmann::json::parse(run_cli({"comply", "--part", "h20", "--as-of", "2023-11-01", "--json"}).out);
  EXPECT_TRUE(verdict_of(h20["verdicts"], "us-3a090-2023").is_null());
}

TEST(cli_comply, august_2022_letter_and_eu_application_date)
{
  const auto a100 = nlohmann::json::parse(
      run_cli({"comply", "--part", "a100-sxm4-80gb", "--as-of", "2022-09-01", "--destination", "CN", "--json"}).out);
  const auto v = verdict_of(a100["verdicts"], "us-nvidia-letter-2022");
  ASSERT_FALSE(v.is_null());
  EXPECT_EQ(v["status"], "licence_required");
  const auto before = nlohmann::json::parse(
      run_cli({"comply", "--train", "--flops", "2e25", "--as-of", "2025-08-01", "--json"}).out)["verdicts"];
  EXPECT_TRUE(verdict_of(before, "eu-ai-act-2024").is_null());  // was in force from 2024-08-01
  const auto after = nlohmann::json::parse(
      run_cli({"comply", "--train", "--flops", "2e25", "--as-of", "2025-08-02", "--json"}).out)["verdicts"];
  EXPECT_EQ(verdict_of(after, "eu-ai-act-2024")["status"], "above_threshold");
}

TEST(cli_comply, huawei_chips_are_outside_us_export_rules)
{
  // Was case_by_case under us-cbc-2026.
  const auto j = nlohmann::json::parse(run_cli({"comply", "--part", "ascend-910c", "--json"}).out);
  for (const char* id : {"us-3a090-2023", "us-cbc-2026", "us-h20-licence-2025"}) {
    const auto v = verdict_of(j["verdicts"], id);
    EXPECT_EQ(v["status"], "not_applicable") << id;
    EXPECT_NE(v["reason"].get<std::string>().find("not a US-origin item; FDP rule not evaluated"), std::string::npos);
  }
}

TEST(cli_comply, destination_and_headquarters_options)
{
  const auto us = nlohmann::json::parse(
      run_cli({"comply", "--part", "h20", "--destination", "US", "--owner-hq", "US", "--json"}).out);
  EXPECT_EQ(verdict_of(us["verdicts"], "us-h20-licence-2025")["status"], "not_applicable");
  EXPECT_EQ(us["destination"], "US");
  const auto cn = nlohmann::json::parse(run_cli({"comply", "--part", "h20", "--owner-hq", "CN", "--json"}).out);
  EXPECT_EQ(verdict_of(cn["verdicts"], "us-h20-licence-2025")["status"], "licence_required");
  const auto none = nlohmann::json::parse(run_cli({"comply", "--part", "h20", "--json"}).out);
  const auto v = verdict_of(none["verdicts"], "us-h20-licence-2025");
  EXPECT_EQ(v["status"], "licence_required");
  EXPECT_NE(v["reason"].get<std::string>().find("scope not checked"), std::string::npos);
}

TEST(cli_comply, fleet_verdicts_use_location_and_headquarters)
{
  const auto r = run_cli({"comply", "--fleet", "hopper-2024", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  bool saw_h20 = false, saw_diffusion = false;
  for (const auto& rule : j["rules"]) {
    if (rule["rule"] == "us-h20-licence-2025") {
      saw_h20 = true;
      for (const auto& o : rule["owners"]) {
        if (o["owner"] == "Microsoft") {
          // Was licence_required for Microsoft's H20s: a China-export licence, a US owner in the US.
          EXPECT_FALSE(o["by_status"].contains("licence_required")) << o.dump();
          EXPECT_GT(o["not_applicable_units"].get<double>(), 0);
        }
        if (o["owner"] == "ByteDance") {
          EXPECT_TRUE(o["by_status"].contains("licence_required")) << o.dump();
        }
      }
    }
    if (rule["rule"] == "us-diffusion-2025") {
      saw_diffusion = true;
      for (const auto& c : rule["countries"]) {
        if (c["country"] == "US") {
          // Was "above_threshold (2,563% of the cap)": the US is Tier 1.
          EXPECT_EQ(c["status"], "not_applicable");
          EXPECT_EQ(c["reason"], "Tier 1 country: no cap");
          EXPECT_EQ(c["tier"], 1);
        }
        if (c["country"] == "CN") {
          EXPECT_EQ(c["status"], "licence_required");
          EXPECT_EQ(c["tier"], 3);
        }
      }
    }
  }
  EXPECT_TRUE(saw_h20 && saw_diffusion);
  const auto text = run_cli({"comply", "--fleet", "hopper-2024", "--rules", "us-diffusion-2025"});
  EXPECT_EQ(text.out.find("above_threshold"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Tier 1 country: no cap"), std::string::npos) << text.out;
}

TEST(cli_comply, fleet_location_missing_from_the_tier_table_is_an_input_error)
{
  const auto path = std::filesystem::temp_directory_path() / "fleetcap_cli_xk_fleet.json";
  auto j = nlohmann::json::parse(test::read_source_file("data/fleets/china-h20-2024.json"));
  j["id"] = "fleetcap_cli_xk_fleet";
  j.erase("overlaps");
  j["entries"][0]["location"] = "XK";
  std::ofstream(path) << j.dump(2);
  expect_input_error(run_cli({"comply", "--fleet", path.string(), "--rules", "us-diffusion-2025"}),
                     "data/rules/us-diffusion-2025.json: /country_tiers: no tier for country \"XK\" (used by " +
                         path.string() + ": /entries/0/location)");
  std::filesystem::remove(path);
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
  expect_input_error(run_cli({"comply", "--part", "h20", "--as-of", "2023-+1-01"}),
                     "--as-of: expected a date YYYY-MM-DD, got \"2023-+1-01\"");
  expect_input_error(run_cli({"comply", "--part", "h20", "--as-of", "2023- 1-01"}),
                     "--as-of: expected a date YYYY-MM-DD, got \"2023- 1-01\"");
  expect_input_error(run_cli({"comply", "--part", "h20", "--destination", "usa"}),
                     "--destination: expected an ISO 3166-1 alpha-2 code such as \"CN\", got \"usa\"");
  expect_input_error(run_cli({"comply", "--part", "h20", "--destination", "XK", "--rules", "us-diffusion-2025"}),
                     "/country_tiers: no tier for country \"XK\" (used by --destination)");
  expect_input_error(run_cli({"comply", "--fleet", "hopper-2024", "--owner-hq", "US"}),
                     "--destination and --owner-hq go with --part");
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
  // Long CSV: one row per group x metric, the total flagged (never a data row).
  EXPECT_EQ(csv.out.rfind("group,total,metric,low,mid,high,incomplete,missing_parts\n", 0), 0u) << csv.out;
  EXPECT_NE(csv.out.find("\nh100-sxm,false,units,"), std::string::npos) << csv.out;
  EXPECT_NE(csv.out.find("\ntotal,true,dense_ops_per_s_bf16,"), std::string::npos) << csv.out;
  const auto sampled = run_cli({"fleet", "hopper-2024", "--by", "part", "--csv", "--samples", "1000", "--seed", "2"});
  ASSERT_EQ(sampled.code, 0) << sampled.err;
  EXPECT_EQ(sampled.out.rfind("group,total,metric,low,mid,high,incomplete,missing_parts,p5,p50,p95,mean\n", 0), 0u);

  const std::vector<std::string> mc = {"fleet", "hopper-2024", "--samples", "2000", "--seed", "5", "--json"};
  const auto a = run_cli(mc), b = run_cli(mc);
  ASSERT_EQ(a.code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  // Quantiles sit in each figure beside its range.
  const auto sampled_json = nlohmann::json::parse(a.out);
  EXPECT_TRUE(sampled_json["total"]["h100e"].contains("p50"));
  EXPECT_TRUE(sampled_json["total"]["dense_ops_per_s"]["bf16"].contains("p95"));
  EXPECT_FALSE(sampled_json["monte_carlo"].contains("metrics"));
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
  for (const char* s : {"1. Capacity by owner", "2. A million H20s", "3. Domestic chips", "4. Capex into compute", "5. Parts under"}) {
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
