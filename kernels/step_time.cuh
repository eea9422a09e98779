#pragma once
// How long one training step takes for a shape, a layout and a system: matmuls, memory-bound
// layer work, tensor/pipeline/data-parallel communication, the pipeline bubble and the
// optimizer update. Host-device, no I/O, no exceptions.

#include <cmath>

#include "kernels/fc_hd.cuh"
#include "kernels/training_memory.cuh"
#include "kernels/training_types.hpp"
#include "kernels/transformer_counts.cuh"

namespace fleetcap {

// Matmul efficiency grows with the model width: a saturating curve e = e_max x h / (h + h_half)
// in the hidden size h, calibrated per system (fleetcap calibrate). The width of the GEMMs a
// device runs, (b s) x h x (k h / t), scales with h; on Narayanan et al.'s Table 1 the
// achieved throughput tracks h (137 TFLOP/s at h = 2,304 to 163 at 25,600) rather than h / t.
FC_HD inline double matmul_efficiency(const transformer_shape& m, const system_figures& s)
{
  return s.matmul_max * m.hidden / (m.hidden + s.matmul_half_size);
}

// Ring all-reduce moves 2 (n - 1) / n of the buffer through each device's link (Patarasuk and
// Yuan 2009); all-gather and reduce-scatter move half of that each.
FC_HD inline double ring_allreduce_seconds(double bytes, double devices, double link_bytes_per_s, double efficiency)
{
  if (devices <= 1.0) {
    return 0.0;
  }
  return 2.0 * (devices - 1.0) / devices * bytes / (link_bytes_per_s * efficiency);
}

// A process group whose ranks span `span` consecutive chips stays inside one scale-up domain
// when span <= chips_per_node (Megatron orders ranks tp fastest, then pp... here dp outermost).
struct link_figures {
  double bytes_per_s;
  double efficiency;
};

FC_HD inline link_figures link_for(double span, const system_figures& s)
{
  return span <= s.chips_per_node ? link_figures{s.scale_up_bytes_per_s, s.scale_up_collective}
                                   : link_figures{s.scale_out_bytes_per_s, s.scale_out_collective};
}

// HBM traffic of the memory-bound work of one layer and one micro-batch (layer norms, dropout,
// bias-GELU, residual adds, softmax and its dropout). Model: every activation byte of
// Korthikanti et al.'s Table 2 (no recompute) is written and read once in the forward pass
// (2 bytes of traffic) and read once with its gradient written once in the backward pass
// (2 more): 4 bytes of traffic per stored byte. Sequence parallelism splits the layer-norm and dropout part (the "10" of Table 2)
// over tp, which is where its speed-up comes from. Full recompute repeats the forward traffic;
// selective recompute repeats the softmax and attention-dropout traffic (the 5 a s / h t term),
// which is why it costs ~2.7 % of time on GPT-3 though its FLOPs are far fewer (sec. 5).
FC_HD inline double elementwise_bytes_per_layer(const transformer_shape& m, const parallel_layout& l)
{
  parallel_layout stored = l;
  stored.recompute = static_cast<int>(recompute_mode::none);
  const double bytes = activation_bytes_per_layer(m, stored);
  const double scores = score_bytes_per_layer(m, l);
  double traffic = 4.0 * bytes;
  if (l.recompute == static_cast<int>(recompute_mode::full)) {
    traffic += 2.0 * bytes;
  } else if (l.recompute == static_cast<int>(recompute_mode::selective)) {
    traffic += 2.0 * scores;
  }
  return traffic;
}

// Tensor-parallel traffic per layer and micro-batch, in all-reduces of the 2-byte s b h
// activations: 2 forward and 2 backward (Shoeybi et al. 2019, fig. 4), 2 more when full
// recompute repeats the forward. Sequence parallelism turns each all-reduce into an
// all-gather plus a reduce-scatter of the same volume, and re-gathers the inputs of the two
// column-parallel GEMMs in the backward pass instead of storing them (Korthikanti et al. 2022
// sec. 4.2.2; Megatron-LM's sequence-parallel linear layer): two all-gathers, one more
// all-reduce's worth.
FC_HD inline double tp_allreduces_per_layer(const parallel_layout& l)
{
  double n = 4.0;
  if (l.recompute == static_cast<int>(recompute_mode::full)) {
    n += 2.0;
  }
  if (l.sequence_parallel != 0) {
    n += 1.0;
  }
  return n;
}

// Data-parallel traffic per step, in bytes through each device's link, and the compute it can
// hide behind. Ψ = 2-byte gradients (or weights) of the device's parameters, r = (n-1)/n.
//   ZeRO 0/1: one all-reduce (or reduce-scatter + all-gather, the same 2 r Ψ; Rajbhandari et
//             al. 2020 sec. 7.2.1) per step; the gradient reduction overlaps the last
//             micro-batch's backward pass and the distributed optimizer's parameter gather the
//             next step's first forward pass (Megatron-LM overlap_grad_reduce /
//             overlap_param_gather): one micro-batch's forward + backward.
//   ZeRO 2:   a reduce-scatter after every micro-batch (the gradients are partitioned, so
//             accumulation cannot wait) plus the final all-gather: (m + 1) r Ψ; each
//             reduce-scatter overlaps its micro-batch's backward pass.
//   ZeRO 3:   weights all-gathered in every micro-batch's forward and backward and gradients
//             reduce-scattered: 3 m r Ψ (sec. 7.2.2: 1.5x the baseline per micro-batch); the
//             gathers prefetch behind the whole forward and backward.
FC_HD inline double dp_exposed_seconds(const transformer_shape& m, const parallel_layout& l, const system_figures& s,
                                       double microbatches, double busy_seconds)
{
  // Two groups reduce: the dense weights over dp x cp (context-parallel ranks reduce gradients
  // too) and the routed experts over the expert-data-parallel group (dp x cp / ep), one after
  // the other over the same link.
  const double dense_group = l.dp * context_parallel(l);
  const double expert_group = expert_data_parallel(l);
  const double dense_psi = 2.0 * (non_expert_parameters_per_device(m, l) + embedding_parameters_per_device(m, l));
  const double expert_psi = 2.0 * expert_parameters_per_device(m, l);
  const double ring = (dense_group > 1.0 ? (dense_group - 1.0) / dense_group * dense_psi : 0.0) +
                      (expert_group > 1.0 ? (expert_group - 1.0) / expert_group * expert_psi : 0.0);
  if (ring <= 0.0) {
    return 0.0;
  }
  const link_figures link = link_for(l.tp * context_parallel(l) * l.pp * l.dp, s);
  double volume = 0.0;
  double window = 0.0;
  const double backward = busy_seconds * (2.0 / 3.0);
  if (l.zero >= 3) {
    volume = 3.0 * microbatches * ring;
    window = busy_seconds;
  } else if (l.zero == 2) {
    volume = (microbatches + 1.0) * ring;
    window = backward;
  } else {
    volume = 2.0 * ring;
    window = busy_seconds / microbatches;
  }
  const double seconds = volume / (link.bytes_per_s * link.efficiency);
  const double exposed = seconds - s.dp_overlap * window;
  return exposed > 0.0 ? exposed : 0.0;
}

// The Adam update is memory-bound: per parameter of the device's optimizer shard it reads the
// fp32 master weight, both moments and the gradient and writes the three back plus the
// 16-bit weight: 4 x 4 + 3 x 4 + 2 = 30 bytes.
FC_HD inline double optimizer_seconds(const transformer_shape& m, const parallel_layout& l, const system_figures& s)
{
  const double dense = non_expert_parameters_per_device(m, l) + embedding_parameters_per_device(m, l);
  const double experts = expert_parameters_per_device(m, l);
  const double shard = l.zero >= 1 ? dense / (l.dp * context_parallel(l)) + experts / expert_data_parallel(l)
                                   : dense + experts;
  return 30.0 * shard / (s.memory_bandwidth_bytes_per_s * s.elementwise);
}

// Context parallelism (Llama 3 paper sec. 3.3.2): each rank holds s/cp of the sequence and
// all-gathers the keys and values of the others for attention in the forward pass, again in
// the backward pass, and reduce-scatters their gradients: 3 x (cp - 1) shards of
// 2 x (s b / cp) x kv_heads x head_dim / tp 2-byte values per layer and micro-batch.
FC_HD inline double cp_seconds_per_layer(const transformer_shape& m, const parallel_layout& l, const system_figures& s)
{
  const double cp = context_parallel(l);
  if (cp <= 1.0) {
    return 0.0;
  }
  const double shard = 2.0 * 2.0 * (m.seq * l.micro_batch / cp) * m.kv_heads * head_dim(m) / l.tp;
  const link_figures link = link_for(l.tp * cp, s);
  return 3.0 * (cp - 1.0) * shard / (link.bytes_per_s * link.efficiency);
}

// Expert parallelism's all-to-all (Lepikhin et al. 2021, GShard sec. 2.2; Megatron-Core's
// all-to-all token dispatcher): in every MoE layer each rank sends each of its tokens to the
// top_k experts it is routed to (dispatch) and gets the results back (combine), in the forward
// pass and again for the gradients in the backward pass: 4 all-to-alls per layer and
// micro-batch, 6 with full recompute. A rank's tokens are b s / cp, split over tp (each tp
// rank dispatches its share), of 2-byte h-wide activations; with balanced routing (ep - 1) /
// ep of them go to other ranks. Ranks are ordered tp, cp, ep, dp, pp (Megatron-Core's default
// order), so the ep group spans tp x cp x ep consecutive chips: the peers inside the scale-up
// domain take NVLink, the rest the scale-out NICs, at the same time (the slower bounds).
// Not modelled, so the term is an upper bound for runs that use them: node-limited routing
// and per-node de-duplication (DeepSeek-V3 sends a token to at most 4 nodes, sec. 3.2.2), FP8
// dispatch, overlap of the all-to-all with computation (DualPipe), and routing imbalance.
FC_HD inline double ep_seconds_per_layer(const transformer_shape& m, const parallel_layout& l, const system_figures& s)
{
  const double ep = expert_parallel(l);
  if (ep <= 1.0 || m.experts <= 1.0) {
    return 0.0;
  }
  const double tokens = l.micro_batch * m.seq / context_parallel(l) / l.tp;
  const double bytes = 2.0 * tokens * m.top_k * m.hidden;
  const double per_domain = s.chips_per_node / (l.tp * context_parallel(l));
  const double local = per_domain < 1.0 ? 1.0 : (per_domain < ep ? floor(per_domain) : ep);
  const double inside = bytes * (local - 1.0) / ep / (s.scale_up_bytes_per_s * s.scale_up_collective);
  const double outside = bytes * (ep - local) / ep / (s.scale_out_bytes_per_s * s.scale_out_collective);
  const double passes = l.recompute == static_cast<int>(recompute_mode::full) ? 6.0 : 4.0;
  return passes * (inside > outside ? inside : outside);
}

// The busy time of one device of a pipeline stage over the step: its matmuls (its layers, plus
// the LM head on the last stage), memory-bound work, and tensor- and context-parallel traffic.
struct stage_time {
  double compute;
  double elementwise;
  double tp;
  double cp;
  double ep;
  FC_HD double busy() const { return compute + elementwise + tp + cp + ep; }
};

FC_HD inline stage_time stage_busy(const transformer_shape& m, const parallel_layout& l, const system_figures& s,
                                   pipeline_stage which)
{
  const double microbatches = l.global_batch / (l.micro_batch * l.dp);
  const double micro_tokens = l.micro_batch * m.seq / context_parallel(l);
  const double logits = logit_flop_per_token(m);
  const double linear_per_layer = linear_layer_flop_per_token(m, l.recompute) / m.layers;
  const double core_per_layer = attention_core_flop_per_token(m, l.recompute, l.fused_attention) / m.layers;
  const double layers = stage_layers(m, l, which);
  const bool has_head = l.pp <= 1.0 || which == pipeline_stage::last;
  stage_time t{};
  const double attention_peak = s.attention_peak_flop_per_s > 0.0 ? s.attention_peak_flop_per_s : s.peak_flop_per_s;
  t.compute = microbatches * micro_tokens *
              ((layers * linear_per_layer + (has_head ? logits : 0.0)) / s.peak_flop_per_s +
               layers * core_per_layer / attention_peak) /
              (l.tp * matmul_efficiency(m, s));
  t.elementwise = microbatches * layers * elementwise_bytes_per_layer(m, l) / (s.memory_bandwidth_bytes_per_s * s.elementwise);
  const link_figures tp_link = link_for(l.tp, s);
  t.tp = tp_allreduces_per_layer(l) * layers * microbatches *
         ring_allreduce_seconds(2.0 * micro_tokens * m.hidden, l.tp, tp_link.bytes_per_s, tp_link.efficiency);
  t.cp = microbatches * layers * cp_seconds_per_layer(m, l, s);
  t.ep = microbatches * layers * (moe_layers(m) / m.layers) * ep_seconds_per_layer(m, l, s);
  if (l.ep_overlap != 0) {
    // DeepSeek-V3's DualPipe (report sec. 3.2.1) pairs one micro-batch's forward with another's
    // backward so that the all-to-all of one hides behind the computation of the other: only
    // what exceeds the stage's computation stays exposed. Its smaller bubble is not modelled.
    const double hidden_behind = t.compute + t.elementwise;
    t.ep = t.ep > hidden_behind ? t.ep - hidden_behind : 0.0;
  }
  return t;
}

// Step time of one iteration, for the slowest pipeline stage (of the first, a middle and the
// last; with even stages the last, which also runs the LM head):
//   compute     = m x its matmul FLOPs per micro-batch / (peak x matmul efficiency)
//   elementwise = m x its layers x elementwise bytes / (HBM bandwidth x elementwise fraction)
//   tensor      = m x its layers x all-reduces of 2 s b h / cp bytes over the tp group's link
//   context     = m x its layers x the K/V exchange (above)
//   expert      = m x its MoE layers x the all-to-all dispatch and combine (above)
//   bubble      = the busy time x (p - 1) / (m v) (Narayanan et al. 2021 sec. 2.2)
//   pipeline    = 2 m v sends of 2 s b h / (t cp) bytes (Megatron's scatter-gather) per stage
//   data        = the exposed part of the data-parallel / ZeRO traffic (above)
//   optimizer   = the Adam update (above)
FC_HD inline step_estimate estimate_step(const transformer_shape& m, const parallel_layout& l, const system_figures& s)
{
  step_estimate e{};
  const double cp = context_parallel(l);
  const double devices = l.tp * cp * l.pp * l.dp;
  const double tokens = l.global_batch * m.seq;
  e.model_flop_per_step = model_flop_per_token(m) * tokens;
  e.hardware_flop_per_step = hardware_flop_per_token(m, l.recompute, l.fused_attention) * tokens;
  const double microbatches = l.global_batch / (l.micro_batch * l.dp);

  stage_time slowest = stage_busy(m, l, s, pipeline_stage::last);
  if (l.pp > 1.0) {
    const stage_time first = stage_busy(m, l, s, pipeline_stage::first);
    const stage_time middle = stage_busy(m, l, s, pipeline_stage::middle);
    slowest = first.busy() > slowest.busy() ? first : slowest;
    slowest = middle.busy() > slowest.busy() ? middle : slowest;
  }
  e.compute_seconds = slowest.compute;
  e.elementwise_seconds = slowest.elementwise;
  e.tp_seconds = slowest.tp;
  e.cp_seconds = slowest.cp;
  e.ep_seconds = slowest.ep;
  const double busy = slowest.busy();
  e.pp_bubble_seconds = l.pp > 1.0 ? busy * (l.pp - 1.0) / (microbatches * l.interleave) : 0.0;
  const link_figures pp_link = link_for(l.tp * cp * l.pp, s);
  const double activation_bytes = 2.0 * l.micro_batch * m.seq / cp * m.hidden;
  e.pp_p2p_seconds = l.pp > 1.0 ? 2.0 * microbatches * l.interleave * (activation_bytes / l.tp) /
                                      (pp_link.bytes_per_s * pp_link.efficiency)
                                : 0.0;
  e.dp_seconds = dp_exposed_seconds(m, l, s, microbatches, busy);
  e.optimizer_seconds = optimizer_seconds(m, l, s);

  e.step_seconds = busy + e.pp_bubble_seconds + e.pp_p2p_seconds + e.dp_seconds + e.optimizer_seconds;
  e.mfu = e.model_flop_per_step / (e.step_seconds * devices * s.peak_flop_per_s);
  e.hfu = e.hardware_flop_per_step / (e.step_seconds * devices * s.peak_flop_per_s);

  e.memory = device_memory(m, l);
  e.fits = e.memory.total <= s.memory_bytes ? 1 : 0;
  return e;
}

}  // namespace fleetcap
