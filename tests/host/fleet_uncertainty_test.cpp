// Correlated uncertainty on the built-in inventories (issue 9, "What is wrong today"): a mix is
// one composition, a point count stays a point, Monte Carlo quantiles stay inside the
// published bounds and agree with the interval mids, and a budget is spent once.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>

#include "fleetcap/capacity.hpp"
#include "fleetcap/fleet.hpp"
#include "builtin_fleets_fixture.hpp"
#include "test_util.hpp"

namespace fleetcap {
namespace {

class fleet_uncertainty : public test::builtin_fleets {
 protected:
  static const capacity_group& group(const std::vector<capacity_group>& gs, const std::string& key)
  {
    for (const auto& g : gs) {
      if (g.key == key) {
        return g;
      }
    }
    throw std::runtime_error("no group " + key);
  }
};

TEST_F(fleet_uncertainty, microsofts_485k_hopper_stay_a_point_count)
{
  // Omdia via the FT (Dec 2024): Microsoft bought 485,000 Hopper GPUs in 2024, a plain
  // figure. The H100/H200 split is uncertain, but both parts have the same compute, so units
  // and H100e are exactly 485,000 (main printed 485k [315k-655k]).
  const auto h = resolve_holdings({builtin("hopper-2024")}, *parts);
  for (auto basis : {h100e_basis::int8, h100e_basis::tpp, h100e_basis::bf16}) {
    capacity_options o;
    o.basis = basis;
    // Kept by value: the aggregate is a temporary, and a reference into it dangled (found by
    // the asan preset, issue 12).
    const auto groups = aggregate_capacity(h, *parts, *metrics, o);
    const auto& ms = group(groups, "Microsoft").totals;
    for (const auto* s : {&ms.units, &ms.h100e}) {
      EXPECT_DOUBLE_EQ(s->value.low, s->value.high) << h100e_basis_name(basis);
      EXPECT_DOUBLE_EQ(s->value.mid, s->value.high) << h100e_basis_name(basis);
      // On the TPP basis one H100 is 15,832 / 15,831.2 = 1.00005 H100e (kernels/capacity.cuh).
      EXPECT_NEAR(s->value.mid, 485000, 485000 * 6e-5) << h100e_basis_name(basis);
      EXPECT_FALSE(s->incomplete);
    }
    EXPECT_DOUBLE_EQ(ms.units.value.mid, 485000);
  }
}

TEST_F(fleet_uncertainty, a_holdings_range_is_its_feasible_share_of_the_count)
{
  // Microsoft's h200 share is 0.05-0.4 and the h100's 0.6-0.95: the h100 can be at most
  // 1 - 0.05 = 0.95 and at least 1 - 0.4 = 0.6 of 485,000, within its own bounds.
  const auto h = resolve_holdings({builtin("hopper-2024")}, *parts);
  const holding& ms_h100 = h.front();
  ASSERT_EQ(ms_h100.owner, "Microsoft");
  EXPECT_DOUBLE_EQ(ms_h100.units.low, 0.6 * 485000);
  EXPECT_DOUBLE_EQ(ms_h100.units.high, 0.95 * 485000);
}

TEST_F(fleet_uncertainty, totals_by_part_equal_totals_by_owner)
{
  // The total is one sum over all holdings, whatever the grouping (main added the groups'
  // independent intervals, so a by-part total was wider than a by-owner one).
  const auto h = resolve_holdings(*fleets, *parts);
  capacity_options by_owner, by_part;
  by_part.by = group_key::part;
  const auto a = aggregate_total(h, *parts, *metrics, by_owner).totals.h100e.value;
  const auto b = aggregate_total(h, *parts, *metrics, by_part).totals.h100e.value;
  EXPECT_DOUBLE_EQ(a.low, b.low);
  EXPECT_DOUBLE_EQ(a.high, b.high);
}

TEST_F(fleet_uncertainty, budgets_are_spent_once)
{
  // bytedance-2025: main totalled up to $20.9bn of capex from at most $12.3bn of budget.
  const auto& f = builtin("bytedance-2025");
  double budget_high = 0.0;
  for (const auto& e : f.entries) {
    ASSERT_FALSE(e.has_count);
    budget_high += e.budget.amount.high * e.budget.usd_per_unit.high;
  }
  const auto h = resolve_holdings({f}, *parts);
  for (auto by : {group_key::owner, group_key::part}) {
    capacity_options o;
    o.by = by;
    const auto groups = aggregate_capacity(h, *parts, *metrics, o);
    const auto total = aggregate_total(h, *parts, *metrics, o);
    EXPECT_LE(total.totals.capex_usd.value.high, budget_high * (1 + 1e-12));
    const monte_carlo_options mc{50000, 3, mc_distribution::triangular};
    const auto q = monte_carlo_capacity(backend_kind::cpu, h, *parts, *metrics, groups, o, mc_metric::capex_usd, mc);
    EXPECT_LE(q.back().p95, budget_high * (1 + 1e-12));
  }
}

TEST_F(fleet_uncertainty, monte_carlo_stays_inside_the_interval_and_medians_agree_with_the_mids)
{
  // Target of issue 9: every Monte Carlo p5-p95 inside the interval, on every built-in
  // inventory, grouped by owner and by part, for every Monte Carlo metric; and medians within
  // 2 % of the interval mids by owner and in total (main: ByteDance p95 296k units above the
  // file's 253k; H100e 63.7k vs 82.2k).
  //
  // Each input's median is its mid (composition.cuh), but medians do not add or multiply:
  // a budget entry is amount x share / price, three independent skewed draws, and its median
  // sits up to 5 % below the product of the mids on bytedance-2025 (whose overseas budget has
  // its mid at its high, 3.4-6.8-6.8 bn). Grouped by part, a part's units are summed over
  // owners whose shares are right-skewed (H800 0.01-0.05-0.2), and the median of the sum is up
  // to 8 % above the sum of the mids (hopper-2024, h800-sxm; 10 % for bytedance-2025 ascend-910b);
  // only containment is asserted there.
  const mc_metric all[] = {mc_metric::units, mc_metric::h100e, mc_metric::bf16_flop_per_s,
                           mc_metric::tpp,   mc_metric::facility_watts, mc_metric::capex_usd};
  for (const auto& f : *fleets) {
    const auto h = resolve_holdings({f}, *parts);
    for (auto by : {group_key::owner, group_key::part}) {
      for (auto dist : {mc_distribution::triangular, mc_distribution::pert}) {
        capacity_options o;
        o.by = by;
        const auto groups = aggregate_capacity(h, *parts, *metrics, o);
        const auto total = aggregate_total(h, *parts, *metrics, o);
        for (auto m : all) {
          const monte_carlo_options mc{40000, 11, dist};
          const auto q = monte_carlo_capacity(backend_kind::cpu, h, *parts, *metrics, groups, o, m, mc);
          for (std::size_t g = 0; g <= groups.size(); ++g) {
            const auto& t = g < groups.size() ? groups[g].totals : total.totals;
            const summed* s = nullptr;
            switch (m) {
              case mc_metric::units: s = &t.units; break;
              case mc_metric::h100e: s = &t.h100e; break;
              case mc_metric::bf16_flop_per_s:
                s = &t.dense_ops_per_s[static_cast<std::size_t>(numeric_format::bf16)];
                break;
              case mc_metric::tpp: s = &t.tpp; break;
              case mc_metric::facility_watts: s = &t.facility_watts; break;
              case mc_metric::capex_usd: s = &t.capex_usd; break;
            }
            const std::string where = f.id + " by " + group_key_name(by) + " " +
                                      (g < groups.size() ? groups[g].key : "total") + " " + mc_metric_name(m) +
                                      " " + distribution_name(dist);
            const double tol = 1e-9 * std::max(1.0, s->value.high);
            EXPECT_GE(q[g].p5, s->value.low - tol) << where;
            EXPECT_LE(q[g].p95, s->value.high + tol) << where;
            const bool budgets = !f.entries.front().has_count;
            if (s->value.mid > 0 && (by == group_key::owner || g == groups.size())) {
              EXPECT_NEAR(q[g].p50 / s->value.mid, 1.0, budgets ? 0.05 : 0.02)
                  << where << " interval mid " << s->value.mid;
            }
          }
        }
      }
    }
  }
}

TEST_F(fleet_uncertainty, bytedance_2024_units_never_leave_omdias_range)
{
  const auto h = resolve_holdings({builtin("hopper-2024")}, *parts);
  capacity_options o;
  const auto groups = aggregate_capacity(h, *parts, *metrics, o);
  const monte_carlo_options mc{1000000, 1, mc_distribution::triangular};
  const auto q = monte_carlo_capacity(backend_kind::cpu, h, *parts, *metrics, groups, o, mc_metric::units, mc);
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (groups[g].key == "ByteDance") {
      EXPECT_GE(q[g].p5, 207000);
      EXPECT_LE(q[g].p95, 253000);  // main: 296k
      EXPECT_NEAR(q[g].p50, 230000, 500);
    }
  }
}

TEST_F(fleet_uncertainty, chinas_2024_total_no_longer_depends_on_the_basis)
{
  // main: 335k / 212k / 392k H100e on the int8 / bf16 / tpp bases, because the 910C (no 8-bit
  // figure) and the 910B (no BF16 figure) counted as zero. With the documented substitutes the
  // three bases agree within 1 % and every total is complete.
  const auto h = resolve_holdings({builtin("china-h20-2024")}, *parts);
  double mids[3];
  int k = 0;
  for (auto basis : {h100e_basis::int8, h100e_basis::tpp, h100e_basis::bf16}) {
    capacity_options o;
    o.basis = basis;
    const auto t = aggregate_total(h, *parts, *metrics, o).totals.h100e;
    EXPECT_FALSE(t.incomplete) << h100e_basis_name(basis);
    mids[k++] = t.value.mid;
  }
  EXPECT_NEAR(mids[0] / mids[1], 1.0, 0.01);
  EXPECT_NEAR(mids[2] / mids[1], 1.0, 0.01);
}

TEST_F(fleet_uncertainty, bad_input_mixes)
{
  const auto reject = [&](const nlohmann::json& mix) {
    nlohmann::json j = {{"id", "test"},
                        {"name", "t"},
                        {"description", "d"},
                        {"entries",
                         {{{"owner", "O"},
                           {"country", "CN"},
                           {"year", 2024},
                           {"status", "delivered"},
                           {"mix", mix},
                           {"count", 1000},
                           {"source", "test"}}}},
                        {"notes", nlohmann::json::array()},
                        {"sources", {"s"}}};
    return test::input_error_message([&] { parse_fleet({"data/fleets/test.json", j.dump()}, *parts); });
  };
  using nlohmann::json;
  EXPECT_EQ(reject(json::array({{{"part", "h20"}, {"share", {{"low", 0.7}, {"mid", 0.8}, {"high", 0.9}}}},
                                {{"part", "h100-sxm"}, {"share", {{"low", 0.15}, {"mid", 0.2}, {"high", 0.25}}}},
                                {{"part", "h200-sxm"}, {"share", {{"low", 0.0001}, {"mid", 0.0001}, {"high", 0.0001}}}}})),
            "data/fleets/test.json: /entries/0/mix: the shares' mids sum to 1.0001, not 1 (within 1e-9)");
  EXPECT_NE(reject(json::array({{{"part", "h20"}, {"share", {{"low", 0.75}, {"mid", 0.8}, {"high", 0.85}}}},
                                {{"part", "h100-sxm"}, {"share", {{"low", 0.19}, {"mid", 0.2}, {"high", 0.21}}}},
                                {{"part", "h200-sxm"}, {"share", {{"low", 0.0}, {"mid", 0.0}, {"high", 0.0}}}}}))
                .find("/entries/0/mix/2/share/low: expected a positive number, got 0.0"),
            std::string::npos);
  EXPECT_EQ(reject(json::array({{{"part", "h20"}, {"share", {{"low", 0.5}, {"mid", 0.5}, {"high", 0.5}}}},
                                {{"part", "h20"}, {"share", {{"low", 0.5}, {"mid", 0.5}, {"high", 0.5}}}}})),
            "data/fleets/test.json: /entries/0/mix: part \"h20\" appears twice (items 0 and 1)");
}

}  // namespace
}  // namespace fleetcap
