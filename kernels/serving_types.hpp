#pragma once
// Plain data for the serving (LLM inference) model: the attention cache of a model, a serving
// layout, a part's figures with its serving efficiencies, and what the model returns. SI units.
// No CUDA or Thrust types.

namespace fleetcap {

// DeepSeek's multi-head latent attention (DeepSeek-V2 report, arXiv:2405.04434, sec. 2.1): the
// cache holds one compressed latent of kv_rank values plus a shared RoPE key of rope_dim values
// per token and layer, whatever the head count; all 0 for MHA/GQA models.
struct latent_attention {
  double kv_rank;      // kv_lora_rank (DeepSeek-V3: 512)
  double rope_dim;     // qk_rope_head_dim (64)
  double qk_nope_dim;  // qk_nope_head_dim per head (128)
  double v_dim;        // v_head_dim per head (128)
};

// How one serving replica (an inference instance) is laid out.
struct serving_layout {
  double chips;       // chips in the replica
  double tp;          // tensor parallelism of attention and dense layers; chips / tp attention
                      // data-parallel groups (SGLang/TRT-LLM "attention DP"). Routed experts
                      // are spread over all chips (expert parallelism, or MoE TP when tp = chips)
  double batch;       // concurrent sequences in the replica (decode batch)
  double input_len;   // prompt tokens per request
  double output_len;  // generated tokens per request
  // Speculative decoding (DeepSeek's multi-token prediction, EAGLE): each step verifies
  // speculative_tokens drafted tokens per sequence, each accepted with probability acceptance
  // given the one before it was; 0 = none.
  double speculative_tokens;
  double acceptance;
};

// Bytes per value at the serving precision.
struct serving_precision {
  double weight_bytes;      // 2 BF16/FP16, 1 FP8/INT8, 0.5 FP4/INT4 (scales ignored)
  double kv_bytes;          // KV-cache element
  double activation_bytes;  // what collectives move (BF16: 2)
};

// What the serving model needs of the hardware, per chip, with the efficiencies the serving
// profile gives (specs/serving/).
struct serving_figures {
  double peak_flop_per_s;            // dense peak at the compute precision of the linear layers
  double attention_peak_flop_per_s;  // dense peak of the attention core (BF16)
  double memory_bytes;
  double memory_bandwidth_bytes_per_s;
  double scale_up_bytes_per_s;   // one direction, per chip
  double scale_out_bytes_per_s;  // one direction, per chip
  double chips_per_node;
  double prefill_compute;        // fraction of peak prefill reaches (large GEMMs)
  double decode_compute;         // fraction of peak decode GEMMs and attention reach
  double expert_compute;         // fraction of peak the routed experts' grouped GEMMs reach
  double decode_bandwidth;       // fraction of HBM bandwidth decode reaches
  double collective;             // fraction of a link a collective reaches
  double collective_latency_s;   // fixed cost of one collective (launch, synchronisation)
  double step_overhead_s;        // fixed cost of one decode step (scheduling, sampling, launches)
  double memory_reserve;         // fraction of HBM not available to weights and KV cache
  double max_batch;              // the runtime's cap on concurrent sequences per replica
};

// Decode step for `batch` sequences at a mean context length, per replica.
struct decode_step {
  double seconds;
  double weight_seconds;     // reading (or multiplying by) the weights
  double attention_seconds;  // reading the KV cache (or the attention FLOPs)
  double tp_seconds;         // tensor-parallel all-reduces
  double ep_seconds;         // expert-parallel dispatch and combine
  double overhead_seconds;
};

// Memory per chip of one replica.
struct serving_memory {
  double weight_bytes;           // per chip
  double kv_bytes_per_token;     // per chip, per token of one sequence held by its group
  double kv_capacity_tokens;     // per attention group (all its chips together)
  double max_sequences;          // per replica, at input_len + output_len tokens each
  int fits;                      // the weights and one full sequence fit
};

}  // namespace fleetcap
