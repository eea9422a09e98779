#pragma once
// What one device holds during training: weights, gradients, optimizer state and activations
// of the most loaded pipeline stage. Host-device, no I/O.

#include "kernels/fc_hd.cuh"
#include "kernels/training_types.hpp"
#include "kernels/transformer_counts.cuh"

namespace fleetcap {

// Parameters on the most loaded device: its L/p layers split over tp, plus the embedding on
// the first stage (and the LM head on the last, which Megatron keeps as a second copy even
// when tied), each split over tp (vocabulary-parallel, Shoeybi et al. 2019 sec. 3).
FC_HD inline double layer_parameters_per_device(const transformer_shape& m, const parallel_layout& l)
{
  return m.layers / l.pp * layer_parameters(m) / l.tp;
}

FC_HD inline double embedding_parameters_per_device(const transformer_shape& m, const parallel_layout& l)
{
  return (l.pp > 1.0 ? m.vocab * m.hidden : embedding_parameters(m)) / l.tp;
}

// Bytes per parameter of mixed-precision Adam state.
//   ZeRO 0 and 1 (Megatron-LM; its distributed optimizer is ZeRO-1): 16-bit weights 2, fp32
//   main gradients 4, fp32 master weights and two Adam moments 12: 18 bytes, of which the 12
//   are sharded over dp with the distributed optimizer (Megatron-LM docs, "Distributed
//   Optimizer": 18 bytes, 6 + 12/d; Korthikanti et al. 2022, Figure 1: 18 bytes per parameter).
//   ZeRO 2 and 3 (DeepSpeed): 2 + 2 + 12 = 16 bytes with 16-bit gradients (Rajbhandari et al.
//   2020, sec. 3.1); stage 2 shards gradients and optimizer state over dp, stage 3 also the
//   weights.
FC_HD inline memory_breakdown state_bytes(double parameters, const parallel_layout& l)
{
  memory_breakdown b{};
  b.weights = 2.0 * parameters / (l.zero >= 3 ? l.dp : 1.0);
  b.gradients = l.zero >= 2 ? 2.0 * parameters / l.dp : 4.0 * parameters;
  b.optimizer = 12.0 * parameters / (l.zero >= 1 ? l.dp : 1.0);
  return b;
}

FC_HD inline memory_breakdown state_memory(const transformer_shape& m, const parallel_layout& l)
{
  const double layers = layer_parameters_per_device(m, l);
  const double embedding = embedding_parameters_per_device(m, l);
  memory_breakdown b = state_bytes(layers + embedding, l);
  const memory_breakdown e = state_bytes(embedding, l);
  b.embedding_state = e.weights + e.gradients + e.optimizer;
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

// Activations held by the first pipeline stage, the most loaded. With 1F1B it keeps
// min(m, p) micro-batches in flight over its L/p layers, i.e. L layers' worth when m >= p
// (Korthikanti et al. 2022 sec. 4.2.3). Only the interleaved schedule adds the factor
// 1 + (p - 1) / (p v) (same section); with v = 1 there is no such factor.
FC_HD inline double activation_memory(const transformer_shape& m, const parallel_layout& l)
{
  const double interleaved = l.pp > 1.0 && l.interleave > 1.0 ? 1.0 + (l.pp - 1.0) / (l.pp * l.interleave) : 1.0;
  const double microbatches = l.global_batch / (l.micro_batch * l.dp);
  const double in_flight = microbatches < l.pp ? microbatches : l.pp;
  return activation_bytes_per_layer(m, l) * (m.layers / l.pp) * in_flight * interleaved;
}

}  // namespace fleetcap
