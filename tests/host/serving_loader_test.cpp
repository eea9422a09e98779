// The serving loaders (host/src/serving.cpp) on bad input: each problem an input_error naming
// the file, the JSON pointer and what is wrong. (Duplicate keys, deep nesting and truncation
// of every shipped file are in loader_bad_json_test.cpp.)

#include <gtest/gtest.h>

#include <string>

#include "fleetcap/catalog.hpp"
#include "fleetcap/serving.hpp"
#include "test_util.hpp"

namespace fleetcap {
namespace {

const std::string good_row = R"({"name": "r1", "model": "llama3-8b", "part": "h100-sxm", "chips": 1,
  "precision": "fp8", "tp": 1, "input_len": 128, "output_len": 128, "mode": "offline",
  "metric": "output_tokens_per_s", "value": 28312.0, "notes": ["n"]})";

std::string measurements_with(const std::string& row)
{
  return R"({"id": "t", "name": "test", "measurements": [)" + row + R"(], "notes": [], "sources": ["s"]})";
}

std::string parse_error(const std::string& text, const std::string& name = "data/serving/t.measurements.json")
{
  const auto source = builtin_catalog();
  const auto parts = load_specs(*source);
  const auto workloads = load_workloads(*source);
  return test::input_error_message([&] { parse_serving_measurements({name, text}, workloads, parts); });
}

std::string replace(std::string text, const std::string& from, const std::string& to)
{
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

TEST(serving_loader, a_good_row_parses)
{
  const auto source = builtin_catalog();
  const auto set = parse_serving_measurements({"data/serving/t.measurements.json", measurements_with(good_row)},
                                              load_workloads(*source), load_specs(*source));
  ASSERT_EQ(set.measurements.size(), 1u);
  EXPECT_EQ(set.measurements[0].input_len, 128);
}

TEST(serving_loader, measurement_rows_name_the_field_and_the_problem)
{
  const struct {
    std::string from, to, fragment;
  } cases[] = {
      {R"("value": 28312.0)", R"("value": -5)", "/measurements/0/value: expected a positive number"},
      {R"("value": 28312.0)", R"("value": "fast")", "/measurements/0/value"},
      {R"("value": 28312.0, )", "", "/measurements/0/value"},
      {R"("chips": 1)", R"("chips": 1.5)", "/measurements/0/chips: expected a whole number"},
      {R"("input_len": 128)", R"("input_len": 1e300)", "/measurements/0/input_len"},
      {R"("model": "llama3-8b")", R"("model": "llama3-8")", "/measurements/0/model: unknown workload id"},
      {R"("part": "h100-sxm")", R"("part": "h100")", "/measurements/0/part: unknown part id"},
      {R"("mode": "offline")", R"("mode": "batch")", "/measurements/0/mode"},
      {R"("metric": "output_tokens_per_s")", R"("metric": "tps")", "/measurements/0/metric: unknown metric"},
      {R"("notes": ["n"])", R"("notes": ["n"], "extra": 1)", "/measurements/0/extra"},
  };
  for (const auto& c : cases) {
    const auto msg = parse_error(measurements_with(replace(good_row, c.from, c.to)));
    EXPECT_NE(msg.find("data/serving/t.measurements.json"), std::string::npos) << msg;
    EXPECT_NE(msg.find(c.fragment), std::string::npos) << c.to << " -> " << msg;
  }
  EXPECT_NE(parse_error(measurements_with(good_row + ", " + good_row)).find("listed twice"), std::string::npos);
  EXPECT_NE(parse_error(measurements_with("")).find("/measurements: expected a non-empty array"), std::string::npos);
  EXPECT_NE(parse_error(measurements_with("3")).find("/measurements/0: expected an object"), std::string::npos);
  EXPECT_NE(parse_error(measurements_with(good_row), "data/serving/other.measurements.json").find("/id"),
            std::string::npos);
  EXPECT_NE(parse_error("{\"id\": ").find("line "), std::string::npos);
}

TEST(serving_loader, profiles_name_the_field_and_the_problem)
{
  const std::string good = R"({"id": "p", "name": "x", "part": "h100-sxm", "chips_per_node": 8,
    "scale_out_gbps_per_chip": 50, "efficiency": {"prefill_compute": 0.5, "decode_compute": 0.5,
    "expert_compute": 0.2, "decode_bandwidth": 0.8, "collective": 0.7, "collective_latency_us": 10,
    "step_overhead_ms": 2, "memory_reserve": 0.1, "max_batch": 256}, "notes": [], "sources": ["s"]})";
  const auto source = builtin_catalog();
  const auto parts = load_specs(*source);
  const auto error = [&](const std::string& text) {
    return test::input_error_message([&] { parse_serving_profile({"specs/serving/p.json", text}, parts); });
  };
  EXPECT_EQ(parse_serving_profile({"specs/serving/p.json", good}, parts).max_batch, 256);
  const struct {
    std::string from, to, fragment;
  } cases[] = {
      {R"("decode_bandwidth": 0.8)", R"("decode_bandwidth": 1.2)", "/efficiency/decode_bandwidth: expected a fraction"},
      {R"("memory_reserve": 0.1)", R"("memory_reserve": 1)", "/efficiency/memory_reserve"},
      {R"("step_overhead_ms": 2)", R"("step_overhead_ms": -2)", "/efficiency/step_overhead_ms"},
      {R"("max_batch": 256)", R"("max_batch": 2.5)", "/efficiency/max_batch"},
      {R"("expert_compute": 0.2, )", "", "/efficiency/expert_compute"},
      {R"("part": "h100-sxm")", R"("part": "h1OO-sxm")", "/part: unknown part id"},
      {R"("chips_per_node": 8)", R"("chips_per_node": "8")", "/chips_per_node"},
      {R"("sources": ["s"])", R"("sources": [])", "/sources"},
  };
  for (const auto& c : cases) {
    const auto msg = error(replace(good, c.from, c.to));
    EXPECT_NE(msg.find("specs/serving/p.json"), std::string::npos) << msg;
    EXPECT_NE(msg.find(c.fragment), std::string::npos) << c.to << " -> " << msg;
  }
}

}  // namespace
}  // namespace fleetcap
