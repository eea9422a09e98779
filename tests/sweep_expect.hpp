#pragma once
// Two folds of the same points compared field by field (tests of the sweep engine: the block
// fold against the point fold, a backend against brute force, CUDA against the CPU).

#include <gtest/gtest.h>

#include <cmath>

#include "kernels/sweep_types.hpp"

namespace fleetcap::test {

// Counts, extremes, argmins, histogram and quantile bins exactly; the sum within 1e-12
// relative (another summation order). With exact_values false (Monte Carlo draws through
// device math, which may differ from glibc's in the last bit), the extremes are compared to
// 1e-12 relative and the argmins, histogram extremes and bins not at all.
inline void expect_same_fold(const sweep_accumulator& got, const sweep_accumulator& want, bool exact_values = true)
{
  EXPECT_EQ(got.points, want.points);
  EXPECT_EQ(got.valid, want.valid);
  EXPECT_EQ(got.nonfinite, want.nonfinite);
  for (int p = 0; p < sweep_max_predicates; ++p) {
    EXPECT_EQ(got.predicate[p], want.predicate[p]) << "predicate " << p;
  }
  if (std::isfinite(want.sum)) {
    EXPECT_NEAR(got.sum, want.sum, 1e-12 * std::fabs(want.sum) + 1e-300);
  } else {  // a run the host refuses (non-finite points): the same NaN or infinity
    EXPECT_TRUE(std::isnan(got.sum) ? std::isnan(want.sum) : got.sum == want.sum) << got.sum << " vs " << want.sum;
  }
  if (!exact_values) {
    EXPECT_NEAR(got.best, want.best, 1e-12 * std::fabs(want.best));
    EXPECT_NEAR(got.worst, want.worst, 1e-12 * std::fabs(want.worst));
    return;
  }
  EXPECT_EQ(got.best, want.best);
  EXPECT_EQ(got.best_index, want.best_index);
  EXPECT_EQ(got.worst, want.worst);
  EXPECT_EQ(got.worst_index, want.worst_index);
  for (int h = 0; h < sweep_max_bins; ++h) {
    EXPECT_EQ(got.histogram[h], want.histogram[h]) << "bin " << h;
  }
  EXPECT_EQ(got.histogram_below, want.histogram_below);
  EXPECT_EQ(got.histogram_above, want.histogram_above);
  EXPECT_EQ(got.histogram_min, want.histogram_min);
  EXPECT_EQ(got.histogram_max, want.histogram_max);
  for (int q = 0; q < sweep_max_quantile_bins; ++q) {
    EXPECT_EQ(got.quantile_bins[q], want.quantile_bins[q]) << "quantile bin " << q;
  }
}

}  // namespace fleetcap::test
