#pragma once
// The serving (LLM inference) model: memory fit, prefill time, decode step time and the
// steady-state throughput of one replica under continuous batching. Host-device, no I/O; the
// single truth of every serving formula (the `serve` command, `validate`, the calibration and
// any sweep evaluator call these).
//
// Napkin math it encodes (a roofline per operation, as LLM-Viewer, Yuan et al. 2024,
// arXiv:2402.16363, sec. 2; and the decode/prefill split of Pope et al. 2022, "Efficiently
// Scaling Transformer Inference", arXiv:2211.05102, sec. 2-3): a decode step reads every weight
// a step touches and the KV cache of every sequence once, and multiplies each new token through
// the active weights (2 FLOPs per weight per token); each operation takes the longer of its
// bytes over HBM bandwidth and its FLOPs over the peak, and the operations run one after
// another. Prefill is the same work for every prompt token at once, compute-bound.

#include <math.h>

#include "kernels/fc_hd.cuh"
#include "kernels/serving_types.hpp"
#include "kernels/training_types.hpp"
#include "kernels/transformer_counts.cuh"

namespace fleetcap {

FC_HD inline double serving_max(double a, double b) { return a > b ? a : b; }
FC_HD inline double serving_min(double a, double b) { return a < b ? a : b; }

FC_HD inline bool is_latent(const latent_attention& a) { return a.kv_rank > 0.0; }
FC_HD inline bool is_moe(const transformer_shape& m) { return m.experts > 1.0; }

// ---- memory ---------------------------------------------------------------------------------

// Weights one chip holds, in values: attention, dense MLPs, shared experts, router and the
// embeddings split over tp (replicated over the attention data-parallel groups); the routed
// experts split over every chip of the replica (expert parallelism, or expert TP when
// tp = chips: the same bytes per chip).
FC_HD inline double serving_weight_values_per_chip(const transformer_shape& m, const serving_layout& l)
{
  return (non_expert_layer_parameters(m) + embedding_parameters(m)) / l.tp + routed_expert_parameters(m) / l.chips;
}

// KV-cache values of one token, whole model. MHA/GQA: K and V of kv_heads heads per layer
// (2 L n_kv d_head; Pope et al. 2022 sec. 3.1); MLA: one latent plus the shared RoPE key per
// layer (L (d_c + d_R), DeepSeek-V2 sec. 2.1.2, 576 values per layer for DeepSeek-V3).
FC_HD inline double kv_values_per_token(const transformer_shape& m, const latent_attention& a)
{
  if (is_latent(a)) {
    return m.layers * (a.kv_rank + a.rope_dim);
  }
  return 2.0 * m.layers * m.kv_heads * head_dim(m);
}

// The share of a token's KV cache one chip of a tensor-parallel group holds: 1 / tp while
// there are at least tp KV heads; with fewer, heads are replicated (each chip keeps one);
// MLA's latent is shared by all heads, so every chip keeps all of it (not split by TP).
FC_HD inline double kv_share_per_chip(const transformer_shape& m, const latent_attention& a, double tp)
{
  if (is_latent(a)) {
    return 1.0;
  }
  return 1.0 / serving_min(tp, m.kv_heads);
}

FC_HD inline serving_memory serving_memory_fit(const transformer_shape& m, const latent_attention& a,
                                               const serving_layout& l, const serving_precision& p,
                                               const serving_figures& f)
{
  serving_memory r{};
  r.weight_bytes = serving_weight_values_per_chip(m, l) * p.weight_bytes;
  r.kv_bytes_per_token = kv_values_per_token(m, a) * kv_share_per_chip(m, a, l.tp) * p.kv_bytes;
  const double free_bytes = f.memory_bytes * (1.0 - f.memory_reserve) - r.weight_bytes;
  r.kv_capacity_tokens = free_bytes > 0.0 ? free_bytes / r.kv_bytes_per_token : 0.0;
  const double per_sequence = l.input_len + l.output_len;
  // Whole sequences per attention group (a runtime reserving each request's full length, as
  // TensorRT-LLM's default GUARANTEED_NO_EVICT scheduler does), times the groups.
  const double groups = l.chips / l.tp;
  r.max_sequences = groups * floor(r.kv_capacity_tokens / per_sequence);
  r.fits = r.max_sequences >= 1.0 ? 1 : 0;
  return r;
}

// ---- FLOPs per token --------------------------------------------------------------------------

// Decode attention of one new token over `context` cached tokens: Q K^T and A V, 2 FLOPs per
// multiply-add. MHA/GQA: 4 L (heads x d_head) c. MLA with the up-projections absorbed into the
// query and output (DeepSeek-V2 sec. 2.1.3, as FlashMLA runs decode): scores over d_c + d_R
// and values over d_c per head, 2 L heads (2 d_c + d_R) c.
FC_HD inline double decode_attention_flop_per_token(const transformer_shape& m, const latent_attention& a,
                                                    double context)
{
  if (is_latent(a)) {
    return 2.0 * m.layers * m.heads * (2.0 * a.kv_rank + a.rope_dim) * context;
  }
  return 4.0 * m.layers * attention_width(m) * context;
}

// Prefill attention per prompt token, causal, prompt length s: the mean token attends to s / 2
// earlier ones. MHA/GQA: 2 L (heads x d_head) s; MLA without absorption (DeepSeek-V2 sec.
// 2.1.2, as prefill runs it): per head Q K^T over d_nope + d_R and A V over d_v,
// L heads (d_nope + d_R + d_v) s.
FC_HD inline double prefill_attention_flop_per_token(const transformer_shape& m, const latent_attention& a,
                                                     double prompt)
{
  if (is_latent(a)) {
    return m.layers * m.heads * (a.qk_nope_dim + a.rope_dim + a.v_dim) * prompt;
  }
  return 2.0 * m.layers * attention_width(m) * prompt;
}


// ---- communication ------------------------------------------------------------------------------

// One direction of the link a collective over `group` chips is bound by: NVLink (or the part's
// scale-up) inside a node, the scale-out NIC once the group spans nodes.
FC_HD inline double group_link_bytes_per_s(const serving_figures& f, double group)
{
  return group <= f.chips_per_node ? f.scale_up_bytes_per_s : f.scale_out_bytes_per_s;
}

// Ring all-reduce of `bytes` per chip over tp chips: 2 (tp - 1) / tp of the data crosses each
// link (Patarasuk & Yuan 2009), plus the fixed latency. Two per layer in Megatron TP (after
// attention and after the MLP; Shoeybi et al. 2019, fig. 4).
FC_HD inline double tp_all_reduce_seconds(const serving_figures& f, double tp, double bytes)
{
  if (tp <= 1.0) {
    return 0.0;
  }
  return 2.0 * (tp - 1.0) / tp * bytes / (group_link_bytes_per_s(f, tp) * f.collective) + f.collective_latency_s;
}

// All-to-all over n chips of `copies` hidden vectors of `vector_bytes` per token, for
// `tokens_per_chip` tokens: the copies bound for the chip's own node go over the scale-up link,
// the rest over the NICs at once, and the slower one counts (as the training model's expert
// parallelism, step_time.cuh). Without de-duplication a token sends each copy to its expert's
// chip: (n - node) / n of them leave the node. With it (DeepEP's normal kernels, which prefill
// uses: one RDMA send per destination node, then NVLink forwarding; DeepSeek-V3 report sec.
// 3.2.2) a token crosses to each remote node holding one of its experts once: of N nodes with
// the copies spread uniformly, (N - 1)(1 - (1 - 1/N)^copies) remote nodes on average.
FC_HD inline double all_to_all_seconds(const serving_figures& f, double n, double tokens_per_chip, double copies,
                                       double vector_bytes, bool dedup_per_node)
{
  if (n <= 1.0) {
    return 0.0;
  }
  const double node = serving_min(n, f.chips_per_node);
  const double nodes = n / node;
  const double intra = tokens_per_chip * copies * vector_bytes * (node - 1.0) / n / (f.scale_up_bytes_per_s * f.collective);
  double remote_copies = copies * (n - node) / n;
  if (dedup_per_node && nodes > 1.0) {
    remote_copies = (nodes - 1.0) * (1.0 - pow(1.0 - 1.0 / nodes, copies));
  }
  const double inter = n > node ? tokens_per_chip * remote_copies * vector_bytes / (f.scale_out_bytes_per_s * f.collective) : 0.0;
  return serving_max(intra, inter) + f.collective_latency_s;
}

// Communication of `tokens` tokens passing the replica once: the TP all-reduces of every
// layer, and for MoE layers with the experts spread over more chips than one TP group, the
// dispatch and the combine of each token's top_k hidden vectors (DeepEP, DeepSeek-V3 report
// sec. 3.2.2; when tp = chips the experts are tensor-parallel and the all-reduce covers them).
FC_HD inline double serving_tp_seconds(const transformer_shape& m, const serving_layout& l,
                                       const serving_precision& p, const serving_figures& f, double tokens)
{
  const double group_tokens = tokens * l.tp / l.chips;
  return 2.0 * m.layers * tp_all_reduce_seconds(f, l.tp, group_tokens * m.hidden * p.activation_bytes);
}

// The dispatch moves each token's hidden vector to its top_k experts at the weights'
// precision when that is 8 bits or less (DeepEP's FP8 dispatch; DeepSeek-V3 report sec.
// 3.3.2: "dispatch ... FP8, combine ... BF16"), the combine brings top_k results back in BF16.
FC_HD inline double serving_ep_seconds(const transformer_shape& m, const serving_layout& l,
                                       const serving_precision& p, const serving_figures& f, double tokens,
                                       bool dedup_per_node = false)
{
  if (!is_moe(m) || l.tp >= l.chips) {
    return 0.0;
  }
  const double per_chip = tokens / l.chips;
  const double dispatch_bytes = m.hidden * serving_min(p.weight_bytes < 1.0 ? 1.0 : p.weight_bytes, p.activation_bytes);
  const double combine_bytes = m.hidden * p.activation_bytes;
  return moe_layers(m) * (all_to_all_seconds(f, l.chips, per_chip, m.top_k, dispatch_bytes, dedup_per_node) +
                          all_to_all_seconds(f, l.chips, per_chip, m.top_k, combine_bytes, dedup_per_node));
}

// ---- linear layers --------------------------------------------------------------------------------

// The routed experts' share of a token's linear FLOPs: top_k experts in every MoE layer.
FC_HD inline double routed_expert_flop_per_token(const transformer_shape& m)
{
  return is_moe(m) ? 2.0 * moe_layers(m) * m.top_k * mlp_parameters_per_expert(m) : 0.0;
}

// Time of the linear layers for `tokens` tokens per chip, 2 FLOPs per active weight (top_k
// routed and the shared experts, the router and the LM head; transformer_counts.cuh): the dense GEMMs at `efficiency` of
// the peak, the routed experts' grouped GEMMs at the expert efficiency (each expert sees only
// tokens x top_k / experts rows, so its GEMMs are small and far from peak; the profile fits it).
// `lm_head_share` is the fraction of tokens that go through the LM head (1 in decode; one
// token per prompt in prefill).
FC_HD inline double linear_compute_seconds(const transformer_shape& m, const serving_figures& f, double tokens,
                                           double efficiency, double lm_head_share = 1.0)
{
  const double routed = routed_expert_flop_per_token(m);
  const double dense = 2.0 * active_matmul_parameters(m) - routed - 2.0 * m.vocab * m.hidden * (1.0 - lm_head_share);
  return tokens * (dense / (f.peak_flop_per_s * efficiency) + routed / (f.peak_flop_per_s * f.expert_compute));
}

// ---- decode -------------------------------------------------------------------------------------

// The share of a chip's routed experts a step touches: each of `tokens` tokens picks top_k of
// the experts, so an expert stays idle with probability (1 - k / E)^tokens (balanced routing).
FC_HD inline double touched_expert_fraction(const transformer_shape& m, double tokens)
{
  if (!is_moe(m)) {
    return 1.0;
  }
  const double idle = 1.0 - m.top_k / m.experts;
  double p = 1.0;
  // idle^tokens by squaring (no pow on every backend's fast path); tokens is a whole number.
  // Past 1e9 tokens no expert stays idle at any routing this model serves; the cap also keeps
  // the cast to an integer defined.
  double base = idle;
  for (long long n = static_cast<long long>(serving_min(tokens, 1e9)); n > 0; n >>= 1) {
    if (n & 1) {
      p *= base;
    }
    base *= base;
  }
  return 1.0 - p;
}

// Speculative decoding: a step that verifies k drafted tokens per sequence, each accepted with
// probability alpha if the previous one was, yields 1 + alpha + ... + alpha^k tokens on average
// (Leviathan et al. 2023, "Fast Inference from Transformers via Speculative Decoding", eq. 1;
// DeepSeek-V3 report sec. 5.4.3: one MTP token accepted 85-90 % of the time, 1.8x the TPS).
FC_HD inline double tokens_per_decode_step(const serving_layout& l)
{
  double tokens = 1.0, term = 1.0;
  for (int i = 0; i < static_cast<int>(l.speculative_tokens) && i < 16; ++i) {
    term *= l.acceptance;
    tokens += term;
  }
  return tokens;
}

// One decode step of `batch` sequences at mean context `context`, per replica (every chip
// works in parallel on its share). With speculative decoding each sequence runs 1 + k tokens
// through the model (the last accepted one and k drafts): the weights and the KV cache are read
// once, the FLOPs and the collectives are per token; the drafts cost k passes of a one-layer
// module (DeepSeek's MTP module: one transformer block and the shared head), costed as k / L of
// the step's weight and attention time.
FC_HD inline decode_step decode_step_time(const transformer_shape& m, const latent_attention& a,
                                          const serving_layout& l, const serving_precision& p,
                                          const serving_figures& f, double sequences, double context)
{
  decode_step s{};
  const double drafts = l.speculative_tokens;
  const double batch = sequences * (1.0 + drafts);  // tokens through the model this step
  const double bandwidth = f.memory_bandwidth_bytes_per_s * f.decode_bandwidth;
  // Weights read: everything but the routed experts and the input embedding (a gather), split
  // over tp; the routed experts the step touches, split over all chips.
  const double dense_values = (non_expert_layer_parameters(m) + m.vocab * m.hidden) / l.tp;
  const double routed_values = routed_expert_parameters(m) / l.chips * touched_expert_fraction(m, batch);
  const double weight_bytes = (dense_values + routed_values) * p.weight_bytes;
  s.weight_seconds = serving_max(weight_bytes / bandwidth, linear_compute_seconds(m, f, batch / l.chips, f.decode_compute));
  // KV read: each group holds sequences x tp / chips sequences; each chip its share of their cache.
  const double kv_bytes = sequences * l.tp / l.chips * context * kv_values_per_token(m, a) *
                          kv_share_per_chip(m, a, l.tp) * p.kv_bytes;
  const double attention_flop = batch / l.chips * decode_attention_flop_per_token(m, a, context);
  s.attention_seconds =
      serving_max(kv_bytes / bandwidth, attention_flop / (f.attention_peak_flop_per_s * f.decode_compute));
  s.tp_seconds = serving_tp_seconds(m, l, p, f, batch);
  s.ep_seconds = serving_ep_seconds(m, l, p, f, batch);
  s.overhead_seconds = f.step_overhead_s + drafts * (s.weight_seconds + s.attention_seconds) / m.layers;
  s.seconds = s.weight_seconds + s.attention_seconds + s.tp_seconds + s.ep_seconds + s.overhead_seconds;
  return s;
}

// ---- prefill ------------------------------------------------------------------------------------

// Prefill of `tokens` prompt tokens (prompts of `prompt` tokens) spread over the replica: the
// linear layers (the LM head once per prompt, for its first output token) and the causal
// attention, compute-bound at the prefill efficiency, the weights read at least once, plus
// the collectives.
FC_HD inline double prefill_seconds(const transformer_shape& m, const latent_attention& a, const serving_layout& l,
                                    const serving_precision& p, const serving_figures& f, double tokens, double prompt)
{
  const double per_chip = tokens / l.chips;
  const double compute = linear_compute_seconds(m, f, per_chip, f.prefill_compute, 1.0 / prompt);
  const double weights = serving_weight_values_per_chip(m, l) * p.weight_bytes /
                         (f.memory_bandwidth_bytes_per_s * f.decode_bandwidth);
  const double attention =
      per_chip * prefill_attention_flop_per_token(m, a, prompt) / (f.attention_peak_flop_per_s * f.prefill_compute);
  // A large prefill batch is split in two micro-batches whose all-to-all runs behind the other's
  // computation (DeepSeek's dual micro-batch overlap, Day 6 of open-infra-index; SGLang's
  // two-batch overlap): the expert-parallel traffic, de-duplicated per node (DeepEP's normal
  // kernels), is exposed only where it exceeds the work.
  const double work = serving_max(compute, weights) + attention;
  return serving_max(work, serving_ep_seconds(m, l, p, f, tokens, true)) + serving_tp_seconds(m, l, p, f, tokens);
}

// ---- steady state -------------------------------------------------------------------------------

// Continuous batching at `batch` sequences with the prefill interleaved (in-flight batching,
// chunked prefill; Yu et al. 2022, Orca; Agrawal et al. 2024, Sarathi-Serve): in steady state
// the sequences are spread evenly over their output, so each step sees the mean context
// input + output / 2, and every output_len steps `batch` requests finish and as many prompts are
// prefilled. The first output token comes from the prefill, the rest from output_len - 1 steps
// (fewer with speculative decoding: tokens_per_decode_step per step).
struct serving_cycle {
  double seconds;          // one cycle: batch requests from prompt to last token
  double step_seconds;     // one decode step (the TPOT without prefill stalls)
  double prefill_seconds;  // the prefill of the cycle's prompts
  double output_tokens_per_s;  // per replica
  double tpot_seconds;     // mean time between a sequence's tokens, prefill stalls included
};

FC_HD inline serving_cycle steady_state(const transformer_shape& m, const latent_attention& a, const serving_layout& l,
                                        const serving_precision& p, const serving_figures& f)
{
  serving_cycle c{};
  const double steps = (l.output_len - 1.0) / tokens_per_decode_step(l);
  c.step_seconds = decode_step_time(m, a, l, p, f, l.batch, l.input_len + 0.5 * l.output_len).seconds;
  c.prefill_seconds = prefill_seconds(m, a, l, p, f, l.batch * l.input_len, l.input_len);
  c.seconds = steps * c.step_seconds + c.prefill_seconds;
  c.output_tokens_per_s = l.batch * l.output_len / c.seconds;
  c.tpot_seconds = steps > 0.0 ? c.seconds / (l.output_len - 1.0) : c.step_seconds / tokens_per_decode_step(l);
  return c;
}

// Time to first token of a request on an idle replica: its prompt's prefill on its attention
// group, with every group starting one prompt at once (the same load per chip).
FC_HD inline double ttft_seconds(const transformer_shape& m, const latent_attention& a, const serving_layout& l,
                                 const serving_precision& p, const serving_figures& f)
{
  return prefill_seconds(m, a, l, p, f, l.input_len * l.chips / l.tp, l.input_len);
}

}  // namespace fleetcap
