// Capex data sets (data/capex/): the seed figures load and convert, and bad files are refused
// with the file, the pointer and the problem.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fleetcap/capacity.hpp"
#include "fleetcap/capex.hpp"
#include "test_util.hpp"

namespace fleetcap {
namespace {

using nlohmann::json;

json valid()
{
  return {{"id", "t"},
          {"name", "n"},
          {"description", "d"},
          {"accelerator_share", {{"share", {{"low", 0.25}, {"mid", 0.33}, {"high", 0.5}}}, {"source", "s"}}},
          {"entries",
           {{{"owner", "Alibaba"},
             {"country", "CN"},
             {"period", "2024-H1"},
             {"amount", 23e9},
             {"currency", "CNY"},
             {"usd_per_unit", 0.14},
             {"exchange_rate_source", "r"},
             {"source", "s"}}}},
          {"notes", json::array()},
          {"sources", {"s"}}};
}

std::string reject(const json& j)
{
  return test::input_error_message([&] { parse_capex({"data/capex/t.json", j.dump()}); });
}

TEST(capex, seed_figures_load_and_convert)
{
  const auto sets = load_capex(*builtin_catalog());
  ASSERT_GE(sets.size(), 2u);
  bool seen = false;
  for (const auto& s : sets) {
    for (const auto& e : s.entries) {
      if (e.owner == "Alibaba + Tencent + Baidu") {
        seen = true;
        // FT, 26 Aug 2024: Rmb50bn ($7bn) in H1 2024, from Rmb23bn ($3.23bn) a year earlier.
        EXPECT_DOUBLE_EQ(e.amount_usd().mid, 7e9);
        EXPECT_NEAR(e.amount.mid / e.previous.mid, 50.0 / 23.0, 1e-12);
        ASSERT_TRUE(s.share.has_value());
      }
    }
  }
  EXPECT_TRUE(seen);
  // Two ByteDance figures for 2025 that are not the same thing: the FT's AI-chip budget and
  // Reuters' total capex. Each names its measure so the report can tell them apart.
  std::vector<std::string> bytedance;
  for (const auto& s : sets) {
    for (const auto& e : s.entries) {
      if (e.owner == "ByteDance") {
        bytedance.push_back(e.measure);
      }
    }
  }
  EXPECT_EQ(bytedance, (std::vector<std::string>{"AI-chip budget", "capex"}));
}

TEST(capex, spend_buys_units_through_the_price)
{
  const auto parts = load_specs(*builtin_catalog());
  const auto metrics = evaluate_parts(backend_kind::cpu, parts);
  const auto& h20 = find_part(parts, "h20");
  // $12.5bn at the H20's $12,000-13,000: 0.96M-1.04M units, 1M at the $12,500 mid.
  const auto hs = spend_on_part(range::exact(12.5e9), "test", h20, parts);
  const auto t = aggregate_total(hs, parts, metrics, capacity_options{}).totals;
  EXPECT_NEAR(t.units.value.mid, 1e6, 1e-3);
  EXPECT_NEAR(t.units.value.low, 12.5e9 / 13000, 1e-3);
  EXPECT_NEAR(t.units.value.high, 12.5e9 / 12000, 1e-3);
  EXPECT_DOUBLE_EQ(t.capex_usd.value.high, 12.5e9);  // never more than the spend
  EXPECT_NE(test::input_error_message([&] { spend_on_part(range::exact(1e9), "t", find_part(parts, "ascend-910b"), parts); })
                .find("has no price"),
            std::string::npos);
}

TEST(capex, bad_input)
{
  EXPECT_NO_THROW(parse_capex({"data/capex/t.json", valid().dump()}));
  EXPECT_NE(test::input_error_message([] { parse_capex({"data/capex/t.json", "{\"id\": "}); }).find("data/capex/t.json"),
            std::string::npos);
  auto j = valid();
  j["id"] = "other";
  EXPECT_NE(reject(j).find("/id: \"other\" does not match the file name"), std::string::npos);
  j = valid();
  j["entries"][0].erase("source");
  EXPECT_EQ(reject(j), "data/capex/t.json: /entries/0/source: missing required field");
  j = valid();
  j["entries"][0]["amount"] = -5;
  EXPECT_EQ(reject(j), "data/capex/t.json: /entries/0/amount: expected a positive number, got -5");
  j = valid();
  j["entries"][0]["amount"] = "23bn";
  EXPECT_NE(reject(j).find("/entries/0/amount: expected a positive number"), std::string::npos);
  j = valid();
  j["entries"][0]["period"] = "2024-H3";
  EXPECT_NE(reject(j).find("/entries/0/period: expected YYYY"), std::string::npos);
  j = valid();
  j["entries"][0]["currency"] = "RMB";
  EXPECT_NE(reject(j).find("/entries/0/currency: unknown currency \"RMB\""), std::string::npos);
  j = valid();
  j["entries"][0].erase("usd_per_unit");
  EXPECT_NE(reject(j).find("/entries/0/usd_per_unit"), std::string::npos);
  j = valid();
  j["entries"][0]["currency"] = "USD";
  EXPECT_NE(reject(j).find("a USD amount takes no exchange rate"), std::string::npos);
  j = valid();
  j["accelerator_share"]["share"] = 1.5;
  EXPECT_NE(reject(j).find("/accelerator_share/share: a share must be at most 1"), std::string::npos);
  j = valid();
  j["accelerator_share"].erase("source");
  EXPECT_EQ(reject(j), "data/capex/t.json: /accelerator_share/source: missing required field");
  j = valid();
  j["entries"] = json::array();
  EXPECT_NE(reject(j).find("/entries: expected a non-empty array"), std::string::npos);
  j = valid();
  j["entries"][0]["country"] = "China";
  EXPECT_NE(reject(j).find("/entries/0/country: expected an ISO 3166-1 alpha-2 code"), std::string::npos);
  j = valid();
  j["entries"][0]["measure"] = 5;
  EXPECT_NE(reject(j).find("/entries/0/measure: expected a string"), std::string::npos);
  j = valid();
  j["entries"][0]["budget"] = 1;
  EXPECT_NE(reject(j).find("/entries/0"), std::string::npos);
}

}  // namespace
}  // namespace fleetcap
