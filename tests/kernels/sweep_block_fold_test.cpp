// The CPU sweep's block fold (kernels/sweep_block_fold.cuh) against the point fold it replaces,
// block by block: counts, extremes, argmins, histogram and quantile bins exactly, sums to
// rounding. The blocks are built to take each histogram path: one sorted run of kept points
// (ascending, descending, constant, with ties, kept as a prefix, a suffix or a middle), and the
// per-point fallback (unsorted, two runs, a rise and a fall), with values on bin edges and
// outside the histogram's range.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "kernels/sweep.cuh"
#include "sweep_expect.hpp"

namespace fleetcap {
namespace {

constexpr int block = 128;
constexpr int metrics = 3;  // 0: objective and histogram metric, 1: filter flag, 2: a counted metric

std::unique_ptr<sweep_config> config_for_tests()
{
  auto c = std::make_unique<sweep_config>();
  *c = sweep_config{};
  c->objective_metric = 0;
  c->filter_metric = 1;
  c->filter_op = static_cast<int>(sweep_op::not_equal);
  c->filter_value = 0.0;
  c->predicate_count = 2;
  c->predicate_metric[0] = 0;
  c->predicate_op[0] = static_cast<int>(sweep_op::less);
  c->predicate_value[0] = 40.0;
  c->predicate_metric[1] = 2;
  c->predicate_op[1] = static_cast<int>(sweep_op::equal);
  c->predicate_value[1] = 1.0;
  c->histogram_metric = 0;
  c->histogram_bins = 10;
  c->histogram_low = 10.0;
  c->histogram_high = 90.0;
  c->histogram_scale = 10.0 / 80.0;
  // Quantile edges: uneven, some on the values the blocks use; the rest +infinity, as the host
  // leaves unused entries.
  const double edges[] = {0.5, 5.0, 12.0, 12.5, 20.0, 33.0, 41.0, 50.0, 50.5, 64.0, 70.0, 88.0, 95.0, 120.0};
  c->quantile_edge_count = static_cast<int>(sizeof edges / sizeof edges[0]);
  std::fill(c->quantile_edges, c->quantile_edges + sweep_max_quantile_edges, HUGE_VAL);
  std::copy(std::begin(edges), std::end(edges), c->quantile_edges);
  c->checked_count = 3;
  c->checked_metric[0] = 0;
  c->checked_metric[1] = 1;
  c->checked_metric[2] = 2;
  return c;
}

struct block_case {
  std::vector<double> value;  // metric 0
  std::vector<double> keep;   // metric 1
};

// The reference: every point through sweep_fold_point.
sweep_accumulator point_fold(const sweep_config& c, const block_case& b, std::uint64_t first)
{
  sweep_accumulator a = sweep_empty(c.objective_max);
  for (std::size_t j = 0; j < b.value.size(); ++j) {
    const double m[metrics] = {b.value[j], b.keep[j], std::fmod(b.value[j], 2.0) < 1.0 ? 1.0 : 0.0};
    sweep_fold_point(c, m, first + j, a);
  }
  return a;
}

sweep_accumulator block_fold(const sweep_config& c, const block_case& b, std::uint64_t first)
{
  const int n = static_cast<int>(b.value.size());
  std::vector<double> mb(metrics * block, 0.0);
  for (int j = 0; j < n; ++j) {
    mb[0 * block + j] = b.value[j];
    mb[1 * block + j] = b.keep[j];
    mb[2 * block + j] = std::fmod(b.value[j], 2.0) < 1.0 ? 1.0 : 0.0;
  }
  sweep_accumulator a = sweep_empty(c.objective_max);
  sweep_fold_block<block>(c, mb.data(), n, first, a);
  return a;
}

std::vector<double> ramp(int n, double from, double to)
{
  std::vector<double> v(static_cast<std::size_t>(n));
  for (int j = 0; j < n; ++j) {
    v[j] = from + (to - from) * j / (n > 1 ? n - 1 : 1);
  }
  return v;
}

std::vector<double> kept_between(int n, int from, int to)
{
  std::vector<double> k(static_cast<std::size_t>(n), 0.0);
  for (int j = from; j < to; ++j) {
    k[j] = 1.0;
  }
  return k;
}

TEST(sweep_block_fold, sorted_runs_match_the_point_fold)
{
  const auto c = config_for_tests();
  // Steps of 0.5 from 0 to 127.5 land on bin edges (10, 18, 26, ...) and quantile edges.
  const auto up = ramp(block, 0.0, 127.0);
  auto down = up;
  std::reverse(down.begin(), down.end());
  std::vector<double> ties = up;
  for (auto& x : ties) {
    x = std::floor(x / 8.0) * 8.0;  // runs of equal values across edges
  }
  const std::vector<block_case> cases = {
      {up, kept_between(block, 0, block)},
      {down, kept_between(block, 0, block)},
      {ties, kept_between(block, 0, block)},
      {up, kept_between(block, 0, 37)},       // a prefix
      {down, kept_between(block, 90, block)},  // a suffix
      {up, kept_between(block, 20, 101)},     // a middle
      {std::vector<double>(block, 50.0), kept_between(block, 0, block)},
      {std::vector<double>(block, 10.0), kept_between(block, 3, 4)},  // one point, on the range's low end
      {ramp(block, 90.0, 90.0), kept_between(block, 0, block)},       // on the high end (closed)
      {ramp(block, -5.0, 200.0), kept_between(block, 0, block)},      // below, across and above the range
      {ramp(57, 11.0, 89.0), kept_between(57, 0, 57)},                // a short last block
      {up, kept_between(block, 0, 0)},                                // nothing kept
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(i);
    test::expect_same_fold(block_fold(*c, cases[i], 1000), point_fold(*c, cases[i], 1000));
  }
}

TEST(sweep_block_fold, blocks_that_are_not_one_sorted_run_match_the_point_fold)
{
  const auto c = config_for_tests();
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> any(-20.0, 140.0);
  std::vector<double> shuffled(block);
  for (auto& x : shuffled) {
    x = std::round(any(random) * 2.0) / 2.0;  // halves: some on edges, some tied
  }
  auto peak = ramp(block, 0.0, 100.0);
  for (int j = block / 2; j < block; ++j) {
    peak[j] = 200.0 - peak[j];  // rises, then falls
  }
  auto two_runs = kept_between(block, 0, 30);
  for (int j = 60; j < 90; ++j) {
    two_runs[j] = 1.0;
  }
  std::vector<double> random_keep(block);
  for (auto& k : random_keep) {
    k = random() % 3 == 0 ? 0.0 : 1.0;
  }
  const std::vector<block_case> cases = {
      {shuffled, kept_between(block, 0, block)},
      {peak, kept_between(block, 0, block)},
      {ramp(block, 0.0, 127.0), two_runs},
      {shuffled, random_keep},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(i);
    test::expect_same_fold(block_fold(*c, cases[i], 77), point_fold(*c, cases[i], 77));
  }
}

TEST(sweep_block_fold, a_histogram_range_of_one_value_and_a_maximum_objective)
{
  auto c = config_for_tests();
  c->objective_max = 1;
  c->histogram_low = 42.0;
  c->histogram_high = 42.0;
  c->histogram_scale = 0.0;  // as the host sets it when the sample's range is a single value
  const auto up = ramp(block, 30.0, 60.0);
  for (const auto& keep : {kept_between(block, 0, block), kept_between(block, 10, 50)}) {
    const block_case b{up, keep};
    test::expect_same_fold(block_fold(*c, b, 5), point_fold(*c, b, 5));
  }
}


// Every comparison operator, as the filter and as a counted predicate, on values that sit on,
// just beside and far from the line (the pass turns < and > into closed ranges with the
// neighbouring double), in blocks of every length a row's last block can have.
TEST(sweep_block_fold, every_operator_as_filter_and_predicate_matches_the_point_fold)
{
  const double line = 40.0;
  const double below = std::nextafter(line, -HUGE_VAL), above = std::nextafter(line, HUGE_VAL);
  std::mt19937_64 random(11);
  const double picks[] = {line, below, above, -1e300, 1e300, 0.0, -0.0, 39.0, 41.0};
  for (int op = 0; op <= static_cast<int>(sweep_op::not_equal); ++op) {
    for (const int n : {1, 3, 4, 7, 8, 9, 63, 127, 128}) {
      SCOPED_TRACE(testing::Message() << "op " << op << ", n " << n);
      auto c = config_for_tests();
      c->filter_metric = 0;  // the objective filtered by its own line
      c->filter_op = op;
      c->filter_value = line;
      c->predicate_count = 3;
      c->predicate_metric[0] = 0;
      c->predicate_op[0] = op;
      c->predicate_value[0] = line;
      c->predicate_metric[1] = 1;
      c->predicate_op[1] = op;
      c->predicate_value[1] = 1.0;
      c->predicate_metric[2] = 2;
      c->predicate_op[2] = (op + 3) % 6;
      c->predicate_value[2] = 0.0;
      block_case b;
      for (int j = 0; j < n; ++j) {
        b.value.push_back(picks[random() % (sizeof picks / sizeof picks[0])]);
        b.keep.push_back(static_cast<double>(random() % 2));
      }
      test::expect_same_fold(block_fold(*c, b, 300), point_fold(*c, b, 300));
    }
  }
}

// Without a filter every point is kept; with the objective maximised the extremes swap roles.
TEST(sweep_block_fold, no_filter_and_a_maximum_objective_match_the_point_fold)
{
  for (const int objective_max : {0, 1}) {
    auto c = config_for_tests();
    c->filter_metric = -1;
    c->objective_max = objective_max;
    std::vector<double> values(block);
    for (int j = 0; j < block; ++j) {
      values[j] = static_cast<double>((j * 37) % 11);  // ties across lanes: the first index must win
    }
    const block_case b{values, kept_between(block, 0, block)};
    test::expect_same_fold(block_fold(*c, b, 9), point_fold(*c, b, 9));
  }
}

// A tie between -0.0 and 0.0 keeps the earlier point and its own sign, in a lane other than the
// first and in the masked last chunk.
TEST(sweep_block_fold, signed_zeros_tie_to_the_earlier_point)
{
  auto c = config_for_tests();
  c->filter_metric = -1;
  c->histogram_metric = -1;
  std::vector<double> values(13, 5.0);
  values[6] = -0.0;
  values[11] = 0.0;
  const block_case b{values, kept_between(13, 0, 13)};
  const auto got = block_fold(*c, b, 0);
  test::expect_same_fold(got, point_fold(*c, b, 0));
  EXPECT_EQ(got.best_index, 6u);
  EXPECT_TRUE(std::signbit(got.best));
}

// A block with a NaN or an infinity in any metric read, or a sum of metrics that overflows,
// goes to the point fold: the non-finite count and the first such point are those of the point
// fold, and an overflowing but finite block still folds exactly.
TEST(sweep_block_fold, non_finite_and_overflowing_blocks_fall_back_to_the_point_fold)
{
  const auto c = config_for_tests();
  for (const double bad : {std::nan(""), HUGE_VAL, -HUGE_VAL, 1.7e308}) {
    for (const int at : {0, 5, 126}) {
      SCOPED_TRACE(testing::Message() << bad << " at " << at);
      block_case b{ramp(block, 0.0, 127.0), kept_between(block, 0, block)};
      b.value[at] = bad;
      b.value[(at + 1) % block] = bad == 1.7e308 ? 1.7e308 : b.value[(at + 1) % block];
      const auto got = block_fold(*c, b, 50);
      const auto want = point_fold(*c, b, 50);
      test::expect_same_fold(got, want);
      EXPECT_EQ(got.nonfinite_index, want.nonfinite_index);
      EXPECT_EQ(got.nonfinite_metric, want.nonfinite_metric);
    }
  }
}

// The pass checks each metric read once (sweep_fold_lines::recheck): a NaN or an infinity in a
// metric read only by a predicate, or only by the histogram, still sends the block to the point
// fold, and a metric read in several roles (here the objective as histogram metric and as a
// predicate's) is still checked.
TEST(sweep_block_fold, a_non_finite_value_in_any_one_role_is_found)
{
  for (const int role : {0, 1, 2}) {  // 0: metric 2 a predicate's only; 1: the histogram's only; 2: the objective
    auto c = config_for_tests();
    if (role == 1) {
      c->predicate_metric[1] = 0;
      c->histogram_metric = 2;
      c->histogram_low = 0.0;
      c->histogram_high = 1.0;
      c->histogram_scale = 10.0;
    }
    for (const double bad : {std::nan(""), HUGE_VAL}) {
      for (const int at : {0, 77}) {
        SCOPED_TRACE(testing::Message() << "role " << role << " value " << bad << " at " << at);
        std::vector<double> mb(metrics * block, 0.0);
        std::vector<std::array<double, metrics>> points(block);
        for (int j = 0; j < block; ++j) {
          points[j] = {static_cast<double>(j), 1.0, j % 2 == 0 ? 1.0 : 0.0};
        }
        points[at][role == 2 ? 0 : 2] = bad;
        sweep_accumulator want = sweep_empty(c->objective_max);
        for (int j = 0; j < block; ++j) {
          for (int k = 0; k < metrics; ++k) {
            mb[k * block + j] = points[j][k];
          }
          sweep_fold_point(*c, points[j].data(), 9 + j, want);
        }
        sweep_accumulator got = sweep_empty(c->objective_max);
        sweep_fold_block<block>(*c, mb.data(), block, 9, got);
        EXPECT_EQ(got.nonfinite, 1u);
        test::expect_same_fold(got, want);
        EXPECT_EQ(got.nonfinite_index, want.nonfinite_index);
        EXPECT_EQ(got.nonfinite_metric, want.nonfinite_metric);
      }
    }
  }
}

#if defined(FC_SWEEP_LANES)
// The searches for an extreme's index, both widths, against a plain loop: every start and end
// (n up to two whole steps of 32 and a bit), with the value at several places, before `from`,
// and in the entries past n that a short block leaves stale.
TEST(sweep_block_fold, the_index_searches_match_a_plain_loop)
{
  std::vector<double> v(block, 0.0);
  for (int n = 1; n <= 72; ++n) {
    for (const int where : {0, 3, 7, 8, 31, 32, 33, 63, 64, 70}) {
      std::fill(v.begin(), v.end(), 1.0);
      for (int j = n; j < block; ++j) {
        v[j] = 5.0;  // stale entries past n hold the value too
      }
      if (where < n) {
        v[where] = 5.0;
      }
      for (int from = 0; from <= n; ++from) {
        int want = n;
        for (int j = from; j < n; ++j) {
          if (v[j] == 5.0) {
            want = j;
            break;
          }
        }
        EXPECT_EQ(sweep_first_equal_4(v.data(), from, n, 5.0), want) << n << " " << where << " " << from;
        if (sweep_cpu_has_8_lanes()) {
          EXPECT_EQ(sweep_first_equal_8(v.data(), from, n, 5.0), want) << n << " " << where << " " << from;
        }
      }
    }
  }
}

// The extreme's index is its first kept point: an equal value at a dropped point before it, a
// tie after it, and stale entries past n equal to it are all passed over.
TEST(sweep_block_fold, extremes_are_found_at_their_first_kept_point)
{
  auto c = config_for_tests();
  c->histogram_metric = -1;
  for (const bool maximum : {false, true}) {
    c->objective_max = maximum ? 1 : 0;
    const double extreme = maximum ? 99.0 : -3.0;
    for (const int n : {9, 40, 77, 128}) {
      std::vector<double> mb(metrics * block, extreme);  // stale entries past n: the extreme, kept
      for (int j = 0; j < n; ++j) {
        mb[0 * block + j] = 20.0 + j % 7;
        mb[1 * block + j] = 1.0;
      }
      mb[0 * block + 2] = extreme;  // dropped by the filter
      mb[1 * block + 2] = 0.0;
      mb[0 * block + n - 3] = extreme;  // the first kept one
      mb[0 * block + n - 1] = extreme;  // a tie after it
      for (int j = 0; j < n; ++j) {
        mb[2 * block + j] = std::fmod(mb[0 * block + j], 2.0) < 1.0 ? 1.0 : 0.0;  // as point_fold has it
      }
      sweep_accumulator a = sweep_empty(c->objective_max);
      sweep_fold_block<block>(*c, mb.data(), n, 1000, a);
      EXPECT_EQ(a.best, extreme) << n;
      EXPECT_EQ(a.best_index, 1000u + static_cast<std::uint64_t>(n - 3)) << n;
      block_case b{std::vector<double>(mb.begin(), mb.begin() + n), std::vector<double>(mb.begin() + block, mb.begin() + block + n)};
      test::expect_same_fold(a, point_fold(*c, b, 1000));
    }
  }
}

// Both lane widths give the same pass on every block, whichever this CPU runs (the 8-lane one
// only where the CPU has AVX-512).
TEST(sweep_block_fold, four_and_eight_lanes_agree)
{
  auto c = config_for_tests();
  c->histogram_metric = -1;
  const sweep_fold_lines l = sweep_fold_lines_of(*c);
  std::mt19937_64 random(5);
  for (const int n : {1, 5, 8, 13, 64, 100, 128}) {
    std::vector<double> mb(metrics * block, 0.0);
    for (int j = 0; j < n; ++j) {
      mb[0 * block + j] = static_cast<double>(random() % 50);
      mb[1 * block + j] = static_cast<double>(random() % 2);
      mb[2 * block + j] = static_cast<double>(random() % 2);
    }
    const double* pm[sweep_max_predicates] = {mb.data(), mb.data() + 2 * block, mb.data(), mb.data()};
    double keep[block];
    const auto four = sweep_block_pass_with<sweep_lanes_4, 2, false>(l, mb.data(), mb.data() + block, pm, mb.data(), n, keep);
    const auto point = point_fold(*c, block_case{std::vector<double>(mb.begin(), mb.begin() + n),
                                                 std::vector<double>(mb.begin() + block, mb.begin() + block + n)},
                                  0);
    EXPECT_EQ(four.kept, point.valid) << n;
    EXPECT_EQ(four.count[0], point.predicate[0]) << n;
    if (!sweep_cpu_has_8_lanes()) {
      continue;
    }
    const auto eight = sweep_block_pass_with<sweep_lanes_8, 2, false>(l, mb.data(), mb.data() + block, pm, mb.data(), n, keep);
    EXPECT_EQ(four.low, eight.low) << n;
    EXPECT_EQ(four.high, eight.high) << n;
    EXPECT_EQ(four.kept, eight.kept) << n;
    EXPECT_EQ(four.count[0], eight.count[0]) << n;
    EXPECT_EQ(four.count[1], eight.count[1]) << n;
    EXPECT_EQ(four.sum, eight.sum) << n;  // small integers: exact in any order
    // With the histogram: the same filter result for every point.
    double keep_four[block], keep_eight[block];
    sweep_block_pass_with<sweep_lanes_4, 2, true>(l, mb.data(), mb.data() + block, pm, mb.data(), n, keep_four);
    sweep_block_pass_with<sweep_lanes_8, 2, true>(l, mb.data(), mb.data() + block, pm, mb.data(), n, keep_eight);
    for (int j = 0; j < n; ++j) {
      EXPECT_EQ(keep_four[j], keep_eight[j]) << n << ", point " << j;
    }
  }
}
#endif

}  // namespace
}  // namespace fleetcap
