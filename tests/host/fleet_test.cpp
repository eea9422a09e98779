// Fleet inventories: loading, bad input, resolution into holdings, seed statements from the
// reporting reproduced from data, and the Monte Carlo against the analytic mid.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>

#include "fleetcap/capacity.hpp"
#include "fleetcap/fleet.hpp"
#include "test_util.hpp"

namespace fleetcap {
namespace {

using nlohmann::json;

class fleets : public ::testing::Test {
 protected:
  static void SetUpTestSuite()
  {
    parts = new std::vector<part_spec>(load_specs(*builtin_catalog()));
    metrics = new std::vector<part_metrics_range>(evaluate_parts(backend_kind::cpu, *parts));
  }
  static void TearDownTestSuite()
  {
    delete parts;
    delete metrics;
  }
  static fleet parse(const json& j) { return parse_fleet({"data/fleets/test.json", j.dump()}, *parts); }
  static std::string reject(const json& j)
  {
    return test::input_error_message([&] { parse(j); });
  }
  static json one_entry(json entry)
  {
    return {{"id", "test"}, {"name", "t"}, {"description", "d"}, {"entries", {entry}}, {"notes", json::array()},
            {"sources", {"s"}}};
  }
  static json entry()
  {
    return {{"owner", "O"}, {"country", "CN"}, {"year", 2024}, {"status", "delivered"}, {"part", "h20"},
            {"count", 1000}, {"source", "test"}};
  }
  static std::vector<capacity_group> capacity(const json& j, h100e_basis basis, group_key by = group_key::owner)
  {
    const auto h = resolve_holdings({parse(j)}, *parts);
    capacity_options o;
    o.basis = basis;
    o.by = by;
    return aggregate_capacity(h, *parts, *metrics, o);
  }
  static std::vector<part_spec>* parts;
  static std::vector<part_metrics_range>* metrics;
};

std::vector<part_spec>* fleets::parts = nullptr;
std::vector<part_metrics_range>* fleets::metrics = nullptr;

TEST_F(fleets, builtin_inventories_load_and_resolve)
{
  const auto all = load_fleets(*builtin_catalog(), *parts);
  ASSERT_GE(all.size(), 3u);
  const auto holdings = resolve_holdings(all, *parts);
  EXPECT_GT(holdings.size(), 10u);
  for (const auto& h : holdings) {
    EXPECT_LE(h.units.low, h.units.mid) << h.owner;
    EXPECT_LE(h.units.mid, h.units.high) << h.owner;
    EXPECT_FALSE(h.trail.empty());
  }
}

// FT, 4 Jul 2024: "more than a million H20s at $12,000-13,000 each" is $12-13bn.
TEST_F(fleets, a_million_h20_cost_12_to_13_billion)
{
  auto e = entry();
  e["count"] = 1000000;
  const auto g = capacity(one_entry(e), h100e_basis::int8);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_DOUBLE_EQ(g[0].totals.capex_usd.value.low, 12e9);
  EXPECT_DOUBLE_EQ(g[0].totals.capex_usd.value.high, 13e9);
}

// Omdia via FT: ByteDance ~230,000 (mostly H20) vs Microsoft 485,000 Hopper, in H100e on each
// basis. The H20's dense 8-bit 296 TOPS and BF16 148 TFLOP/s are 14.96 % of the H100's; its
// TPP 2,368 is 14.96 % of 15,831.2.
TEST_F(fleets, h20_against_h100_on_each_basis)
{
  auto h20 = entry();
  h20["count"] = 230000;
  auto h100 = entry();
  h100["owner"] = "Microsoft";
  h100["part"] = "h100-sxm";
  h100["count"] = 485000;
  auto j = one_entry(h20);
  j["entries"].push_back(h100);
  for (auto basis : {h100e_basis::int8, h100e_basis::tpp, h100e_basis::bf16}) {
    const auto g = capacity(j, basis);
    ASSERT_EQ(g.size(), 2u);
    EXPECT_EQ(g[0].key, "Microsoft");
    EXPECT_NEAR(g[0].totals.h100e.value.mid, 485000, 485000 * 1e-4) << h100e_basis_name(basis);
    EXPECT_NEAR(g[1].totals.h100e.value.mid, 230000 * 296.0 / 1979.0, 230000 * 1e-3) << h100e_basis_name(basis);
  }
}

// Epoch AI: China's H20 stock, 958,411 units (cumulative median through 2024) = 143,350 H100e on
// the 8-bit basis.
TEST_F(fleets, epoch_h20_stock_in_h100e)
{
  auto e = entry();
  e["count"] = 958411;
  const double h100e = capacity(one_entry(e), h100e_basis::int8)[0].totals.h100e.value.mid;
  EXPECT_NEAR(h100e, 143350, 143350 * 0.01);
  std::printf("958,411 H20 = %.0f H100e (Epoch: 143,350; off by %+.3f%%)\n", h100e, 100 * (h100e - 143350) / 143350);
}

TEST_F(fleets, budget_becomes_units_through_price_and_rate)
{
  auto e = entry();
  e.erase("count");
  e["budget"] = {{"amount", 40e9}, {"currency", "CNY"}, {"usd_per_unit", 0.1375}, {"exchange_rate_source", "FT"}};
  const auto h = resolve_holdings({parse(one_entry(e))}, *parts);
  ASSERT_EQ(h.size(), 1u);
  // $5.5bn / $13k .. $5.5bn / $12k H20s (interval: the low end takes the high price).
  EXPECT_NEAR(h[0].units.low, 5.5e9 / 13000, 1e-3);
  EXPECT_NEAR(h[0].units.high, 5.5e9 / 12000, 1e-3);
  EXPECT_NEAR(h[0].capex_usd.mid, 5.5e9, 1.0);
}

TEST_F(fleets, mix_splits_counts_by_share)
{
  auto e = entry();
  e.erase("part");
  e["mix"] = {{{"part", "h20"}, {"share", {{"low", 0.6}, {"mid", 0.8}, {"high", 0.9}}}},
              {{"part", "h100-sxm"}, {"share", 0.2}}};
  const auto h = resolve_holdings({parse(one_entry(e))}, *parts);
  ASSERT_EQ(h.size(), 2u);
  // The h100 share is fixed at 0.2, so the h20 share is exactly 0.8 whatever its own range says.
  EXPECT_DOUBLE_EQ(h[0].units.low, 800);
  EXPECT_DOUBLE_EQ(h[0].units.high, 800);
  EXPECT_DOUBLE_EQ(h[0].units.mid, 800);
  EXPECT_DOUBLE_EQ(h[1].units.mid, 200);
}

// --- bad input ---------------------------------------------------------------------------

TEST_F(fleets, bad_input_unknown_part_suggests_closest)
{
  auto e = entry();
  e["part"] = "h2O";
  EXPECT_EQ(reject(one_entry(e)).rfind("data/fleets/test.json: /entries/0/part: unknown part id \"h2O\" (closest: h20", 0), 0u)
      << reject(one_entry(e));
}

TEST_F(fleets, bad_input_counts)
{
  auto e = entry();
  e["count"] = -5;
  EXPECT_EQ(reject(one_entry(e)), "data/fleets/test.json: /entries/0/count: expected a positive number, got -5");
  e["count"] = {{"low", 10}, {"high", 5}};
  EXPECT_EQ(reject(one_entry(e)), "data/fleets/test.json: /entries/0/count: low 10 is above high 5");
  e["count"] = "1000";
  EXPECT_NE(reject(one_entry(e)).find("/entries/0/count: expected a positive number"), std::string::npos);
  const std::string text = R"({"id":"test","name":"t","description":"d","notes":[],"sources":["s"],"entries":[{"owner":"O","country":"CN","year":2024,"status":"delivered","part":"h20","count":1e400,"source":"x"}]})";
  EXPECT_NE(test::input_error_message([&] { parse_fleet({"data/fleets/test.json", text}, *parts); })
                .find("(field \"count\"): number 1e400 is not finite"),
            std::string::npos);
}

TEST_F(fleets, bad_input_shares_must_sum_to_one)
{
  auto e = entry();
  e.erase("part");
  e["mix"] = {{{"part", "h20"}, {"share", 0.5}}, {{"part", "h100-sxm"}, {"share", 0.4}}};
  EXPECT_EQ(reject(one_entry(e)), "data/fleets/test.json: /entries/0/mix: the shares' mids sum to 0.9, not 1 (within 1e-9)");
  e["mix"] = {{{"part", "h20"}, {"share", 1.5}}};
  EXPECT_NE(reject(one_entry(e)).find("/entries/0/mix/0/share: a share must be at most 1"), std::string::npos);
}

TEST_F(fleets, bad_input_currency_and_budget)
{
  auto e = entry();
  e.erase("count");
  e["budget"] = {{"amount", 1e9}, {"currency", "XYZ"}, {"usd_per_unit", 0.1}, {"exchange_rate_source", "x"}};
  EXPECT_NE(reject(one_entry(e)).find("/entries/0/budget/currency: unknown currency \"XYZ\" (known: USD, CNY"),
            std::string::npos);
  e["budget"] = {{"amount", 1e9}, {"currency", "CNY"}};
  EXPECT_NE(reject(one_entry(e)).find("/entries/0/budget/usd_per_unit: missing required field"), std::string::npos);
  // A budget buying a part with no catalogue price and no override.
  e["budget"] = {{"amount", 1e9}, {"currency", "USD"}};
  e["part"] = "ascend-910b";
  EXPECT_NE(test::input_error_message([&] { resolve_holdings({parse(one_entry(e))}, *parts); })
                .find("/entries/0/budget: part \"ascend-910b\" has no price"),
            std::string::npos);
}

TEST_F(fleets, bad_input_structure)
{
  auto j = one_entry(entry());
  j["entries"] = json::array();
  EXPECT_EQ(reject(j), "data/fleets/test.json: /entries: the inventory is empty");
  auto e = entry();
  e["status"] = "rumoured";
  EXPECT_NE(reject(one_entry(e)).find("/entries/0/status: expected planned, ordered or delivered"), std::string::npos);
  e = entry();
  e["budget"] = {{"amount", 1}, {"currency", "USD"}};
  EXPECT_NE(reject(one_entry(e)).find("give either \"count\" or \"budget\", not both"), std::string::npos);
  e = entry();
  e.erase("source");
  EXPECT_EQ(reject(one_entry(e)), "data/fleets/test.json: /entries/0/source: missing required field");
}

// --- Monte Carlo -------------------------------------------------------------------------

TEST_F(fleets, monte_carlo_p50_matches_the_analytic_mid)
{
  // A symmetric count range and exact per-unit figures: the median of the total is the mid.
  auto e = entry();
  e["part"] = "h100-sxm";
  e["count"] = {{"low", 90000}, {"mid", 100000}, {"high", 110000}};
  const auto j = one_entry(e);
  const auto h = resolve_holdings({parse(j)}, *parts);
  capacity_options o;
  const auto groups = aggregate_capacity(h, *parts, *metrics, o);
  for (auto dist : {mc_distribution::triangular, mc_distribution::pert}) {
    monte_carlo_options mc{1000000, 42, dist};
    const auto q = monte_carlo_capacity(backend_kind::cpu, h, *parts, *metrics, groups, o, mc_metric::units, mc);
    ASSERT_EQ(q.size(), 2u);  // the group and the total
    // Sampling error of the median at N = 1e6: sd(triangular(0.9,1,1.1) x 1e5) ~ 4,082;
    // se(median) ~ 1.25 sd / sqrt(N) ~ 5. Allow 10 se.
    EXPECT_NEAR(q[0].p50, 100000, 50) << distribution_name(dist);
    EXPECT_NEAR(q[0].mean, 100000, 50) << distribution_name(dist);
    EXPECT_LT(q[0].p5, q[0].p50);
    EXPECT_GT(q[0].p95, q[0].p50);
    EXPECT_GE(q[0].p5, 90000);
    EXPECT_LE(q[0].p95, 110000);
    EXPECT_DOUBLE_EQ(q[1].p50, q[0].p50);  // one group: the total is the group
  }
}

TEST_F(fleets, monte_carlo_is_reproducible_and_seed_dependent)
{
  const auto all = load_fleets(*builtin_catalog(), *parts);
  const auto h = resolve_holdings(all, *parts);
  capacity_options o;
  const auto groups = aggregate_capacity(h, *parts, *metrics, o);
  monte_carlo_options mc{20000, 7, mc_distribution::pert};
  const auto a = monte_carlo_capacity(backend_kind::cpu, h, *parts, *metrics, groups, o, mc_metric::h100e, mc);
  const auto b = monte_carlo_capacity(backend_kind::cpu, h, *parts, *metrics, groups, o, mc_metric::h100e, mc);
  mc.seed = 8;
  const auto c = monte_carlo_capacity(backend_kind::cpu, h, *parts, *metrics, groups, o, mc_metric::h100e, mc);
  ASSERT_EQ(a.size(), groups.size() + 1);
  for (std::size_t g = 0; g < a.size(); ++g) {
    EXPECT_EQ(a[g].p50, b[g].p50);
    EXPECT_EQ(a[g].p95, b[g].p95);
  }
  EXPECT_NE(a.back().p50, c.back().p50);
  // Quantiles stay inside the interval bounds of the total.
  const auto total = aggregate_total(h, *parts, *metrics, o);
  EXPECT_GE(a.back().p5, total.totals.h100e.value.low);
  EXPECT_LE(a.back().p95, total.totals.h100e.value.high);
}

TEST_F(fleets, monte_carlo_refuses_oversized_sample_matrices)
{
  const auto h = resolve_holdings({parse(one_entry(entry()))}, *parts);
  capacity_options o;
  const auto groups = aggregate_capacity(h, *parts, *metrics, o);
  monte_carlo_options mc{std::uint64_t{1} << 40, 1, mc_distribution::triangular};
  EXPECT_NE(test::input_error_message([&] {
              monte_carlo_capacity(backend_kind::cpu, h, *parts, *metrics, groups, o, mc_metric::units, mc);
            }).find("too large to hold"),
            std::string::npos);
}

}  // namespace
}  // namespace fleetcap
