#include <gtest/gtest.h>

#include "fleetcap/catalog.hpp"

namespace fleetcap {
namespace {

TEST(closest_ids, typo_and_prefix)
{
  const std::vector<std::string> ids = {"a100-sxm4-80gb", "h100-pcie", "h100-sxm", "h20", "h200-sxm"};
  EXPECT_EQ(closest_ids(ids, "h2o").front(), "h20");
  const auto near = closest_ids(ids, "h100", 2);
  EXPECT_EQ(near, (std::vector<std::string>{"h100-pcie", "h100-sxm"}));
}

TEST(closest_ids, nothing_close)
{
  EXPECT_TRUE(closest_ids({"h20", "l20"}, "completely-different-name").empty());
  EXPECT_TRUE(closest_ids({}, "h20").empty());
}

}  // namespace
}  // namespace fleetcap
