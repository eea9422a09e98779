#pragma once
// Plain data for the training-time model: a transformer shape, a parallel layout, a system's
// figures and what the model returns. SI units. No CUDA or Thrust types.

namespace fleetcap {

enum class mlp_kind : int { gelu = 0, swiglu = 1 };
enum class recompute_mode : int { none = 0, selective = 1, full = 2 };

struct transformer_shape {
  double layers;
  double hidden;
  double heads;
  double kv_heads;
  double ffn;
  double seq;
  double vocab;
  int mlp;          // mlp_kind
  double experts;   // routed experts per MoE layer (1 = dense)
  double top_k;     // routed experts per token
  int tied_embeddings;
  // Mixture-of-experts details (all 0 for a dense model or a plain MoE): always-active shared
  // experts of the routed experts' width (DeepSeek-V3: 1), and the first dense_layers layers
  // kept dense with an MLP of width dense_ffn (DeepSeek-V3: 3 layers of 18,432; 0 = ffn).
  double shared_experts;
  double dense_layers;
  double dense_ffn;
  // Width of one attention head; 0 = hidden / heads. Qwen3 uses 128-wide heads whatever the
  // model width (Qwen3-30B-A3B: 32 heads x 128 = 4,096 on a 2,048-wide residual stream).
  double head_dim;
};

struct parallel_layout {
  double tp;
  double pp;
  double dp;
  double micro_batch;
  double global_batch;  // sequences per step
  double interleave;    // virtual pipeline stages per device
  int recompute;        // recompute_mode
  int sequence_parallel;
  int zero;             // ZeRO stage 0..3
  double cp;                  // context-parallel size (sequence split over cp ranks); 0 or 1 = none
  double first_stage_layers;  // layers on the first pipeline stage; 0 = even split
  double last_stage_layers;   // layers on the last pipeline stage; 0 = even split
  double ep;                  // expert-parallel size (routed experts split over ep ranks of dp x cp); 0 or 1 = none
  int ep_overlap;             // 1: the all-to-all runs behind another micro-batch's computation (DualPipe)
  int fused_attention;        // 1: a fused attention kernel (FlashAttention) keeps the scores on chip
};

// What the step-time model needs of the hardware, per chip.
struct system_figures {
  double peak_flop_per_s;               // dense peak at the training precision
  double memory_bytes;                  // HBM per chip
  double memory_bandwidth_bytes_per_s;  // HBM per chip (the elementwise and optimizer terms)
  double scale_up_bytes_per_s;          // one direction, per chip, inside a scale-up domain
  double scale_out_bytes_per_s;         // one direction, per chip, across domains
  double chips_per_node;                // scale-up domain size
  double matmul_max;                    // efficiency parameters (calibrated)
  double matmul_half_size;
  double scale_up_collective;           // fraction of the scale-up link a collective reaches
  double scale_out_collective;          // fraction of the scale-out link a collective reaches
  double dp_overlap;                    // fraction of the overlap window data-parallel traffic hides in
  double elementwise;                   // fraction of HBM bandwidth memory-bound kernels reach (not fitted)
  double attention_peak_flop_per_s;     // dense peak of the attention core (Q K^T, A V); 0 = peak_flop_per_s
};

struct memory_breakdown {
  double weights;
  double gradients;
  double optimizer;
  double activations;
  double total;
  double embedding_state;  // the part of weights + gradients + optimizer that is embedding/LM head
};

struct step_estimate {
  double step_seconds;
  double compute_seconds;      // matmuls of the slowest pipeline stage
  double elementwise_seconds;  // memory-bound layer work (layer norms, dropout, softmax, GELU, residuals)
  double tp_seconds;
  double cp_seconds;           // context-parallel K/V exchange
  double ep_seconds;           // expert-parallel all-to-all (token dispatch and combine)
  double pp_bubble_seconds;
  double pp_p2p_seconds;
  double dp_seconds;           // exposed (not overlapped) part of the data-parallel / ZeRO traffic
  double optimizer_seconds;    // the Adam update, memory-bound
  double model_flop_per_step;
  double hardware_flop_per_step;
  double mfu;
  double hfu;
  memory_breakdown memory;
  int fits;
};

}  // namespace fleetcap
