// Overlapping inventories and installed base over time (issue 9, "Overlaps and time").

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fleetcap/capacity.hpp"
#include "fleetcap/fleet.hpp"
#include "fleetcap/installed_base.hpp"
#include "builtin_fleets_fixture.hpp"
#include "test_util.hpp"

namespace fleetcap {
namespace {

using nlohmann::json;

class fleet_overlap_test : public test::builtin_fleets {
 protected:
  // A copy of china-h20-2024's declaration, with one field changed.
  static json declaring_file(const json& overlap)
  {
    return {{"id", "decl"},
            {"name", "n"},
            {"description", "d"},
            {"entries",
             {{{"owner", "China (aggregate)"},
               {"country", "CN"},
               {"year", 2024},
               {"status", "delivered"},
               {"part", "h20"},
               {"count", 1000000},
               {"source", "test"}}}},
            {"notes", json::array()},
            {"sources", {"s"}},
            {"overlaps", {overlap}}};
  }
  static json overlap()
  {
    return {{"fleet", "hopper-2024"},
            {"owners", {"ByteDance"}},
            {"parts", {"h20"}},
            {"years", {2024}},
            {"counted_in", "/entries/0"},
            {"why", "test"}};
  }
  static std::string reject(const json& j)
  {
    return test::input_error_message([&] {
      const fleet f = parse_fleet({"data/fleets/decl.json", j.dump()}, *parts);
      check_overlaps({f}, *fleets);
    });
  }
};

TEST_F(fleet_overlap_test, overlapping_inventories_are_refused_with_the_declaration)
{
  // main: `fleet hopper-2024 china-h20-2024` counted ByteDance's and Tencent's H20s twice.
  const auto message = test::input_error_message(
      [&] { resolve_holdings({builtin("hopper-2024"), builtin("china-h20-2024")}, *parts, overlap_policy{}); });
  EXPECT_EQ(message.rfind("data/fleets/china-h20-2024.json: /overlaps/0: these inventories overlap: hopper-2024's "
                          "holdings of ByteDance, Tencent (h20) are also counted in china-h20-2024 /entries/0",
                          0),
            0u)
      << message;
  EXPECT_NE(message.find("--dedupe"), std::string::npos);
  // Each file alone is fine.
  EXPECT_NO_THROW(resolve_holdings({builtin("hopper-2024")}, *parts, overlap_policy{}));
}

TEST_F(fleet_overlap_test, dedupe_counts_the_h20s_once)
{
  std::vector<std::string> notes;
  const auto h = resolve_holdings({builtin("hopper-2024"), builtin("china-h20-2024")}, *parts, overlap_policy{true, &notes});
  ASSERT_EQ(notes.size(), 1u);
  capacity_options o;
  o.by = group_key::part;
  for (const auto& g : aggregate_capacity(h, *parts, *metrics, o)) {
    if (g.key == "h20") {
      // Only the China-wide forecast's 1.00M-1.05M-1.20M (FT, July 2024) remains.
      EXPECT_DOUBLE_EQ(g.totals.units.value.low, 1.0e6);
      EXPECT_DOUBLE_EQ(g.totals.units.value.mid, 1.05e6);
      EXPECT_DOUBLE_EQ(g.totals.units.value.high, 1.2e6);
    }
  }
  // ByteDance keeps its non-H20 Hopper: 230k x (1 - H20 share 0.85) at the mid.
  o.by = group_key::owner;
  for (const auto& g : aggregate_capacity(h, *parts, *metrics, o)) {
    if (g.key == "ByteDance") {
      EXPECT_NEAR(g.totals.units.value.mid, 230000 * 0.15, 1e-6);
    }
  }
}

TEST_F(fleet_overlap_test, bad_input_overlap_declarations)
{
  auto o = overlap();
  o["fleet"] = "hoper-2024";
  EXPECT_EQ(reject(declaring_file(o)),
            "data/fleets/decl.json: /overlaps/0/fleet: unknown inventory \"hoper-2024\" (closest: hopper-2024)");
  o = overlap();
  o["owners"] = {"ByteDance", "Bytedance"};
  EXPECT_EQ(reject(declaring_file(o)),
            "data/fleets/decl.json: /overlaps/0/owners/1: inventory \"hopper-2024\" has no owner \"Bytedance\"");
  o = overlap();
  o["counted_in"] = "/entries/3";
  EXPECT_EQ(reject(declaring_file(o)),
            "data/fleets/decl.json: /overlaps/0/counted_in: \"/entries/3\" names no entry of this file (it has 1)");
  o = overlap();
  o["fleet"] = "decl";
  EXPECT_EQ(reject(declaring_file(o)), "data/fleets/decl.json: /overlaps/0/fleet: an inventory cannot overlap itself");
  o = overlap();
  o["parts"] = {"h2O"};
  EXPECT_EQ(reject(declaring_file(o)).rfind("data/fleets/decl.json: /overlaps/0/parts/0: unknown part id \"h2O\"", 0), 0u);
  o = overlap();
  o["years"] = {"2024"};
  EXPECT_EQ(reject(declaring_file(o)),
            "data/fleets/decl.json: /overlaps/0/years/0: expected a year from 1990 to 2100, got a string \"2024\"")
      << reject(declaring_file(o));
  o = overlap();
  o.erase("why");
  EXPECT_EQ(reject(declaring_file(o)), "data/fleets/decl.json: /overlaps/0/why: missing required field");
  auto j = declaring_file(overlap());
  j["overlaps"] = "hopper-2024";
  EXPECT_EQ(reject(j).rfind("data/fleets/decl.json: /overlaps: expected an array of overlap declarations", 0), 0u);
}

TEST_F(fleet_overlap_test, installed_base_spreads_deliveries_and_retires_after_the_service_life)
{
  const auto& hopper = builtin("hopper-2024");
  auto units_of = [&](const std::vector<fleet>& fs) {
    capacity_options o;
    return aggregate_total(resolve_holdings(fs, *parts), *parts, *metrics, o).totals.units.value.mid;
  };
  const double all = units_of({hopper});
  std::vector<std::string> notes;
  // 2024 deliveries spread over 2024: on 1 Jan 2025 all are in; 1 Jul 2024 (day 182 of 366) 49.7 %.
  EXPECT_DOUBLE_EQ(units_of(installed_base({hopper}, {2025, 1, 1}, 6.0, notes)), all);
  EXPECT_NEAR(units_of(installed_base({hopper}, {2024, 7, 1}, 6.0, notes)) / all, 182.0 / 366.0, 1e-12);
  // Six-year life: half retired by 2 Jul 2030 (day 182 of 365), all by 1 Jan 2031.
  EXPECT_NEAR(units_of(installed_base({hopper}, {2030, 7, 2}, 6.0, notes)) / all, 1.0 - 182.0 / 365.0, 1e-12);
  EXPECT_TRUE(installed_base({hopper}, {2031, 1, 1}, 6.0, notes).empty());
  // Plans are never installed.
  notes.clear();
  EXPECT_NE(test::input_error_message([&] { installed_base({builtin("bytedance-2025")}, {2026, 1, 1}, 6.0, notes); })
                .find("hold no delivered entries"),
            std::string::npos);
  EXPECT_EQ(test::input_error_message([&] { installed_base({hopper}, {2023, 12, 31}, 6.0, notes); }),
            "--as-of 2023-12-31: before any delivery in the inventories (the earliest is in 2024)");
  EXPECT_NE(test::input_error_message([&] { installed_base({hopper}, {2025, 1, 1}, 0.0, notes); }).find("--service-life"),
            std::string::npos);
}

}  // namespace
}  // namespace fleetcap
