// System files (specs/systems/) and run sets (data/workloads/*.runs.json): bad input names the
// file, the field and the problem.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "fleetcap/training.hpp"
#include "test_util.hpp"

namespace fleetcap {
namespace {

using nlohmann::json;

json valid_system()
{
  return {{"id", "t"},
          {"name", "n"},
          {"part", "a100-sxm4-80gb"},
          {"chips_per_node", 8},
          {"scale_up_bandwidth_gbps", 600},
          {"scale_out_gbps_per_chip", 25},
          {"efficiency",
           {{"matmul_max", 0.7},
            {"matmul_half_size", 1024},
            {"scale_up_collective", 0.7},
            {"scale_out_collective", 0.5},
            {"dp_overlap", 0.5}}},
          {"calibrated_on", {"megatron-selene-2021"}},
          {"notes", json::array()},
          {"sources", {"s"}}};
}

std::string reject_system(const std::string& text)
{
  const auto parts = load_specs(*builtin_catalog());
  return test::input_error_message([&] { parse_system({"specs/systems/t.json", text}, parts); });
}

TEST(system_loader, valid_file_loads_with_the_default_elementwise_fraction)
{
  const auto parts = load_specs(*builtin_catalog());
  const auto s = parse_system({"specs/systems/t.json", valid_system().dump()}, parts);
  EXPECT_DOUBLE_EQ(s.scale_out_collective, 0.5);
  EXPECT_DOUBLE_EQ(s.elementwise, 0.7);
  EXPECT_EQ(s.calibrated_on, std::vector<std::string>{"megatron-selene-2021"});
}

TEST(system_loader, bad_input)
{
  EXPECT_NE(reject_system("{\"id\": ").find("specs/systems/t.json"), std::string::npos);
  EXPECT_NE(reject_system("{\"id\": \"t\", \"id\": \"t\"}").find("duplicate"), std::string::npos);
  auto j = valid_system();
  j.erase("part");
  EXPECT_EQ(reject_system(j.dump()), "specs/systems/t.json: /part: missing required field");
  j = valid_system();
  j["part"] = "a100";
  EXPECT_NE(reject_system(j.dump()).find("/part: unknown part id \"a100\""), std::string::npos);
  j = valid_system();
  j["scale_out_gbps_per_chip"] = -25;
  EXPECT_NE(reject_system(j.dump()).find("/scale_out_gbps_per_chip: expected a positive number"), std::string::npos);
  j = valid_system();
  j["chips_per_node"] = "eight";
  EXPECT_NE(reject_system(j.dump()).find("/chips_per_node"), std::string::npos);
  j = valid_system();
  j["efficiency"]["collective"] = 0.8;  // the one-efficiency format of earlier versions
  EXPECT_NE(reject_system(j.dump()).find("/efficiency/collective: split into scale_up_collective and scale_out_collective"),
            std::string::npos);
  j = valid_system();
  j["efficiency"]["scale_up_collective"] = 1.5;
  EXPECT_NE(reject_system(j.dump()).find("/efficiency/scale_up_collective: expected a fraction in (0, 1]"),
            std::string::npos);
  j = valid_system();
  j["efficiency"].erase("scale_out_collective");
  EXPECT_NE(reject_system(j.dump()).find("/efficiency/scale_out_collective: missing required field"), std::string::npos);
  j = valid_system();
  j["efficiency"]["dp_overlap"] = 2;
  EXPECT_NE(reject_system(j.dump()).find("/efficiency/dp_overlap: expected a fraction in [0, 1]"), std::string::npos);
  j = valid_system();
  j["efficiency"]["elementwise"] = 0;
  EXPECT_NE(reject_system(j.dump()).find("/efficiency/elementwise"), std::string::npos);
  j = valid_system();
  j["calibrated_on"] = "megatron-selene-2021";
  EXPECT_NE(reject_system(j.dump()).find("/calibrated_on"), std::string::npos);
  j = valid_system();
  j["efficiency"]["matmul_max"] = nullptr;
  EXPECT_NE(reject_system(j.dump()).find("/efficiency/matmul_max"), std::string::npos);
  std::string deep;
  for (int i = 0; i < 2000; ++i) {
    deep += "[";
  }
  EXPECT_NE(reject_system(deep).find("specs/systems/t.json"), std::string::npos);
}

TEST(run_set_loader, precision_is_checked)
{
  const auto source = builtin_catalog();
  EXPECT_EQ(load_run_set("megatron-selene-2022", *source).precision, "fp16");
  EXPECT_EQ(load_run_set("nemo-h100-fp8-2024", *source).precision, "fp8");
  const auto ids = run_set_ids(*source);
  EXPECT_NE(std::find(ids.begin(), ids.end(), "megatron-selene-2021"), ids.end());
}

// Issue 12: a run set's notes (and each run's) were accepted as anything, e.g. 3.5.
TEST(run_set_loader, notes_are_arrays_of_strings)
{
  const auto source = builtin_catalog();
  const auto original = json::parse(test::read_source_file("data/workloads/megatron-selene-2021.runs.json"));
  const auto path = std::filesystem::temp_directory_path() / "megatron-selene-2021.runs.json";
  const auto reject = [&](const json& j) {
    std::ofstream(path) << j.dump();
    return test::input_error_message([&] { load_run_set(path.string(), *source); });
  };
  auto j = original;
  j["notes"] = 3.5;
  EXPECT_NE(reject(j).find("megatron-selene-2021.runs.json: /notes: expected"), std::string::npos) << reject(j);
  j = original;
  j["runs"][0]["notes"] = json::array({1});
  EXPECT_NE(reject(j).find("/runs/0/notes"), std::string::npos) << reject(j);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace fleetcap

namespace fleetcap {
namespace {

// The MoE fields of a shape and the expert-parallel fields of a layout, in a run file: each
// bad value names its pointer and the problem.
TEST(run_config_loader, moe_and_expert_parallel_fields_are_checked)
{
  const json good = {{"model",
                      {{"layers", 61}, {"hidden", 7168}, {"heads", 128}, {"kv_heads", 128}, {"ffn", 2048}, {"seq", 4096},
                       {"vocab", 129280}, {"mlp", "swiglu"}, {"experts", 256}, {"top_k", 8}, {"tied_embeddings", false},
                       {"shared_experts", 1}, {"dense_layers", 3}, {"dense_ffn", 18432}}},
                     {"system", "hgx-h800"},
                     {"layout",
                      {{"tp", 1}, {"pp", 16}, {"dp", 128}, {"micro_batch", 1}, {"global_batch", 15360}, {"interleave", 1},
                       {"recompute", "full"}, {"sequence_parallel", false}, {"zero", 1}, {"first_stage_layers", 3},
                       {"last_stage_layers", 2}, {"ep", 64}, {"ep_overlap", true}}}};
  const auto path = std::filesystem::temp_directory_path() / "fleetcap_moe_run.json";
  const auto load = [&](const json& j) {
    std::ofstream(path) << j.dump();
    return load_run_config(path.string());
  };
  const auto reject = [&](const json& j) { return test::input_error_message([&] { load(j); }); };
  const auto c = load(good);
  ASSERT_TRUE(c.shape.has_value());
  EXPECT_EQ(c.shape->shared_experts, 1);
  EXPECT_EQ(c.shape->dense_ffn, 18432);
  EXPECT_EQ(c.layout.ep, 64);
  EXPECT_EQ(c.layout.ep_overlap, 1);
  struct bad_case {
    const char* pointer;
    json value;
    const char* message;
  };
  const std::vector<bad_case> cases = {
      {"/model/shared_experts", -1, "/model/shared_experts: expected a whole number from 0"},
      {"/model/shared_experts", 1.5, "/model/shared_experts: expected a whole number from 0"},
      {"/model/dense_layers", "3", "/model/dense_layers: expected a whole number from 0"},
      {"/model/dense_layers", 61, "dense_layers 61 leaves no MoE layer"},
      {"/model/dense_ffn", 0, "/model/dense_ffn"},
      {"/model/dense_ffn", std::nan(""), "/model/dense_ffn"},
      {"/layout/ep", 0, "/layout/ep"},
      {"/layout/ep", 2.5, "/layout/ep"},
      {"/layout/ep_overlap", 1, "/layout/ep_overlap"},
  };
  for (const auto& k : cases) {
    auto j = good;
    j[json::json_pointer(k.pointer)] = k.value;
    const auto msg = reject(j);
    EXPECT_NE(msg.find(k.message), std::string::npos) << k.pointer << " = " << k.value.dump() << ": " << msg;
    EXPECT_NE(msg.find("fleetcap_moe_run.json"), std::string::npos) << msg;
  }
  // MoE details on a dense model are refused rather than ignored.
  auto dense = good;
  dense["model"]["experts"] = 1;
  dense["model"]["top_k"] = 1;
  EXPECT_NE(reject(dense).find("need experts > 1"), std::string::npos) << reject(dense);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace fleetcap
