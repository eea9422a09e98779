#pragma once
// The built-in catalogue and its parts, loaded once per test suite, and scenarios parsed against
// them: the base of the sweep tests' suites.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "fleetcap/catalog.hpp"
#include "fleetcap/spec.hpp"
#include "fleetcap/sweep.hpp"

namespace fleetcap::test {

class sweep_fixture : public ::testing::Test {
 protected:
  static void SetUpTestSuite()
  {
    catalog = builtin_catalog().release();
    parts = new std::vector<part_spec>(load_specs(*catalog));
  }
  static void TearDownTestSuite()
  {
    delete parts;
    delete catalog;
    parts = nullptr;
    catalog = nullptr;
  }
  static sweep_plan plan_of(const nlohmann::json& j)
  {
    return parse_scenario({"data/scenarios/test.json", j.dump()}, *catalog, *parts);
  }
  static sweep_plan builtin(const std::string& id) { return load_scenario(id, *catalog, *parts); }
  static inline catalog_source* catalog = nullptr;
  static inline std::vector<part_spec>* parts = nullptr;
};

}  // namespace fleetcap::test
