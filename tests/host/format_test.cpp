#include <gtest/gtest.h>

#include <cmath>

#include "fleetcap/format.hpp"

namespace fleetcap {
namespace {

TEST(format_number, thousands_and_decimals)
{
  EXPECT_EQ(format_number(15831.2, 1), "15,831.2");
  EXPECT_EQ(format_number(2368, 0), "2,368");
  EXPECT_EQ(format_number(999, 0), "999");
  EXPECT_EQ(format_number(1234567.891, 2), "1,234,567.89");
  EXPECT_EQ(format_number(-1234.5, 1), "-1,234.5");
  EXPECT_EQ(format_number(-0.001, 1), "0.0");
  EXPECT_EQ(format_number(std::nan(""), 1), "-");
}

TEST(format_range, exact_range_and_unknown)
{
  EXPECT_EQ(format_range(range::exact(400), 1.0, 0), "400");
  EXPECT_EQ(format_range(range{300, 350, 400}, 1.0, 0), "300-400");
  EXPECT_EQ(format_range(range::unknown(), 1.0, 0), "-");
  EXPECT_EQ(format_range(range::exact(96e9), 1e9, 0), "96");
}

}  // namespace
}  // namespace fleetcap
