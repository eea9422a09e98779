#pragma once
// A test fixture holding the built-in catalogue's parts, their TPP/PD and its fleets.

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "fleetcap/catalog.hpp"
#include "fleetcap/fleet.hpp"
#include "fleetcap/part_metrics.hpp"

namespace fleetcap::test {

class builtin_fleets : public ::testing::Test {
 protected:
  static void SetUpTestSuite()
  {
    parts = new std::vector<part_spec>(load_specs(*builtin_catalog()));
    metrics = new std::vector<part_metrics_range>(evaluate_parts(backend_kind::cpu, *parts));
    fleets = new std::vector<fleet>(load_fleets(*builtin_catalog(), *parts));
  }
  static void TearDownTestSuite()
  {
    delete parts;
    delete metrics;
    delete fleets;
  }
  static const fleet& builtin(const std::string& id)
  {
    for (const auto& f : *fleets) {
      if (f.id == id) {
        return f;
      }
    }
    throw std::runtime_error("no built-in fleet " + id);
  }
  static inline std::vector<part_spec>* parts = nullptr;
  static inline std::vector<part_metrics_range>* metrics = nullptr;
  static inline std::vector<fleet>* fleets = nullptr;
};

}  // namespace fleetcap::test
