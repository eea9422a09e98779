// Issue 9 through the command line: point counts print as points, Monte Carlo inside the
// published bounds, overlaps refused or de-duplicated, plans and deliveries labelled, missing
// figures named, installed base by date.

#include <gtest/gtest.h>

#include <map>

#include <nlohmann/json.hpp>

#include "cli_run.hpp"

namespace fleetcap {
namespace {

using test::expect_bad_input;
using test::run_fleetcap;

std::string line_of(const std::string& text, const std::string& start)
{
  const auto at = text.find("\n" + start);
  if (at == std::string::npos) {
    return "";
  }
  return text.substr(at + 1, text.find('\n', at + 1) - at - 1);
}

TEST(cli_fleet_trust, microsoft_prints_485k_with_no_range)
{
  // main printed "Microsoft 485k [315k-655k]" in `fleet hopper-2024` and in `report`.
  for (const auto& args : {std::vector<std::string>{"fleet", "hopper-2024", "--by", "owner"}, {"report"}}) {
    const auto r = run_fleetcap(args);
    ASSERT_EQ(r.code, 0) << r.err;
    const auto row = line_of(r.out, "Microsoft ");
    ASSERT_FALSE(row.empty()) << r.out;
    EXPECT_NE(row.find(" 485k "), std::string::npos) << row;
    EXPECT_EQ(row.find("485k ["), std::string::npos) << row;
  }
  const auto j = nlohmann::json::parse(run_fleetcap({"fleet", "hopper-2024", "--json"}).out);
  for (const auto& g : j["groups"]) {
    if (g["key"] == "Microsoft") {
      EXPECT_EQ(g["totals"]["units"]["low"], 485000);
      EXPECT_EQ(g["totals"]["units"]["high"], 485000);
      EXPECT_EQ(g["totals"]["h100e"]["low"], g["totals"]["h100e"]["high"]);
    }
  }
}

TEST(cli_fleet_trust, monte_carlo_counts_stay_inside_omdias_range)
{
  // main: ByteDance p95 296k units from a file whose high is 253k.
  const auto r = run_fleetcap({"fleet", "hopper-2024", "--samples", "50000", "--seed", "1", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  std::map<std::string, nlohmann::json> units;
  for (const auto& g : j["groups"]) {
    units[g["key"].get<std::string>()] = g["totals"]["units"];
  }
  EXPECT_LE(units["ByteDance"]["p95"].get<double>(), 253000);
  EXPECT_GE(units["ByteDance"]["p5"].get<double>(), 207000);
  EXPECT_DOUBLE_EQ(units["Microsoft"]["p5"].get<double>(), 485000);  // shares sum to 1 to rounding
  EXPECT_DOUBLE_EQ(units["Microsoft"]["p95"].get<double>(), 485000);
}

TEST(cli_fleet_trust, every_monte_carlo_quantile_stays_inside_the_interval)
{
  // main: Microsoft's BF16 p5 was 4.7990749999999995e20 against an exact (point) 4.799075e20:
  // the sampled sum adds in another order. Every quantile and mean, every metric and group,
  // must lie in the interval view's [low, high], bit for bit.
  const auto r = run_fleetcap({"fleet", "hopper-2024", "--samples", "20000", "--seed", "3", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  int checked = 0;
  const auto check = [&](const nlohmann::json& figure, const std::string& where) {
    if (!figure.contains("p50")) {
      return;
    }
    for (const char* k : {"p5", "p50", "p95", "mean"}) {
      EXPECT_GE(figure[k].get<double>(), figure["low"].get<double>()) << where << " " << k;
      EXPECT_LE(figure[k].get<double>(), figure["high"].get<double>()) << where << " " << k;
      ++checked;
    }
  };
  auto totals = j["groups"];
  totals.push_back({{"key", "total"}, {"totals", j["total"]}});
  for (const auto& g : totals) {
    for (const auto& [metric, figure] : g["totals"].items()) {
      check(figure, g["key"].get<std::string>() + " " + metric);
      if (metric == "dense_ops_per_s") {
        for (const auto& [format, f] : figure.items()) {
          check(f, g["key"].get<std::string>() + " " + format);
        }
      }
    }
  }
  EXPECT_GE(checked, 100);
}

TEST(cli_fleet_trust, overlapping_inventories_are_refused_then_deduplicated)
{
  expect_bad_input(run_fleetcap({"fleet", "hopper-2024", "china-h20-2024"}),
                   "data/fleets/china-h20-2024.json: /overlaps/0: these inventories overlap");
  const auto r = run_fleetcap({"fleet", "hopper-2024", "china-h20-2024", "--dedupe", "--by", "part"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("de-duplicated: hopper-2024's holdings of ByteDance, Tencent (h20)"), std::string::npos) << r.out;
  const auto h20 = line_of(r.out, "h20 ");
  EXPECT_NE(h20.find("1.05M [1.00M-1.20M]"), std::string::npos) << h20;
}

TEST(cli_fleet_trust, plans_and_deliveries_are_labelled_when_added)
{
  // main: hopper-2024 + bytedance-2025 gave one ByteDance figure from 2024 deliveries and a
  // 2025 budget without a word.
  const auto r = run_fleetcap({"fleet", "hopper-2024", "bytedance-2025", "--by", "owner"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Plans and deliveries added together"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ByteDance: sums delivered (2024) and planned (2025) figures"), std::string::npos) << r.out;
  const auto by_status = run_fleetcap({"fleet", "hopper-2024", "bytedance-2025", "--by", "status"});
  EXPECT_EQ(by_status.out.find("ByteDance: sums"), std::string::npos);
}

TEST(cli_fleet_trust, comply_fleet_refuses_overlaps_and_labels_plans)
{
  // main: `comply --fleet` with the three built-in files merged ByteDance's 2024 purchases and
  // 2025 plan into one 832k-unit owner with no warning, and counted the H20s twice.
  expect_bad_input(run_fleetcap({"comply", "--fleet", "hopper-2024", "china-h20-2024", "bytedance-2025"}),
                   "these inventories overlap");
  const auto r = run_fleetcap({"comply", "--fleet", "hopper-2024", "bytedance-2025", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["plans_and_deliveries_added"].size(), 1u);
  EXPECT_EQ(j["plans_and_deliveries_added"][0], "ByteDance: sums delivered (2024) and planned (2025) figures");
  // Microsoft's peak op/s is a point: 485k units of equal parts.
  for (const auto& rule : j["rules"]) {
    if (rule["kind"] == "us_eo14110_2023") {
      for (const auto& o : rule["owners"]) {
        if (o["owner"] == "Microsoft") {
          EXPECT_EQ(o["peak_ops_per_s"]["low"], o["peak_ops_per_s"]["high"]);
        }
      }
    }
  }
  EXPECT_EQ(r.out.find("null"), std::string::npos);
}

TEST(cli_fleet_trust, report_turns_the_seed_capex_into_compute)
{
  // FT, 26 Aug 2024: Alibaba + Tencent + Baidu Rmb50bn ($7bn) in H1 2024, from Rmb23bn.
  const auto r = run_fleetcap({"report"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto row = line_of(r.out, "           Alibaba + Tencent + Baidu");
  EXPECT_NE(row.find("7.00"), std::string::npos) << row;
  EXPECT_NE(row.find("+117%"), std::string::npos) << row;
  const auto j = nlohmann::json::parse(run_fleetcap({"report", "--json"}).out);
  ASSERT_TRUE(j.contains("capex"));
  for (const auto& e : j["capex"]) {
    if (e["owner"] == "Alphabet + Amazon + Meta + Microsoft") {
      EXPECT_EQ(e["capex_usd"]["mid"], 106e9);
      // A third on accelerators at the mid (Dell'Oro), bought as H100s at $25-40k.
      EXPECT_NEAR(e["as_part"]["h100-sxm"]["units"]["mid"].get<double>(), 106e9 * 0.33 / 32500, 1);
      EXPECT_EQ(e["as_part"]["ascend-910b"]["unknown"], true);  // no price: never a zero
    }
  }
  EXPECT_EQ(run_fleetcap({"report", "--json"}).out.find("null"), std::string::npos);
}

TEST(cli_fleet_trust, missing_figures_are_named_never_zero)
{
  // The Ascend 910C has no published TDP: its power is "unknown", not 0.00, and the total
  // names it with its share of units.
  const auto r = run_fleetcap({"fleet", "china-h20-2024", "--by", "part"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto row = line_of(r.out, "ascend-910c ");
  EXPECT_NE(row.find("unknown"), std::string::npos) << row;
  EXPECT_EQ(row.find(" 0.00"), std::string::npos) << row;
  EXPECT_NE(r.out.find("total, TDP: sum of the rest; no figure for ascend-910c (70.0k units, 4% of units)"),
            std::string::npos)
      << r.out;
  // The 910C has no 8-bit figure: its H100e uses the documented TPP substitute and says so.
  EXPECT_NE(r.out.find("ascend-910c: no 8-bit figure; H100e from its TPP"), std::string::npos) << r.out;
  const auto csv = run_fleetcap({"fleet", "china-h20-2024", "--by", "part", "--csv"});
  EXPECT_NE(csv.out.find("\nascend-910c,"), std::string::npos);
  EXPECT_NE(csv.out.find(",,,true,ascend-910c"), std::string::npos) << csv.out;  // empty cells, never 0
  const auto json = nlohmann::json::parse(run_fleetcap({"fleet", "china-h20-2024", "--by", "part", "--json"}).out);
  for (const auto& g : json["groups"]) {
    if (g["key"] == "ascend-910c") {
      EXPECT_EQ(g["totals"]["tdp_watts"]["unknown"], true);
      EXPECT_FALSE(g["totals"]["tdp_watts"].contains("mid"));
    }
  }
}

TEST(cli_fleet_trust, as_of_gives_the_installed_base)
{
  const auto r = run_fleetcap({"fleet", "hopper-2024", "china-h20-2024", "--as-of", "2025-01-01", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;  // the plans are left out, so nothing overlaps
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_NEAR(j["total"]["units"]["mid"].get<double>(), 485000 + 224000 + 196000 + 169000 + 205000 + 2 * 230000, 1e-6);
  EXPECT_EQ(j["installed_base"]["service_life_years"], 6.0);
  expect_bad_input(run_fleetcap({"fleet", "hopper-2024", "--as-of", "2020-01-01"}), "before any delivery");
  expect_bad_input(run_fleetcap({"fleet", "hopper-2024", "--as-of", "2024-13-01"}), "--as-of");
  expect_bad_input(run_fleetcap({"fleet", "hopper-2024", "--as-of", "2025-01-01", "--service-life", "-1"}),
                   "--service-life");
}

}  // namespace
}  // namespace fleetcap
