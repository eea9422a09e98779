#pragma once
// What one device holds during training: weights, gradients, optimizer state and activations
// of the most loaded pipeline stage. Host-device, no I/O.

#include "kernels/fc_hd.cuh"
#include "kernels/training_types.hpp"
#include "kernels/transformer_counts.cuh"

namespace fleetcap {

FC_HD inline double context_parallel(const parallel_layout& l) { return l.cp > 1.0 ? l.cp : 1.0; }
FC_HD inline double expert_parallel(const parallel_layout& l) { return l.ep > 1.0 ? l.ep : 1.0; }

// Expert parallelism (Megatron-Core's MoE; DeepSeek-V3 report sec. 3.2): the routed experts
// of a layer are split over ep ranks taken from the dp x cp ranks, each expert's matrices split
// over tp as the dense ones (Megatron-Core's default expert tensor-parallel size = tp). The
// expert weights are then replicated over the expert-data-parallel group of dp x cp / ep
// ranks, which is what reduces their gradients and shards their ZeRO state.
FC_HD inline double expert_data_parallel(const parallel_layout& l)
{
  return l.dp * context_parallel(l) / expert_parallel(l);
}

// Layers per pipeline stage. Even by default; real runs move a layer or two off the first and
// last stages to make room for the embedding and the LM head (Llama 3 405B: 126 layers over
// pp 16 with one fewer on the first and last stage, Llama 3 paper sec. 3.3.2; BLOOM: 70
// layers over pp 12). The middle stages share the rest evenly.
enum class pipeline_stage : int { first = 0, middle = 1, last = 2 };

FC_HD inline double stage_layers(const transformer_shape& m, const parallel_layout& l, pipeline_stage which)
{
  if (l.pp <= 1.0) {
    return m.layers;
  }
  const double even = m.layers / l.pp;
  const double first = l.first_stage_layers > 0.0 ? l.first_stage_layers : even;
  const double last = l.last_stage_layers > 0.0 ? l.last_stage_layers : even;
  switch (which) {
    case pipeline_stage::first: return first;
    case pipeline_stage::last: return last;
    default: return l.pp > 2.0 ? (m.layers - first - last) / (l.pp - 2.0) : first;
  }
}

// Parameters on a device of a stage: its layers split over tp (routed experts also over ep),
// plus the embedding on the first stage and the LM head on the last (which Megatron keeps as a
// second copy even when tied), each split over tp (vocabulary-parallel, Shoeybi et al. 2019
// sec. 3). Context parallelism splits the sequence, not the weights.
FC_HD inline double non_expert_parameters_per_device(const transformer_shape& m, const parallel_layout& l,
                                                     pipeline_stage which = pipeline_stage::first)
{
  return stage_layers(m, l, which) * (non_expert_layer_parameters(m) / m.layers) / l.tp;
}

FC_HD inline double expert_parameters_per_device(const transformer_shape& m, const parallel_layout& l,
                                                 pipeline_stage which = pipeline_stage::first)
{
  return stage_layers(m, l, which) * (routed_expert_parameters(m) / m.layers) / (l.tp * expert_parallel(l));
}

FC_HD inline double layer_parameters_per_device(const transformer_shape& m, const parallel_layout& l,
                                                pipeline_stage which = pipeline_stage::first)
{
  return non_expert_parameters_per_device(m, l, which) + expert_parameters_per_device(m, l, which);
}

FC_HD inline double embedding_parameters_per_device(const transformer_shape& m, const parallel_layout& l,
                                                    pipeline_stage which = pipeline_stage::first)
{
  if (l.pp <= 1.0) {
    return embedding_parameters(m) / l.tp;
  }
  return which == pipeline_stage::middle ? 0.0 : m.vocab * m.hidden / l.tp;
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

// The state ZeRO shards over dp is sharded over dp x cp for the dense weights (context-parallel
// ranks hold the same weights and join the data-parallel reduction: Megatron-LM's combined
// dp-cp group) and over the expert-data-parallel group for the routed experts.
FC_HD inline parallel_layout sharding_layout(const parallel_layout& l, double group)
{
  parallel_layout s = l;
  s.dp = group;
  return s;
}

FC_HD inline memory_breakdown state_memory(const transformer_shape& m, const parallel_layout& l,
                                           pipeline_stage which = pipeline_stage::first)
{
  const parallel_layout dense = sharding_layout(l, l.dp * context_parallel(l));
  const parallel_layout experts = sharding_layout(l, expert_data_parallel(l));
  const double embedding = embedding_parameters_per_device(m, l, which);
  const memory_breakdown d = state_bytes(non_expert_parameters_per_device(m, l, which) + embedding, dense);
  const memory_breakdown x = state_bytes(expert_parameters_per_device(m, l, which), experts);
  const memory_breakdown e = state_bytes(embedding, dense);
  memory_breakdown b{};
  b.weights = d.weights + x.weights;
  b.gradients = d.gradients + x.gradients;
  b.optimizer = d.optimizer + x.optimizer;
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
// Of the 34, the MLP holds 19 (sec. 4.1: its input 2, the GELU input 8 and the second matmul's
// input 8, each 4h wide, and a dropout mask 1); 3 of them are not split by tp, 16 are. The
// MLP term is written for any MLP here, so that it stays the paper's 19 for GPT (GELU, ffn
// 4h) and follows the width and the number of MLPs a token passes through otherwise:
//   unsplit 2 (input) + 1 (dropout mask), plus 2 per routed expert (its dispatched copy of
//           the token, top_k per token in a MoE layer);
//   split   4 ffn / h per MLP for GELU (the GELU input and output), 6 ffn / h for SwiGLU
//           (gate, up and their product), times top_k + shared experts in a MoE layer.
// Dense and MoE layers are averaged, like their weights. The attention terms keep the paper's
// constants (for GQA its K/V terms are smaller; not modelled). Context parallelism splits the
// sequence over cp ranks, and with it every term (the score term too: each rank scores s/cp
// queries against all s keys).
struct activation_terms {
  double unsplit;  // per s b h, not split by tp (split by tp with sequence parallelism)
  double split;    // per s b h, split by tp
};

FC_HD inline activation_terms mlp_activation_terms(const transformer_shape& m)
{
  const double per_width = m.mlp == static_cast<int>(mlp_kind::swiglu) ? 6.0 : 4.0;
  const double dense_layers = dense_mlp_layers(m), sparse_layers = moe_layers(m);
  const double dense_split = per_width * dense_mlp_width(m) / m.hidden;
  const double sparse_split = per_width * m.ffn / m.hidden * (m.top_k + m.shared_experts);
  return {(dense_layers * 3.0 + sparse_layers * (3.0 + 2.0 * m.top_k)) / m.layers,
          (dense_layers * dense_split + sparse_layers * sparse_split) / m.layers};
}

// The softmax input, its output and the dropout mask: Table 2's s b h x 5 a s / (h t) bytes per
// layer and micro-batch (split by cp like the rest); a fused attention kernel keeps them on chip
// and stores only its output and the row statistics.
FC_HD inline double score_bytes_per_layer(const transformer_shape& m, const parallel_layout& l)
{
  if (l.fused_attention != 0) {
    return 0.0;
  }
  return m.seq * l.micro_batch / context_parallel(l) * 5.0 * m.heads * m.seq / l.tp;
}

FC_HD inline double activation_bytes_per_layer(const transformer_shape& m, const parallel_layout& l)
{
  const double sbh = m.seq * l.micro_batch * m.hidden / context_parallel(l);
  const double t = l.tp;
  const bool sp = l.sequence_parallel != 0;
  const activation_terms mlp = mlp_activation_terms(m);
  const double unsplit = 7.0 + mlp.unsplit;  // 10 for GPT
  const double split = 8.0 + mlp.split;      // 24 for GPT
  switch (l.recompute) {
    case static_cast<int>(recompute_mode::full): return sp ? 2.0 * sbh / t : 2.0 * sbh;
    case static_cast<int>(recompute_mode::selective): return sp ? sbh * (unsplit + split) / t : sbh * (unsplit + split / t);
    default: return sp ? sbh * (unsplit + split) / t + score_bytes_per_layer(m, l)
                       : sbh * (unsplit + split / t) + score_bytes_per_layer(m, l);
  }
}

// Activations held by a stage's device. With 1F1B stage k keeps min(m, p - k) micro-batches in
// flight, so the first stage holds L layers' worth when m >= p (Korthikanti et al. 2022 sec.
// 4.2.3). Only the interleaved schedule adds the factor 1 + (p - 1) / (p v) (same section);
// with v = 1 there is no such factor. The middle stage reported is the second (k = 1), the
// most loaded of them.
FC_HD inline double activation_memory(const transformer_shape& m, const parallel_layout& l,
                                      pipeline_stage which = pipeline_stage::first)
{
  const double interleaved = l.pp > 1.0 && l.interleave > 1.0 ? 1.0 + (l.pp - 1.0) / (l.pp * l.interleave) : 1.0;
  const double microbatches = l.global_batch / (l.micro_batch * l.dp);
  const double k = which == pipeline_stage::first ? 0.0 : (which == pipeline_stage::middle ? 1.0 : l.pp - 1.0);
  const double stages_ahead = l.pp - k;
  const double in_flight = microbatches < stages_ahead ? microbatches : stages_ahead;
  return activation_bytes_per_layer(m, l) * stage_layers(m, l, which) * in_flight * interleaved;
}

// What the most loaded device holds: the largest total over the first, a middle and the last
// stage.
FC_HD inline memory_breakdown device_memory(const transformer_shape& m, const parallel_layout& l)
{
  memory_breakdown best{};
  const int stages = l.pp > 2.0 ? 3 : (l.pp > 1.0 ? 2 : 1);
  for (int i = 0; i < stages; ++i) {
    const pipeline_stage which =
        i == 0 ? pipeline_stage::first : (i == 1 && stages == 3 ? pipeline_stage::middle : pipeline_stage::last);
    memory_breakdown b = state_memory(m, l, which);
    b.activations = activation_memory(m, l, which);
    b.total = b.weights + b.gradients + b.optimizer + b.activations;
    if (i == 0 || b.total > best.total) {
      best = b;
    }
  }
  return best;
}

}  // namespace fleetcap
