#pragma once
// What a transformer shape costs: parameters and FLOPs per token. Host-device, no I/O.

#include "kernels/fc_hd.cuh"
#include "kernels/training_types.hpp"

namespace fleetcap {

FC_HD inline double head_dim(const transformer_shape& m) { return m.head_dim > 0.0 ? m.head_dim : m.hidden / m.heads; }

// The width of the queries (and of the attention output): heads x head_dim, the model width
// unless the heads are sized on their own.
FC_HD inline double attention_width(const transformer_shape& m) { return m.heads * head_dim(m); }

// Weights of one layer's attention: Q and O are h x (heads x head_dim); K and V are
// h x (kv_heads x head_dim) (grouped-query attention, Ainslie et al. 2023).
FC_HD inline double attention_parameters_per_layer(const transformer_shape& m)
{
  return 2.0 * m.hidden * attention_width(m) + 2.0 * m.hidden * m.kv_heads * head_dim(m);
}

// An MLP of inner width `width`: GELU has two h x width matrices, SwiGLU three (Shazeer 2020).
FC_HD inline double mlp_parameters(const transformer_shape& m, double width)
{
  return (m.mlp == static_cast<int>(mlp_kind::swiglu) ? 3.0 : 2.0) * m.hidden * width;
}

// One expert's MLP (a dense model is one expert of width ffn).
FC_HD inline double mlp_parameters_per_expert(const transformer_shape& m) { return mlp_parameters(m, m.ffn); }

// Mixture of experts (Fedus et al. 2021; DeepSeek-V3 report sec. 2.1.2): a MoE layer has
// `experts` routed experts of width ffn, a token visits top_k of them and every shared expert;
// the first dense_layers layers keep one dense MLP of width dense_ffn (DeepSeek-V3's
// first_k_dense_replace = 3). A dense model (experts = 1) has no MoE layers.
FC_HD inline double moe_layers(const transformer_shape& m) { return m.experts > 1.0 ? m.layers - m.dense_layers : 0.0; }
FC_HD inline double dense_mlp_layers(const transformer_shape& m) { return m.layers - moe_layers(m); }
FC_HD inline double dense_mlp_width(const transformer_shape& m) { return m.dense_ffn > 0.0 ? m.dense_ffn : m.ffn; }

FC_HD inline double router_parameters_per_layer(const transformer_shape& m)
{
  return m.experts > 1.0 ? m.hidden * m.experts : 0.0;
}

// The routed experts' weights of the whole model: what expert parallelism splits over ep ranks.
FC_HD inline double routed_expert_parameters(const transformer_shape& m)
{
  return moe_layers(m) * m.experts * mlp_parameters_per_expert(m);
}

// Every other layer weight: attention, two layer norms (scale and bias each), the dense MLPs,
// and in MoE layers the shared experts and the router. Tensor parallelism splits these.
FC_HD inline double non_expert_layer_parameters(const transformer_shape& m)
{
  return m.layers * (attention_parameters_per_layer(m) + 4.0 * m.hidden) +
         dense_mlp_layers(m) * mlp_parameters(m, dense_mlp_width(m)) +
         moe_layers(m) * (m.shared_experts * mlp_parameters_per_expert(m) + router_parameters_per_layer(m));
}

// One layer on average (dense and MoE layers differ; pipeline stages are costed with the mean).
FC_HD inline double layer_parameters(const transformer_shape& m)
{
  return (non_expert_layer_parameters(m) + routed_expert_parameters(m)) / m.layers;
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

// Parameters a token passes through in matrix multiplies (top_k routed experts and the shared
// ones in MoE layers), including the output projection to the vocabulary: the N of 6N in
// PaLM's MFU.
FC_HD inline double active_matmul_parameters(const transformer_shape& m)
{
  return m.layers * attention_parameters_per_layer(m) + dense_mlp_layers(m) * mlp_parameters(m, dense_mlp_width(m)) +
         moe_layers(m) * ((m.top_k + m.shared_experts) * mlp_parameters_per_expert(m) + router_parameters_per_layer(m)) +
         m.vocab * m.hidden;
}

// Model FLOPs per token for training (forward + backward, no recompute): PaLM (Chowdhery et
// al. 2022, app. B): 6 N + 12 L H Q T, where H Q = heads x head_dim (the attention width; the
// model width for most models) and T = sequence length.
FC_HD inline double model_flop_per_token(const transformer_shape& m)
{
  return 6.0 * active_matmul_parameters(m) + 12.0 * m.layers * attention_width(m) * m.seq;
}

// The LM head's share: 6 V h per token (forward 2 V h, backward 4 V h). It runs on the last
// pipeline stage only.
FC_HD inline double logit_flop_per_token(const transformer_shape& m) { return 6.0 * m.vocab * m.hidden; }

// Hardware FLOPs add the recomputed work. Full recompute repeats every layer's forward (4/3 of
// the layer FLOPs, Narayanan et al. 2021 eq. 3: 96 B s l h^2 (1 + s/6h + V/16lh) = 4/3 of the
// 72 ... without recompute); selective recomputation repeats only the attention score and
// softmax work (Korthikanti et al. 2022 sec. 5): the forward QK^T and AV products, 4 L a_w s
// per token (a_w = heads x head_dim); its memory traffic is in step_time.cuh. A fused
// attention kernel (FlashAttention, Dao et al. 2022, sec. 3.1; FlashAttention-2, Dao 2023,
// alg. 2) never stores the scores: its backward pass recomputes S = Q K^T, one of the two
// attention products, 2 L a_w s per token more, in every recompute mode; selective
// recomputation then has nothing left to recompute (the attention core it would repeat is
// inside the kernel).
//
// The FLOPs are kept in two parts because they run at different peaks: FP8 training recipes
// run only the linear layers in FP8; the attention core stays in BF16 (Transformer Engine's
// fp8_autocast covers its Linear modules; FlashAttention runs in BF16; step_time.cuh).

// The attention core (the Q K^T and A V products with their recomputation): PaLM's 12 L a_w s.
FC_HD inline double attention_core_flop_per_token(const transformer_shape& m, int recompute, int fused_attention = 0)
{
  const double lws = m.layers * attention_width(m) * m.seq;
  double f = recompute == static_cast<int>(recompute_mode::full) ? 16.0 * lws : 12.0 * lws;
  if (recompute == static_cast<int>(recompute_mode::selective) && fused_attention == 0) {
    f += 4.0 * lws;
  }
  if (fused_attention != 0) {
    f += 2.0 * lws;
  }
  return f;
}

// The layers' linear matmuls (every weight a token passes through but the LM head), 4/3 of
// them under full recompute.
FC_HD inline double linear_layer_flop_per_token(const transformer_shape& m, int recompute)
{
  const double linear = model_flop_per_token(m) - 12.0 * m.layers * attention_width(m) * m.seq - logit_flop_per_token(m);
  return recompute == static_cast<int>(recompute_mode::full) ? linear * 4.0 / 3.0 : linear;
}

FC_HD inline double hardware_flop_per_token(const transformer_shape& m, int recompute, int fused_attention = 0)
{
  return linear_layer_flop_per_token(m, recompute) + attention_core_flop_per_token(m, recompute, fused_attention) +
         logit_flop_per_token(m);
}

// Megatron's count per iteration with full recompute, for comparison with the published
// tables (Narayanan et al. 2021 eq. 3): F = 96 B s l h^2 (1 + s/(6h) + V/(16 l h)).
FC_HD inline double megatron_flop_per_step(const transformer_shape& m, double global_batch)
{
  const double h = m.hidden, s = m.seq, l = m.layers;
  return 96.0 * global_batch * s * l * h * h * (1.0 + s / (6.0 * h) + m.vocab / (16.0 * l * h));
}

}  // namespace fleetcap
