// `fleetcap serve`, `validate --serving` and `calibrate --serving` from the command line: the
// answers' fields, and every bad input a one-line error with exit 2 and nothing on stdout.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "cli_run.hpp"

namespace fleetcap {
namespace {

using test::expect_bad_input;
using test::run_fleetcap;

nlohmann::json json_of(const test::cli_output& r)
{
  EXPECT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(first_null(j, ""), "") << r.out.substr(0, 400);
  return j;
}

TEST(cli_serve, one_part_answers_with_layout_latency_and_throughput)
{
  const auto j = json_of(run_fleetcap({"serve", "--model", "llama3-70b", "--part", "h100-sxm", "--tpot-ms", "50",
                                       "--ttft-ms", "2000", "--json"}));
  const auto& b = j.at("best");
  EXPECT_LE(b.at("tpot_s").get<double>(), 0.05);
  EXPECT_LE(b.at("ttft_s").get<double>(), 2.0);
  EXPECT_GT(b.at("output_tokens_per_s_per_chip").get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(b.at("total_tokens_per_s_per_chip").get<double>(),
                   2.0 * b.at("output_tokens_per_s_per_chip").get<double>());  // 1024 in + 1024 out
  EXPECT_EQ(j.at("kv_precision"), "fp8");
  EXPECT_NE(j.at("not_modelled").get<std::string>().find("speculative decoding"), std::string::npos);
  EXPECT_NE(j.at("profile").get<std::string>().find("calibrated on trtllm-perf-overview-v1-0"), std::string::npos);
  const auto text = run_fleetcap({"serve", "--model", "deepseek-v3", "--part", "h20", "--disaggregated"});
  EXPECT_EQ(text.code, 0) << text.err;
  EXPECT_NE(text.out.find("in the prefill pool"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("not calibrated on this part's own measurements"), std::string::npos) << text.out;
}

TEST(cli_serve, a_fleet_becomes_tokens_per_day_and_parts_that_cannot_serve_are_unknown_not_zero)
{
  // china-h20-2024 holds Ascend 910B, whose spec sheet has no BF16 peak.
  const auto j = json_of(run_fleetcap({"serve", "--model", "qwen3-235b-a22b", "--fleet", "china-h20-2024",
                                       "--precision", "bf16", "--by", "part", "--json"}));
  bool saw_unknown = false;
  for (const auto& g : j.at("groups")) {
    if (g.at("key") == "ascend-910b") {
      // The shape of fleet's unknown figures: unknown, never a number, and which parts lack it.
      const auto& t = g.at("totals").at("output_tokens_per_day");
      EXPECT_EQ(t.at("unknown"), true);
      EXPECT_FALSE(t.contains("mid"));
      saw_unknown = true;
    } else {
      const auto& t = g.at("totals").at("output_tokens_per_day");
      EXPECT_LE(t.at("low").get<double>(), t.at("mid").get<double>());
      EXPECT_LE(t.at("mid").get<double>(), t.at("high").get<double>());
      EXPECT_GT(t.at("low").get<double>(), 0.0);
    }
  }
  EXPECT_TRUE(saw_unknown);
  // A point count keeps a point (Microsoft's 485k Hopper units); its tokens/day range only
  // from the uncertain H100/H200 mix, inside the all-H100 and all-H200 bounds.
  const auto h = json_of(run_fleetcap({"serve", "--model", "llama3-8b", "--fleet", "hopper-2024", "--json"}));
  const auto per_chip = [&](const std::string& id) {
    for (const auto& p : h.at("parts")) {
      if (p.at("part") == id) {
        return p.at("best").at("output_tokens_per_day_per_chip").get<double>();
      }
    }
    return -1.0;
  };
  for (const auto& g : h.at("groups")) {
    if (g.at("key") == "Microsoft") {
      EXPECT_EQ(g.at("totals").at("units").at("low"), g.at("totals").at("units").at("high"));
      const auto& t = g.at("totals").at("output_tokens_per_day");
      const double lo = std::min(per_chip("h100-sxm"), per_chip("h200-sxm")) * 485e3;
      const double hi = std::max(per_chip("h100-sxm"), per_chip("h200-sxm")) * 485e3;
      EXPECT_GE(t.at("low").get<double>(), lo * (1 - 1e-12));
      EXPECT_LE(t.at("high").get<double>(), hi * (1 + 1e-12));
    }
  }
}

TEST(cli_serve, speculative_decoding_serves_more_under_a_tpot_target)
{
  // Under a TPOT target the batch is latency-bound, where verifying a draft per step is cheap:
  // DeepSeek-V3 on H20 at TPOT <= 50 ms serves more per chip with one MTP token per step (at
  // large batches, compute-bound, it would not: the drafts' verification costs as much).
  const std::vector<std::string> ask = {"serve", "--model", "deepseek-v3", "--part", "h20", "--tpot-ms", "50",
                                        "--disaggregated", "--json"};
  auto with = ask;
  with.insert(with.end(), {"--speculative-tokens", "1"});
  const double a = json_of(run_fleetcap(ask)).at("best").at("decode_tokens_per_s_per_chip").get<double>();
  const auto mtp = json_of(run_fleetcap(with)).at("best");
  EXPECT_GT(mtp.at("decode_tokens_per_s_per_chip").get<double>(), a);
  EXPECT_LE(mtp.at("tpot_s").get<double>(), 0.05);
}

TEST(cli_serve, tokens_per_day_gives_chips_per_part)
{
  const auto j = json_of(run_fleetcap({"serve", "--model", "deepseek-v3", "--tokens-per-day", "30e12", "--part",
                                       "h20,h100-sxm,ascend-910b", "--precision", "fp16", "--json"}));
  ASSERT_EQ(j.at("parts").size(), 3u);
  for (const auto& p : j.at("parts")) {
    if (p.at("part") == "h100-sxm" || p.at("part") == "h20") {
      const double chips = p.at("chips_needed").get<double>();
      const double per_chip = p.at("total_tokens_per_s_per_chip").get<double>();
      EXPECT_EQ(chips, std::ceil(30e12 / 86400 / per_chip));
    }
  }
}

TEST(cli_serve, bad_input_is_one_line_and_exit_2)
{
  expect_bad_input(run_fleetcap({"serve", "--model", "llama3-70b", "--part", "h100-sxm", "--tpot-ms", "0.1"}),
                   "TPOT target");
  expect_bad_input(run_fleetcap({"serve", "--model", "llama3-405b", "--part", "h100-sxm", "--precision", "bf16",
                                 "--max-chips", "4"}),
                   "does not fit");
  expect_bad_input(run_fleetcap({"serve", "--model", "llama3-8b", "--part", "ascend-910b", "--precision", "fp8"}),
                   "no published dense fp8 peak");
  expect_bad_input(run_fleetcap({"serve", "--model", "llama3-8b", "--part", "h100-sxm", "--precision", "fp3"}),
                   "--precision");
  expect_bad_input(run_fleetcap({"serve", "--model", "llama3-8b", "--part", "h100-sxm", "--kv-precision", "fp4"}),
                   "--kv-precision");
  expect_bad_input(run_fleetcap({"serve", "--model", "no-such-model", "--part", "h100-sxm"}), "no-such-model");
  expect_bad_input(run_fleetcap({"serve", "--model", "llama3-8b", "--part", "no-such-part"}), "no-such-part");
  expect_bad_input(run_fleetcap({"serve", "--model", "llama3-8b", "--part", "h100-sxm", "--input-len", "-5"}),
                   "--input-len");
  expect_bad_input(run_fleetcap({"serve", "--model", "llama3-8b", "--part", "h100-sxm", "--output-len", "1.5"}),
                   "--output-len");
  expect_bad_input(run_fleetcap({"serve", "--model", "llama3-8b", "--part", "h100-sxm", "--ttft-ms", "inf"}),
                   "--ttft-ms");
  expect_bad_input(run_fleetcap({"serve", "--model", "llama3-8b", "--part", "h100-sxm", "--max-chips", "1e9"}),
                   "--max-chips");
  expect_bad_input(run_fleetcap({"serve", "--model", "llama3-8b", "--tokens-per-day", "1e30"}), "--tokens-per-day");
  expect_bad_input(run_fleetcap({"serve", "--model", "llama3-8b"}), "give one --part");
  expect_bad_input(run_fleetcap({"serve", "--model", "llama3-8b", "--part", "h100-sxm", "--speculative-tokens", "1"}),
                   "no published draft acceptance");
  expect_bad_input(run_fleetcap({"serve", "--model", "deepseek-v3", "--part", "h20", "--speculative-tokens", "1.5"}),
                   "--speculative-tokens");
  expect_bad_input(run_fleetcap({"serve", "--model", "llama3-8b", "--part", "h100-sxm", "--profile", "/no/such.json"}),
                   "--profile");
}

TEST(cli_serve, a_profile_file_from_calibrate_is_taken_by_serve)
{
  const std::string path = testing::TempDir() + "h100-fit.json";
  std::remove(path.c_str());
  const auto fit = run_fleetcap({"calibrate", "trtllm-perf-overview-v1-0", "--serving", "h100-sxm", "--out", path});
  ASSERT_EQ(fit.code, 0) << fit.err;
  EXPECT_NE(fit.out.find("leave-one-model-out"), std::string::npos);
  const auto j = json_of(run_fleetcap({"serve", "--model", "llama3-8b", "--part", "h100-sxm", "--profile", path, "--json"}));
  EXPECT_NE(j.at("profile").get<std::string>().find(path), std::string::npos);
  // A profile with a fraction above 1 is refused naming the file and the field.
  {
    std::ofstream bad(path);
    bad << R"({"id": "h100-fit", "name": "x", "part": "h100-sxm", "chips_per_node": 8, "scale_out_gbps_per_chip": 50,
      "efficiency": {"prefill_compute": 1.5, "decode_compute": 0.5, "expert_compute": 0.2, "decode_bandwidth": 0.8,
      "collective": 0.7, "collective_latency_us": 10, "step_overhead_ms": 2, "memory_reserve": 0.1, "max_batch": 256},
      "notes": [], "sources": ["x"]})";
  }
  expect_bad_input(run_fleetcap({"serve", "--model", "llama3-8b", "--part", "h100-sxm", "--profile", path}),
                   "/efficiency/prefill_compute: expected a fraction");
  std::remove(path.c_str());
}

TEST(cli_validate, serving_sets_label_in_sample_rows_and_list_what_is_not_evaluated)
{
  const auto j = json_of(run_fleetcap({"validate", "--serving", "--json"}));
  EXPECT_TRUE(j.at("run_sets").empty());
  bool saw_in_sample = false, saw_skipped = false;
  for (const auto& set : j.at("serving_sets")) {
    for (const auto& row : set.at("rows")) {
      saw_in_sample = saw_in_sample || row.at("fit") == "IN-SAMPLE";
      if (row.contains("why_not")) {
        saw_skipped = true;
        EXPECT_EQ(row.at("predicted"), nlohmann::json({{"unknown", true}}));
      }
    }
  }
  EXPECT_TRUE(saw_in_sample);
  EXPECT_TRUE(saw_skipped);
}

}  // namespace
}  // namespace fleetcap
