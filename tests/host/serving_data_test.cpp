// The serving measurements in data/serving/ (the validation data of the serving model,
// validate --serving): every file keeps the format data/serving/README.md promises, checked
// here independently of the loader (host/src/serving.cpp).

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "fleetcap/catalog.hpp"
#include "fleetcap/training.hpp"
#include "test_util.hpp"

namespace fleetcap {
namespace {

TEST(serving_data, every_measurement_names_a_known_model_and_part_and_a_positive_value)
{
  const auto source = builtin_catalog();
  std::set<std::string> models, parts;
  for (const auto& w : load_workloads(*source)) {
    models.insert(w.id);
  }
  for (const auto& p : load_specs(*source)) {
    parts.insert(p.id);
  }
  const std::set<std::string> metrics = {"output_tokens_per_s",         "output_tokens_per_s_per_chip", "total_tokens_per_s",
                                         "tpot_ms",                     "ttft_ms",                      "input_tokens_per_s_per_chip"};
  const std::set<std::string> modes = {"offline", "server", "decode", "prefill", "end-to-end"};
  int files = 0, rows = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(FLEETCAP_SOURCE_DIR) + "/data/serving")) {
    const std::string name = entry.path().filename().string();
    const std::string suffix = ".measurements.json";
    if (name.size() <= suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
      continue;
    }
    ++files;
    const auto j = nlohmann::json::parse(test::read_source_file("data/serving/" + name));
    EXPECT_EQ(j.at("id").get<std::string>(), name.substr(0, name.find('.'))) << name;
    EXPECT_FALSE(j.at("sources").empty()) << name;
    std::set<std::string> names;
    for (const auto& m : j.at("measurements")) {
      ++rows;
      const std::string row = name + ": " + m.at("name").get<std::string>();
      EXPECT_TRUE(names.insert(m.at("name").get<std::string>()).second) << row << " is listed twice";
      EXPECT_TRUE(models.count(m.at("model").get<std::string>())) << row << ": unknown model " << m.at("model");
      EXPECT_TRUE(parts.count(m.at("part").get<std::string>())) << row << ": unknown part " << m.at("part");
      EXPECT_TRUE(metrics.count(m.at("metric").get<std::string>())) << row << ": unknown metric " << m.at("metric");
      EXPECT_TRUE(modes.count(m.at("mode").get<std::string>())) << row << ": unknown mode " << m.at("mode");
      const double v = m.at("value").get<double>();
      EXPECT_TRUE(std::isfinite(v) && v > 0) << row << ": value " << v;
      EXPECT_GE(m.at("chips").get<double>(), 1) << row;
      for (const char* key : {"tp", "ep", "pp", "input_len", "output_len", "concurrency", "batch"}) {
        if (m.contains(key)) {
          const double x = m.at(key).get<double>();
          EXPECT_TRUE(x >= 1 && std::floor(x) == x) << row << ": " << key << " " << x;
        }
      }
    }
  }
  std::printf("data/serving: %d files, %d measurements\n", files, rows);
  EXPECT_GE(files, 1);
}

}  // namespace
}  // namespace fleetcap
