#pragma once
// Training-compute formulas shared by `train`, `comply --train` and the sweeps.

#include <cmath>

#include "kernels/fc_hd.cuh"

namespace fleetcap {

// Total training operations of a dense transformer: C = 6 N D (Kaplan et al. 2020, "Scaling
// Laws for Neural Language Models", eq. 2.1 and sec. 2.1: ~2N per token forward, ~4N backward).
// For a mixture-of-experts model, N is the parameter count active per token.
FC_HD inline double training_operations_6nd(double parameters, double tokens)
{
  return 6.0 * parameters * tokens;
}

}  // namespace fleetcap

namespace fleetcap {

// Wall-clock seconds to perform `operations` on hardware with an aggregate dense peak of
// `peak_ops_per_s` at model-FLOPs utilisation `mfu` (PaLM, Chowdhery et al. 2022, app. B:
// MFU = achieved model FLOP/s / peak FLOP/s).
FC_HD inline double training_seconds(double operations, double peak_ops_per_s, double mfu)
{
  return operations / (peak_ops_per_s * mfu);
}

}  // namespace fleetcap

// ---------------------------------------------------------------------------------------
// Level 2: the transformer model.

#include "kernels/training_types.hpp"

namespace fleetcap {

FC_HD inline double head_dim(const transformer_shape& m) { return m.hidden / m.heads; }

// Weights of one layer's attention: Q and O are h x h; K and V are h x (kv_heads x head_dim)
// (grouped-query attention, Ainslie et al. 2023).
FC_HD inline double attention_parameters_per_layer(const transformer_shape& m)
{
  return 2.0 * m.hidden * m.hidden + 2.0 * m.hidden * m.kv_heads * head_dim(m);
}

// One expert's MLP: GELU has two h x ffn matrices, SwiGLU three (Shazeer 2020).
FC_HD inline double mlp_parameters_per_expert(const transformer_shape& m)
{
  return (m.mlp == static_cast<int>(mlp_kind::swiglu) ? 3.0 : 2.0) * m.hidden * m.ffn;
}

FC_HD inline double router_parameters_per_layer(const transformer_shape& m)
{
  return m.experts > 1.0 ? m.hidden * m.experts : 0.0;
}

// Total parameters: layers x (attention + experts x MLP + router + two layer norms) plus the
// input embedding and, unless tied, the output projection.
FC_HD inline double total_parameters(const transformer_shape& m)
{
  const double per_layer = attention_parameters_per_layer(m) + m.experts * mlp_parameters_per_expert(m) +
                           router_parameters_per_layer(m) + 4.0 * m.hidden;
  return m.layers * per_layer + m.vocab * m.hidden * (m.tied_embeddings ? 1.0 : 2.0);
}

// Parameters a token passes through in matrix multiplies (top_k of the experts), including
// the output projection to the vocabulary: the N of 6N in PaLM's MFU.
FC_HD inline double active_matmul_parameters(const transformer_shape& m)
{
  const double k = m.experts > 1.0 ? m.top_k : 1.0;
  return m.layers * (attention_parameters_per_layer(m) + k * mlp_parameters_per_expert(m) +
                     router_parameters_per_layer(m)) +
         m.vocab * m.hidden;
}

// Model FLOPs per token for training (forward + backward, no recompute): PaLM (Chowdhery et
// al. 2022, app. B): 6 N + 12 L H Q T, where H Q = hidden and T = sequence length.
FC_HD inline double model_flop_per_token(const transformer_shape& m)
{
  return 6.0 * active_matmul_parameters(m) + 12.0 * m.layers * m.hidden * m.seq;
}

// Hardware FLOPs add the recomputed forward pass: full recompute repeats every layer's
// forward (4/3 of the layer FLOPs, Narayanan et al. 2021 eq. 3: 96 B s l h^2 (1 + s/6h +
// V/16lh) = 4/3 of the 72 ... without recompute), selective recomputation repeats only the
// attention score and softmax work (Korthikanti et al. 2022 sec. 5: ~2.7% for GPT-3).
FC_HD inline double hardware_flop_per_token(const transformer_shape& m, int recompute)
{
  const double logits = 6.0 * m.vocab * m.hidden;
  const double layers = model_flop_per_token(m) - logits;
  if (recompute == static_cast<int>(recompute_mode::full)) {
    return layers * 4.0 / 3.0 + logits;
  }
  if (recompute == static_cast<int>(recompute_mode::selective)) {
    return model_flop_per_token(m) + 4.0 * m.layers * m.hidden * m.seq;  // QK^T and AV forward again
  }
  return model_flop_per_token(m);
}

// Megatron's count per iteration with full recompute, for comparison with the published
// tables (Narayanan et al. 2021 eq. 3): F = 96 B s l h^2 (1 + s/(6h) + V/(16 l h)).
FC_HD inline double megatron_flop_per_step(const transformer_shape& m, double global_batch)
{
  const double h = m.hidden, s = m.seq, l = m.layers;
  return 96.0 * global_batch * s * l * h * h * (1.0 + s / (6.0 * h) + m.vocab / (16.0 * l * h));
}

// Bytes per device of weights, gradients and optimizer state for mixed-precision Adam: 2 + 2 +
// 12 bytes per parameter (Rajbhandari et al. 2020, ZeRO, sec. 3.1), parameters split over tp x
// pp; ZeRO stage 1 shards the optimizer state over dp, stage 2 also the gradients, stage 3
// also the weights.
FC_HD inline memory_breakdown state_memory(const transformer_shape& m, const parallel_layout& l)
{
  const double per_device = total_parameters(m) / (l.tp * l.pp);
  memory_breakdown b{};
  b.weights = 2.0 * per_device / (l.zero >= 3 ? l.dp : 1.0);
  b.gradients = 2.0 * per_device / (l.zero >= 2 ? l.dp : 1.0);
  b.optimizer = 12.0 * per_device / (l.zero >= 1 ? l.dp : 1.0);
  return b;
}

// Activation bytes per layer per micro-batch, Korthikanti et al. 2022 ("Reducing Activation
// Recomputation in Large Transformer Models"), Table 2, with s = seq, b = micro-batch,
// h = hidden, a = heads, t = tp:
//   no recompute, no SP:  s b h (10 + 24/t + 5 a s / (h t))
//   no recompute, SP:     s b h (34/t + 5 a s / (h t))
//   selective:            s b h (10 + 24/t)   or with SP  s b h 34/t
//   full:                 2 s b h             or with SP  2 s b h / t
// For a GQA or SwiGLU MLP the 34 changes slightly; the paper's constants are kept.
FC_HD inline double activation_bytes_per_layer(const transformer_shape& m, const parallel_layout& l)
{
  const double sbh = m.seq * l.micro_batch * m.hidden;
  const double t = l.tp;
  const double scores = 5.0 * m.heads * m.seq / (m.hidden * t);
  const bool sp = l.sequence_parallel != 0;
  switch (l.recompute) {
    case static_cast<int>(recompute_mode::full): return sp ? 2.0 * sbh / t : 2.0 * sbh;
    case static_cast<int>(recompute_mode::selective): return sp ? sbh * 34.0 / t : sbh * (10.0 + 24.0 / t);
    default: return sp ? sbh * (34.0 / t + scores) : sbh * (10.0 + 24.0 / t + scores);
  }
}

// Activations held by the first pipeline stage, the most loaded: with 1F1B it keeps p
// micro-batches in flight over its L/p layers, i.e. L layers' worth, and interleaving adds a
// factor 1 + (p - 1) / (p v) (Korthikanti et al. 2022 sec. 4.2.3).
FC_HD inline double activation_memory(const transformer_shape& m, const parallel_layout& l)
{
  const double in_flight = l.pp > 1.0 ? 1.0 + (l.pp - 1.0) / (l.pp * l.interleave) : 1.0;
  const double microbatches = l.global_batch / (l.micro_batch * l.dp);
  // With fewer micro-batches than stages, only that many are ever in flight.
  const double fill = microbatches < l.pp ? microbatches / l.pp : 1.0;
  return activation_bytes_per_layer(m, l) * m.layers * in_flight * fill;
}

// Matmul efficiency grows with the model width: a saturating curve e = e_max x h / (h + h_half)
// in the hidden size h, calibrated per system (fleetcap calibrate). The width of the GEMMs a
// device runs, (b s) x h x (k h / t), scales with h; on Narayanan et al.'s Table 1 the
// achieved throughput tracks h (137 TFLOP/s at h = 2,304 to 163 at 25,600) rather than h / t,
// and fitting on h / t instead doubles the mean error (4.2 % vs 1.9 %).
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

// Step time of one iteration:
//   compute   = hardware FLOPs / (devices x peak x matmul efficiency)
//   tensor    = 4 all-reduces of s b h 2-byte activations per layer per micro-batch (2 forward,
//               2 backward; Shoeybi et al. 2019 fig. 4), plus 2 more with full recompute; over
//               the scale-up link when tp fits in a node, else the scale-out link. Sequence
//               parallelism replaces each all-reduce with an all-gather + reduce-scatter of
//               equal volume (Korthikanti et al. 2022).
//   bubble    = compute x (p - 1) / (m v) (Narayanan et al. 2021 sec. 2.2.2)
//   pipeline  = 2 sends of s b h 2-byte activations per micro-batch per stage boundary
//   data      = ring all-reduce of the 2-byte gradients over dp, of which dp_overlap is
//               hidden behind the backward pass
FC_HD inline step_estimate estimate_step(const transformer_shape& m, const parallel_layout& l, const system_figures& s)
{
  step_estimate e{};
  const double devices = l.tp * l.pp * l.dp;
  const double tokens = l.global_batch * m.seq;
  e.model_flop_per_step = model_flop_per_token(m) * tokens;
  e.hardware_flop_per_step = hardware_flop_per_token(m, l.recompute) * tokens;
  const double eff = matmul_efficiency(m, s);
  e.compute_seconds = e.hardware_flop_per_step / (devices * s.peak_flop_per_s * eff);

  const double microbatches = l.global_batch / (l.micro_batch * l.dp);
  const double activation_bytes = 2.0 * m.seq * l.micro_batch * m.hidden;
  const double tp_link = l.tp <= s.chips_per_node ? s.scale_up_bytes_per_s : s.scale_out_bytes_per_s;
  const double collectives = l.recompute == static_cast<int>(recompute_mode::full) ? 6.0 : 4.0;
  const double layers_per_device = m.layers / l.pp;
  e.tp_seconds = collectives * layers_per_device * microbatches *
                 ring_allreduce_seconds(activation_bytes, l.tp, tp_link, s.collective);

  e.pp_bubble_seconds = l.pp > 1.0 ? e.compute_seconds * (l.pp - 1.0) / (microbatches * l.interleave) : 0.0;
  const double pp_link = l.tp * l.pp <= s.chips_per_node ? s.scale_up_bytes_per_s : s.scale_out_bytes_per_s;
  e.pp_p2p_seconds = l.pp > 1.0 ? 2.0 * microbatches * l.interleave * (activation_bytes / l.tp) / (pp_link * s.collective)
                                : 0.0;

  const double grad_bytes = 2.0 * total_parameters(m) / (l.tp * l.pp);
  const double dp_link = l.tp * l.pp * l.dp <= s.chips_per_node ? s.scale_up_bytes_per_s : s.scale_out_bytes_per_s;
  e.dp_seconds = (1.0 - s.dp_overlap) * ring_allreduce_seconds(grad_bytes, l.dp, dp_link, s.collective);

  e.step_seconds = e.compute_seconds + e.tp_seconds + e.pp_bubble_seconds + e.pp_p2p_seconds + e.dp_seconds;
  e.mfu = e.model_flop_per_step / (e.step_seconds * devices * s.peak_flop_per_s);
  e.hfu = e.hardware_flop_per_step / (e.step_seconds * devices * s.peak_flop_per_s);

  e.memory = state_memory(m, l);
  e.memory.activations = activation_memory(m, l);
  e.memory.total = e.memory.weights + e.memory.gradients + e.memory.optimizer + e.memory.activations;
  e.fits = e.memory.total <= s.memory_bytes ? 1 : 0;
  return e;
}

}  // namespace fleetcap
