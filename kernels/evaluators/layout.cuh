#pragma once
// Sweep evaluator "layout": one parallel layout of a training run (the model of `fleetcap train
// --search`), with the reason a layout is unusable.

#include <array>
#include <cmath>

#include "kernels/fc_hd.cuh"
#include "kernels/step_time.cuh"
#include "kernels/sweep_evaluator.hpp"
#include "kernels/sweep_types.hpp"
#include "kernels/training.cuh"

namespace fleetcap {

struct layout_evaluator {
  static constexpr const char* name = "layout";
  static constexpr std::array<sweep_input, 13> inputs = {{
      sweep_input_whole("tp", 1, 1e15, "expected a whole number from 1 to 1e15", 1),
      sweep_input_whole("pp", 1, 1e15, "expected a whole number from 1 to 1e15", 1),
      sweep_input_whole("micro_batch", 1, 1e15, "expected a whole number from 1 to 1e15", 1),
      sweep_input_whole("interleave", 1, 1e15, "expected a whole number from 1 to 1e15", 1),
      sweep_input_whole("recompute", 0, 2, "expected 0 (none), 1 (selective) or 2 (full)", 0),
      sweep_input_whole("sequence_parallel", 0, 1, "expected 0 or 1", 0),
      sweep_input_whole("zero", 0, 3, "expected a ZeRO stage 0 to 3", 0),
      sweep_input_whole("chips", 1, 1e15, "expected a whole number from 1 to 1e15"),
      sweep_input_whole("global_batch", 1, 1e15, "expected a whole number from 1 to 1e15"),
      sweep_input_whole("batch_policy", 0, 1, "expected 0 or 1", 0),
      sweep_input_whole("cp", 1, 1e15, "expected a whole number from 1 to 1e15", 1),
      sweep_input_whole("ep", 1, 1e15, "expected a whole number from 1 to 1e15", 1),
      sweep_input_whole("fused_attention", 0, 1, "expected 0 or 1", 0),
  }};
  static constexpr std::array<const char*, 8> metrics = {
      {"step_seconds", "mfu", "memory_bytes", "usable", "valid", "samples_per_second", "batch", "reason"}};

  // Inputs: 0 tp, 1 pp, 2 micro-batch, 3 interleave, 4 recompute, 5 sequence parallel, 6 ZeRO
  // stage, 7 chips, 8 global batch, 9 batch policy (0: the global batch must divide exactly; 1:
  // round it down to a multiple of micro-batch x dp, as Calculon does), 10 context-parallel size,
  // 11 expert-parallel size, 12 fused attention (0 or 1).
  // Metrics: 0 step seconds, 1 MFU, 2 memory bytes per device, 3 usable (a valid layout that
  // fits memory), 4 valid layout, 5 samples per second, 6 the global batch used, 7 layout_reason.
  FC_HD static void evaluate(const sweep_config& c, const double* x, double* m)
  {
    parallel_layout l{};
    l.tp = x[0];
    l.pp = x[1];
    l.micro_batch = x[2];
    l.interleave = x[3];
    l.recompute = static_cast<int>(x[4]);
    l.sequence_parallel = static_cast<int>(x[5]);
    l.zero = static_cast<int>(x[6]);
    const double chips = x[7];
    l.cp = x[10];
    l.ep = x[11];
    l.fused_attention = static_cast<int>(x[12]);
    l.dp = chips / (l.tp * l.pp * l.cp);
    const double per_step = l.micro_batch * l.dp;
    l.global_batch = x[9] != 0.0 ? floor(x[8] / per_step) * per_step : x[8];
    const transformer_shape& s = c.shape;
    // The same constraints as check_layout, as a reason code instead of an error.
    layout_reason why = layout_reason::usable;
    if (!(l.dp >= 1.0 && l.dp == floor(l.dp))) {
      why = layout_reason::chips_not_divisible;
    } else if (fmod(s.heads, l.tp) != 0.0) {
      why = layout_reason::heads_not_divisible;
    } else if (l.cp > 1.0 && fmod(s.seq, 2.0 * l.cp) != 0.0) {
      why = layout_reason::sequence_not_divisible;
    } else if (l.ep > 1.0 && (s.experts <= 1.0 || fmod(s.experts, l.ep) != 0.0 || fmod(l.dp * l.cp, l.ep) != 0.0)) {
      why = layout_reason::ep_not_divisible;
    } else if (fmod(s.layers, l.pp * l.interleave) != 0.0) {
      why = layout_reason::layers_not_divisible;
    } else if (l.global_batch < per_step || fmod(l.global_batch, per_step) != 0.0) {
      why = layout_reason::batch_not_divisible;
    } else if (!(l.interleave == 1.0 || l.pp > 1.0)) {
      why = layout_reason::interleave_needs_pp;
    } else if (!(l.sequence_parallel == 0 || l.tp > 1.0)) {
      why = layout_reason::sp_needs_tp;
    } else if (l.zero >= 2 && l.pp > 1.0) {
      why = layout_reason::zero_with_pp;
    }
    for (int k = 0; k < 7; ++k) {
      m[k] = 0.0;
    }
    if (why != layout_reason::usable) {
      m[7] = static_cast<double>(static_cast<int>(why));
      return;
    }
    const step_estimate e = estimate_step(s, l, c.system);
    m[0] = e.step_seconds;
    m[1] = e.mfu;
    m[2] = e.memory.total;
    m[3] = e.fits ? 1.0 : 0.0;
    m[4] = 1.0;
    m[5] = l.global_batch / e.step_seconds;
    m[6] = l.global_batch;
    m[7] = e.fits ? 0.0 : static_cast<double>(static_cast<int>(layout_reason::out_of_memory));
  }
};

}  // namespace fleetcap
