// The serving model (kernels/serving.cuh) against hand calculations and published figures.

#include <gtest/gtest.h>

#include <cmath>

#include "fleetcap/catalog.hpp"
#include "fleetcap/serving.hpp"
#include "kernels/serving.cuh"

namespace fleetcap {
namespace {

const workload& model(const char* id)
{
  static const auto source = builtin_catalog();
  static const auto workloads = load_workloads(*source);
  return find_workload(workloads, id);
}

const part_spec& part(const char* id)
{
  static const auto source = builtin_catalog();
  static const auto parts = load_specs(*source);
  return find_part(parts, id);
}

// Round figures so every term can be checked by hand: 1e15 FLOP/s, 1e12 B/s, 80 GB, links of
// 1e11 B/s, every efficiency 1, no fixed costs.
serving_figures plain_figures()
{
  serving_figures f{};
  f.peak_flop_per_s = 1e15;
  f.attention_peak_flop_per_s = 1e15;
  f.memory_bytes = 80e9;
  f.memory_bandwidth_bytes_per_s = 1e12;
  f.scale_up_bytes_per_s = 1e11;
  f.scale_out_bytes_per_s = 1e10;
  f.chips_per_node = 8;
  f.prefill_compute = f.decode_compute = f.expert_compute = f.decode_bandwidth = f.collective = 1.0;
  f.max_batch = 1e9;
  return f;
}

constexpr serving_precision fp8{1.0, 1.0, 2.0};
constexpr serving_precision bf16{2.0, 2.0, 2.0};

TEST(serving_kv_cache, llama3_70b_gqa_is_2_l_nkv_dhead_values_per_token)
{
  // Llama 3 70B: 80 layers, 8 KV heads of 128 (Llama 3 paper Table 3): 2 x 80 x 8 x 128 =
  // 163,840 values, 327,680 bytes (320 KiB) per token at BF16 (Pope et al. 2022 sec. 3.1).
  const auto& m = model("llama3-70b");
  EXPECT_DOUBLE_EQ(kv_values_per_token(m.shape, m.mla), 163840.0);
  // Split by TP while there are at least tp KV heads, replicated beyond (tp 16 keeps 1 of 8).
  EXPECT_DOUBLE_EQ(kv_share_per_chip(m.shape, m.mla, 4), 0.25);
  EXPECT_DOUBLE_EQ(kv_share_per_chip(m.shape, m.mla, 8), 0.125);
  EXPECT_DOUBLE_EQ(kv_share_per_chip(m.shape, m.mla, 16), 0.125);
}

TEST(serving_kv_cache, deepseek_v3_mla_caches_576_values_per_layer_and_is_not_split_by_tp)
{
  // DeepSeek-V2 report sec. 2.1.2 / Table 1: (d_c + d_R) l = (512 + 64) x 61 = 35,136 values.
  const auto& m = model("deepseek-v3");
  EXPECT_DOUBLE_EQ(kv_values_per_token(m.shape, m.mla), 35136.0);
  EXPECT_DOUBLE_EQ(kv_share_per_chip(m.shape, m.mla, 8), 1.0);
  // As MHA (the training stand-in) it would be 2 x 61 x 128 x 56 = 874,496: 25x more.
  EXPECT_DOUBLE_EQ(kv_values_per_token(m.shape, latent_attention{}), 2.0 * 61 * 128 * 56);
}

TEST(serving_memory, weights_split_over_tp_experts_over_all_chips_and_capacity_in_whole_sequences)
{
  const auto& m = model("llama3-70b");
  auto f = plain_figures();
  f.memory_reserve = 0.1;
  serving_layout l{2, 2, 1, 1000, 1000, 0, 0};
  const auto mem = serving_memory_fit(m.shape, m.mla, l, fp8, f);
  const double weights = total_parameters(m.shape) / 2.0;  // dense: everything split over tp
  EXPECT_DOUBLE_EQ(mem.weight_bytes, weights);
  EXPECT_DOUBLE_EQ(mem.kv_bytes_per_token, 163840.0 / 2.0);
  const double tokens = (80e9 * 0.9 - weights) / (163840.0 / 2.0);
  EXPECT_DOUBLE_EQ(mem.kv_capacity_tokens, tokens);
  EXPECT_DOUBLE_EQ(mem.max_sequences, std::floor(tokens / 2000.0));
  EXPECT_EQ(mem.fits, 1);
  // 141e9 BF16 bytes of weights do not fit one 80 GB chip.
  serving_layout one{1, 1, 1, 1000, 1000, 0, 0};
  EXPECT_EQ(serving_memory_fit(m.shape, m.mla, one, bf16, f).fits, 0);

  // MoE: routed experts over all chips, the rest over tp (DeepSeek-V3, 32 chips, tp 1).
  const auto& ds = model("deepseek-v3");
  serving_layout ep{32, 1, 1, 4096, 1024, 0, 0};
  const double expected = non_expert_layer_parameters(ds.shape) + embedding_parameters(ds.shape) +
                          routed_expert_parameters(ds.shape) / 32.0;
  EXPECT_DOUBLE_EQ(serving_memory_fit(ds.shape, ds.mla, ep, fp8, f).weight_bytes, expected);
}

TEST(serving_decode, a_single_sequence_step_reads_the_weights_once)
{
  // Llama 3 8B, batch 1, tp 1, FP8: weight-bound. Bytes = every non-embedding weight plus the
  // LM head, 1 byte each, over 1e12 B/s; the KV read is 1 x context x 2 L n_kv d_head bytes.
  const auto& m = model("llama3-8b");
  const auto f = plain_figures();
  serving_layout l{1, 1, 1, 1000, 0, 0, 0};
  const auto s = decode_step_time(m.shape, m.mla, l, fp8, f, 1, 1000);
  const double weights = non_expert_layer_parameters(m.shape) + m.shape.vocab * m.shape.hidden;
  EXPECT_DOUBLE_EQ(s.weight_seconds, weights / 1e12);
  EXPECT_DOUBLE_EQ(s.attention_seconds, 1000.0 * 2 * 32 * 8 * 128 / 1e12);
  EXPECT_EQ(s.tp_seconds, 0.0);
  EXPECT_EQ(s.ep_seconds, 0.0);
  EXPECT_DOUBLE_EQ(s.seconds, s.weight_seconds + s.attention_seconds);
  // At a batch of 4,096 the GEMMs are compute-bound: 2 FLOPs per active weight per token.
  const auto big = decode_step_time(m.shape, m.mla, l, fp8, f, 4096, 1000);
  EXPECT_DOUBLE_EQ(big.weight_seconds, 4096.0 * 2.0 * active_matmul_parameters(m.shape) / 1e15);
}

TEST(serving_decode, tensor_parallel_steps_pay_two_ring_all_reduces_per_layer)
{
  const auto& m = model("llama3-70b");
  auto f = plain_figures();
  f.collective_latency_s = 10e-6;
  serving_layout l{8, 8, 64, 1000, 1000, 0, 0};
  const auto s = decode_step_time(m.shape, m.mla, l, fp8, f, 64, 1000);
  // 64 tokens x 8,192 x 2 bytes, 2 (8 - 1) / 8 of it over 1e11 B/s, + 10 us; 2 x 80 layers.
  const double one = 2.0 * 7.0 / 8.0 * 64 * 8192 * 2 / 1e11 + 10e-6;
  EXPECT_DOUBLE_EQ(s.tp_seconds, 160.0 * one);
}

TEST(serving_moe, experts_touched_follow_the_routing_probability)
{
  const auto& m = model("deepseek-v3");  // 256 routed experts, top 8
  EXPECT_DOUBLE_EQ(touched_expert_fraction(m.shape, 1), 8.0 / 256.0);
  EXPECT_NEAR(touched_expert_fraction(m.shape, 3), 1.0 - std::pow(248.0 / 256.0, 3), 1e-15);
  EXPECT_GT(touched_expert_fraction(m.shape, 1024), 0.9999999);
  EXPECT_DOUBLE_EQ(touched_expert_fraction(model("llama3-8b").shape, 1), 1.0);
}

TEST(serving_moe, expert_parallel_all_to_all_crosses_nodes_at_the_nic)
{
  const auto& m = model("deepseek-v3");
  auto f = plain_figures();
  serving_layout l{32, 1, 32 * 128, 4096, 0, 0, 0};
  const double tokens = 32 * 128;
  // Dispatch FP8 (1 byte), combine BF16 (2): 128 tokens x 8 x 7,168 per chip each way; of 32
  // chips, 24 are in other nodes (over 1e10 B/s), 7 in the node (1e11 B/s): the NIC decides.
  const double per_chip = 128.0 * 8 * 7168;
  const double dispatch = per_chip * 1 * 24 / 32 / 1e10;
  const double combine = per_chip * 2 * 24 / 32 / 1e10;
  EXPECT_DOUBLE_EQ(serving_ep_seconds(m.shape, l, fp8, f, tokens), 58.0 * (dispatch + combine));
  // De-duplicated per node (prefill's DeepEP normal kernels): a token crosses to each of the 3
  // remote nodes holding one of its 8 experts once, 3 (1 - (3/4)^8) = 2.70 copies instead of 6.
  const double remote = 3.0 * (1.0 - std::pow(0.75, 8));
  EXPECT_NEAR(serving_ep_seconds(m.shape, l, fp8, f, tokens, true),
              58.0 * 128.0 * remote * 7168 * (1 + 2) / 1e10, 1e-12);
  // Experts tensor-parallel over the whole replica: no all-to-all.
  serving_layout tp{8, 8, 64, 4096, 0, 0, 0};
  EXPECT_EQ(serving_ep_seconds(m.shape, tp, fp8, f, 64), 0.0);
}

TEST(serving_prefill, prompt_work_is_compute_bound_with_causal_attention)
{
  // Llama 3 8B, one 2,048-token prompt on one chip: 2 FLOPs per active weight (the LM head
  // once) plus 2 L (heads x d_head) s per token of causal attention, at 1e15 FLOP/s.
  const auto& m = model("llama3-8b");
  const auto f = plain_figures();
  serving_layout l{1, 1, 1, 2048, 1, 0, 0};
  const double s = 2048;
  const double linear = s * (2.0 * (active_matmul_parameters(m.shape) - m.shape.vocab * m.shape.hidden)) +
                        2.0 * m.shape.vocab * m.shape.hidden;
  const double attention = s * 2.0 * 32 * 4096 * s;
  EXPECT_NEAR(prefill_seconds(m.shape, m.mla, l, fp8, f, s, s), (linear + attention) / 1e15, 1e-12);
  EXPECT_NEAR(ttft_seconds(m.shape, m.mla, l, fp8, f), (linear + attention) / 1e15, 1e-12);
}

TEST(serving_steady_state, a_cycle_is_output_minus_one_steps_plus_the_prefill_of_the_batch)
{
  const auto& m = model("llama3-8b");
  const auto f = plain_figures();
  serving_layout l{1, 1, 64, 512, 256, 0, 0};
  const auto c = steady_state(m.shape, m.mla, l, fp8, f);
  const double step = decode_step_time(m.shape, m.mla, l, fp8, f, 64, 512 + 128).seconds;
  const double prefill = prefill_seconds(m.shape, m.mla, l, fp8, f, 64 * 512, 512);
  EXPECT_DOUBLE_EQ(c.seconds, 255 * step + prefill);
  EXPECT_DOUBLE_EQ(c.output_tokens_per_s, 64.0 * 256 / c.seconds);
  EXPECT_DOUBLE_EQ(c.tpot_seconds, c.seconds / 255);
}

TEST(serving_speculative, drafts_yield_the_expected_accepted_tokens_and_cost_their_verification)
{
  // Leviathan et al. 2023 eq. 1: 1 + a + ... + a^k tokens per step; DeepSeek-V3's MTP (one
  // draft, accepted 85-90 %) gives 1.85-1.9 (report sec. 5.4.3: "1.8 times TPS").
  serving_layout l{16, 1, 512, 4096, 1536, 1, 0.875};
  EXPECT_DOUBLE_EQ(tokens_per_decode_step(l), 1.875);
  l.speculative_tokens = 2;
  EXPECT_DOUBLE_EQ(tokens_per_decode_step(l), 1 + 0.875 + 0.875 * 0.875);
  // Verifying one draft per sequence: twice the linear FLOPs (compute-bound at this batch), the
  // same KV read, plus one MTP-layer pass (1/L of the weight and attention time).
  const auto& m = model("llama3-8b");
  const auto f = plain_figures();
  serving_layout plain{1, 1, 4096, 1000, 100, 0, 0};
  serving_layout spec{1, 1, 4096, 1000, 100, 1, 0.8};
  const auto a = decode_step_time(m.shape, m.mla, plain, fp8, f, 4096, 1000);
  const auto b = decode_step_time(m.shape, m.mla, spec, fp8, f, 4096, 1000);
  EXPECT_DOUBLE_EQ(b.weight_seconds, 2.0 * a.weight_seconds);
  EXPECT_DOUBLE_EQ(b.overhead_seconds, (b.weight_seconds + b.attention_seconds) / 32.0);
  const auto c = steady_state(m.shape, m.mla, spec, fp8, f);
  EXPECT_NEAR(c.seconds, 99.0 / 1.8 * c.step_seconds + c.prefill_seconds, 1e-12);
}

TEST(serving_search, the_best_option_meets_the_targets_and_a_tighter_target_costs_throughput)
{
  const auto& m = model("llama3-70b");
  const auto& h100 = part("h100-sxm");
  const auto source = builtin_catalog();
  const auto profile = serving_profile_for(load_serving_profiles(*source, load_specs(*source)), h100);
  serving_question q;
  const auto free = best_serving(m, h100, profile, q);
  ASSERT_TRUE(free.best);
  q.tpot_limit_s = 0.03;
  const auto tight = best_serving(m, h100, profile, q);
  ASSERT_TRUE(tight.best);
  EXPECT_LE(tight.best->tpot_s, 0.03);
  EXPECT_LE(tight.output_tokens_per_s_per_chip, free.output_tokens_per_s_per_chip);
  q.tpot_limit_s = 1e-4;
  const auto impossible = best_serving(m, h100, profile, q);
  EXPECT_FALSE(impossible.best);
  EXPECT_NE(impossible.why_none.find("TPOT target"), std::string::npos) << impossible.why_none;
  // Llama 3 405B in BF16 (810 GB of weights) in replicas of at most 8 x 80 GB: does not fit.
  serving_question big;
  big.precision = "bf16";
  big.max_chips = 8;
  const auto none = best_serving(model("llama3-405b"), h100, profile, big);
  EXPECT_FALSE(none.best);
  EXPECT_NE(none.why_none.find("does not fit"), std::string::npos) << none.why_none;
}

TEST(serving_search, disaggregated_pools_split_chips_by_prefill_and_decode_work)
{
  const auto& m = model("llama3-70b");
  const auto& h200 = part("h200-sxm");
  serving_question q;
  q.disaggregated = true;
  q.input_len = 4096;
  q.output_len = 512;
  const auto a = best_serving(m, h200, default_serving_profile(h200), q);
  ASSERT_TRUE(a.best);
  const auto& o = *a.best;
  const double p = q.input_len / o.prefill_tokens_per_s_per_chip;
  const double d = q.output_len / o.decode_tokens_per_s_per_chip;
  EXPECT_NEAR(a.disaggregated_prefill_share, p / (p + d), 1e-12);
  EXPECT_NEAR(a.output_tokens_per_s_per_chip, q.output_len / (p + d), 1e-9);
}

}  // namespace
}  // namespace fleetcap
