#pragma once
// What a transformer shape costs: parameters and FLOPs per token. Host-device, no I/O.

#include "kernels/fc_hd.cuh"
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

// One layer: attention + experts x MLP + router + two layer norms (scale and bias each).
FC_HD inline double layer_parameters(const transformer_shape& m)
{
  return attention_parameters_per_layer(m) + m.experts * mlp_parameters_per_expert(m) +
         router_parameters_per_layer(m) + 4.0 * m.hidden;
}

// The input embedding and, unless tied, the output projection (the LM head).
FC_HD inline double embedding_parameters(const transformer_shape& m)
{
  return m.vocab * m.hidden * (m.tied_embeddings ? 1.0 : 2.0);
}

FC_HD inline double total_parameters(const transformer_shape& m)
{
  return m.layers * layer_parameters(m) + embedding_parameters(m);
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

// The LM head's share: 6 V h per token (forward 2 V h, backward 4 V h). It runs on the last
// pipeline stage only.
FC_HD inline double logit_flop_per_token(const transformer_shape& m) { return 6.0 * m.vocab * m.hidden; }

// Hardware FLOPs add the recomputed forward pass: full recompute repeats every layer's
// forward (4/3 of the layer FLOPs, Narayanan et al. 2021 eq. 3: 96 B s l h^2 (1 + s/6h +
// V/16lh) = 4/3 of the 72 ... without recompute), selective recomputation repeats only the
// attention score and softmax work (Korthikanti et al. 2022 sec. 5): its FLOPs are the
// forward QK^T and AV products, 4 L h s per token; its memory traffic is in step_time.cuh.
FC_HD inline double hardware_flop_per_token(const transformer_shape& m, int recompute)
{
  const double layers = model_flop_per_token(m) - logit_flop_per_token(m);
  if (recompute == static_cast<int>(recompute_mode::full)) {
    return layers * 4.0 / 3.0 + logit_flop_per_token(m);
  }
  if (recompute == static_cast<int>(recompute_mode::selective)) {
    return model_flop_per_token(m) + 4.0 * m.layers * m.hidden * m.seq;
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

}  // namespace fleetcap
