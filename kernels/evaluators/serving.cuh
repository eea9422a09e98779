#pragma once
// Sweep evaluator "serving": one serving configuration of a model on a part (the model of
// `fleetcap serve`, kernels/serving.cuh): throughput per chip at a batch, TTFT, TPOT and why a
// configuration is unusable. A grid of parts x models x weight widths x replica layouts x
// batches x request lengths x latency targets runs on every backend.

#include <array>
#include <cmath>

#include "kernels/fc_hd.cuh"
#include "kernels/serving.cuh"
#include "kernels/sweep_evaluator.hpp"
#include "kernels/sweep_types.hpp"

namespace fleetcap {

// Why a serving configuration is not usable, in the order the checks run (metric 7).
enum class serving_reason : int {
  usable = 0,
  layout_not_divisible = 1,  // tp does not divide the chips or the attention heads
  no_peak = 2,               // the part has no dense peak at this weight width
  does_not_fit = 3,          // the weights and one sequence do not fit
  batch_too_large = 4,       // more sequences than the memory or the runtime's cap allow
  ttft_missed = 5,
  tpot_missed = 6,
};

struct serving_evaluator {
  static constexpr const char* name = "serving";
  static constexpr std::array<sweep_input, 10> inputs = {{
      sweep_input_any("part"),   // a part axis or "fixed": {"part": ID}
      sweep_input_any("model"),  // a model axis or "fixed": {"model": ID}
      sweep_input_whole("weight_bits", 4, 16, "expected 16 (BF16/FP16), 8 (FP8/INT8) or 4 (FP4)", 8),
      sweep_input_whole("chips", 1, 65536, "expected a whole number from 1 to 65536", 1),
      sweep_input_whole("tp", 1, 65536, "expected a whole number from 1 to 65536", 1),
      sweep_input_whole("batch", 1, 1e9, "expected a whole number from 1 to 1e9"),
      sweep_input_whole("input_len", 1, 1e9, "expected a whole number from 1 to 1e9", 1024),
      sweep_input_whole("output_len", 1, 1e9, "expected a whole number from 1 to 1e9", 1024),
      {"ttft_ms", 0.0, 0.0, false, 1e12, false, "expected a number of milliseconds >= 0 (0: no target)"},
      {"tpot_ms", 0.0, 0.0, false, 1e12, false, "expected a number of milliseconds >= 0 (0: no target)"},
  }};
  static constexpr std::array<const char*, 8> metrics = {{"output_tokens_per_s_per_chip", "ttft_s", "tpot_s", "usable",
                                                          "fits", "output_tokens_per_day_per_chip", "max_batch",
                                                          "reason"}};

  // Inputs: 0 part index, 1 model index, 2 weight bits (16: 2-byte weights and KV cache; 8: 1-byte
  // weights, FP8 KV cache; 4: half-byte weights, FP8 KV cache), 3 chips per replica, 4 tensor
  // parallelism (chips / tp attention data-parallel groups), 5 concurrent sequences per replica,
  // 6-7 request lengths, 8-9 latency targets (0: none).
  // Metrics: 0 output tokens/s per chip in the continuous-batching steady state, 1 TTFT of an
  // idle replica, 2 TPOT with prefill stalls, 3 usable (fits and meets the targets), 4 fits (the
  // batch fits memory and the runtime's cap), 5 output tokens per day per chip, 6 the largest
  // batch memory and the cap allow, 7 serving_reason. Every metric stays finite on unusable
  // points (a missing peak is costed at 1 FLOP/s and flagged), so a filter on `usable` sees them.
  FC_HD static void evaluate(const sweep_config& c, const double* x, double* m)
  {
    const int pi = static_cast<int>(fmin(fmax(x[0], 0.0), static_cast<double>(c.part_count - 1)));
    const int mi = static_cast<int>(fmin(fmax(x[1], 0.0), static_cast<double>(c.serving_model_count - 1)));
    const sweep_serving_part& part = c.serving_parts[pi];
    const sweep_serving_model& model = c.serving_models[mi];
    const double bits = x[2];
    serving_precision p{};
    p.weight_bytes = bits / 8.0;
    p.kv_bytes = bits > 8.0 ? 2.0 : 1.0;
    p.activation_bytes = 2.0;
    serving_figures f = part.figures;
    const double peak = bits > 8.0 ? part.peak_16bit : bits > 4.0 ? part.peak_8bit : part.peak_4bit;
    const bool has_peak = peak > 0.0 && (bits == 16.0 || bits == 8.0 || bits == 4.0);
    f.peak_flop_per_s = has_peak ? peak : 1.0;
    f.attention_peak_flop_per_s = part.peak_16bit > 0.0 ? part.peak_16bit : f.peak_flop_per_s;
    serving_layout l{x[3], x[4], x[5], x[6], x[7], 0.0, 0.0};  // no speculative decoding in sweeps
    const bool divisible = fmod(l.chips, l.tp) == 0.0 && fmod(model.shape.heads, l.tp) == 0.0;
    if (!divisible) {
      l.tp = 1.0;  // keeps every formula finite; the point is flagged below
    }
    const serving_memory mem = serving_memory_fit(model.shape, model.mla, l, p, f);
    const double cap = serving_min(mem.max_sequences, f.max_batch);
    const serving_cycle cycle = steady_state(model.shape, model.mla, l, p, f);
    const double ttft = ttft_seconds(model.shape, model.mla, l, p, f);
    const double per_chip = cycle.output_tokens_per_s / l.chips;
    const bool batch_ok = l.batch <= cap;
    const bool ttft_ok = x[8] == 0.0 || ttft * 1e3 <= x[8];
    const bool tpot_ok = x[9] == 0.0 || cycle.tpot_seconds * 1e3 <= x[9];
    serving_reason why = serving_reason::usable;
    if (!divisible) {
      why = serving_reason::layout_not_divisible;
    } else if (!has_peak) {
      why = serving_reason::no_peak;
    } else if (mem.fits == 0) {
      why = serving_reason::does_not_fit;
    } else if (!batch_ok) {
      why = serving_reason::batch_too_large;
    } else if (!ttft_ok) {
      why = serving_reason::ttft_missed;
    } else if (!tpot_ok) {
      why = serving_reason::tpot_missed;
    }
    m[0] = per_chip;
    m[1] = ttft;
    m[2] = cycle.tpot_seconds;
    m[3] = why == serving_reason::usable ? 1.0 : 0.0;
    m[4] = divisible && has_peak && mem.fits != 0 && batch_ok ? 1.0 : 0.0;
    m[5] = per_chip * 86400.0;
    m[6] = cap;
    m[7] = static_cast<double>(static_cast<int>(why));
  }
};

}  // namespace fleetcap
