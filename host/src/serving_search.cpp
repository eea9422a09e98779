// Serving: a published measurement predicted by the model, the best replica configuration
// under latency targets, and the calibration of a part's serving efficiencies. Every number
// comes from kernels/serving.cuh; this file only chooses the inputs.

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "fleetcap/error.hpp"
#include "fleetcap/format.hpp"
#include "fleetcap/serving.hpp"
#include "kernels/serving.cuh"

namespace fleetcap {

namespace {

// A prefill batch when the source gives none: 16,384 tokens per chip (SGLang's
// --max-prefill-tokens in the InferSim examples; DeepSeek's prefill profile, "a batch size of
// 16K tokens per GPU", github.com/deepseek-ai/profile-data).
constexpr double default_prefill_tokens_per_chip = 16384;

}  // namespace

// ---- one measurement ----------------------------------------------------------------------------

serving_prediction predict_measurement(const serving_measurement& m, const workload& model, const part_spec& part,
                                       const serving_profile& profile)
{
  serving_prediction out;
  if (m.pp > 1) {
    out.why_not = "pipeline parallelism is not modelled for serving";
    return out;
  }
  // The replica: an expert-parallel group with data-parallel attention (tp 1 unless stated),
  // else a tensor-parallel group, else all the chips as one TP group.
  serving_layout l{};
  if (m.ep > 0) {
    l.chips = m.ep;
    l.tp = m.tp > 0 ? m.tp : 1;
  } else if (m.tp > 0) {
    l.chips = m.tp;
    l.tp = m.tp;
  } else {
    l.chips = m.chips;
    l.tp = m.chips;
  }
  out.replicas = m.chips / l.chips;
  if (out.replicas < 1 || std::floor(out.replicas) != out.replicas) {
    out.why_not = "chips is not a whole number of replicas of tp/ep";
    return out;
  }
  serving_precision_choice precision{};
  try {
    precision = serving_precision_for(part, m.precision);
  } catch (const input_error& e) {
    out.why_not = e.what();
    return out;
  }
  const auto f = serving_figures_for(part, profile, precision);
  const auto& shape = model.shape;
  l.input_len = m.input_len;
  l.output_len = m.output_len;
  const bool per_chip = m.metric.find("per_chip") != std::string::npos;

  if (m.metric == "input_tokens_per_s_per_chip") {
    if (m.input_len <= 0) {
      out.why_not = "no prompt length published";
      return out;
    }
    const double tokens = (m.batch > 0 ? m.batch : default_prefill_tokens_per_chip) * l.chips;
    out.predicted = tokens / prefill_seconds(shape, model.mla, l, precision.bytes, f, tokens, m.input_len) / l.chips;
  } else if (m.mode == "decode") {
    if (m.batch <= 0 || m.input_len <= 0) {
      out.why_not = "no batch or context length published";
      return out;
    }
    const double batch = m.batch * l.chips;  // decode batches are published per GPU
    const double context = m.input_len + 0.5 * m.output_len;
    const auto step = decode_step_time(shape, model.mla, l, precision.bytes, f, batch, context);
    out.predicted = batch / step.seconds / l.chips;
  } else if (m.metric == "output_tokens_per_s" || m.metric == "output_tokens_per_s_per_chip" ||
             m.metric == "total_tokens_per_s") {
    if (m.input_len <= 0 || m.output_len <= 0) {
      out.why_not = "input/output lengths not published as single numbers";
      return out;
    }
    if (m.mode == "server") {
      out.why_not = "server mode (latency-bound queueing) is not modelled";
      return out;
    }
    const auto mem = serving_memory_fit(shape, model.mla, l, precision.bytes, f);
    if (!mem.fits) {
      out.why_not = "the model says one sequence does not fit in memory";
      return out;
    }
    l.batch = std::min(f.max_batch, mem.max_sequences);
    const auto cycle = steady_state(shape, model.mla, l, precision.bytes, f);
    double rate = cycle.output_tokens_per_s;
    if (m.metric == "total_tokens_per_s") {
      rate *= (m.input_len + m.output_len) / m.output_len;
    }
    out.predicted = per_chip ? rate / l.chips : rate * out.replicas;
  } else {
    out.why_not = "metric " + m.metric + " is not predicted yet";
    return out;
  }
  out.layout = l;
  out.evaluated = std::isfinite(out.predicted) && out.predicted > 0;
  if (!out.evaluated) {
    out.why_not = "no finite prediction";
  }
  return out;
}

// ---- the best configuration -----------------------------------------------------------------------

serving_answer best_serving(const workload& model, const part_spec& part, const serving_profile& profile,
                            const serving_question& q)
{
  const auto precision = serving_precision_for(part, q.precision, q.kv_precision);
  const auto f = serving_figures_for(part, profile, precision);
  const auto& shape = model.shape;
  const bool moe = shape.experts > 1;
  serving_answer answer;
  double best_rate = -1;
  double fastest_tpot = std::numeric_limits<double>::infinity();
  double fastest_ttft = std::numeric_limits<double>::infinity();
  for (double n = 1; n <= q.max_chips; n *= 2) {
    for (double tp = 1; tp <= n; tp *= 2) {
      // A dense model's replicas are tensor-parallel groups (more groups are more replicas);
      // a MoE replica may split attention into data-parallel groups with the experts over all.
      if ((!moe && tp != n) || std::fmod(shape.heads, tp) != 0) {
        continue;
      }
      if (moe && std::fmod(shape.experts, n) != 0 && tp != n) {
        continue;
      }
      serving_layout l{n, tp, 1, q.input_len, q.output_len};
      const auto mem = serving_memory_fit(shape, model.mla, l, precision.bytes, f);
      ++answer.options_tried;
      if (!mem.fits) {
        continue;
      }
      ++answer.options_fitting;
      const double ttft = ttft_seconds(shape, model.mla, l, precision.bytes, f);
      fastest_ttft = std::min(fastest_ttft, ttft);
      if (q.ttft_limit_s > 0 && ttft > q.ttft_limit_s) {
        continue;
      }
      const double limit = std::min(f.max_batch, mem.max_sequences);
      std::vector<double> batches;
      for (double b = 1; b < limit; b *= 2) {
        batches.push_back(b);
      }
      batches.push_back(limit);
      // Prefill-only pool: a full prefill batch per chip.
      const double prefill_tokens = default_prefill_tokens_per_chip * n;
      const double prefill_rate =
          prefill_tokens / prefill_seconds(shape, model.mla, l, precision.bytes, f, prefill_tokens, q.input_len) / n;
      for (double b : batches) {
        l.batch = b;
        serving_option o;
        o.layout = l;
        o.memory = mem;
        o.ttft_s = ttft;
        const auto cycle = steady_state(shape, model.mla, l, precision.bytes, f);
        o.step = decode_step_time(shape, model.mla, l, precision.bytes, f, b, q.input_len + 0.5 * q.output_len);
        o.prefill_tokens_per_s_per_chip = prefill_rate;
        o.decode_tokens_per_s_per_chip = b / o.step.seconds / n;
        double rate;
        if (q.disaggregated) {
          o.tpot_s = o.step.seconds;
          // Per request: input_len prefill tokens and output_len decode tokens, each pool at
          // its own rate per chip.
          const double chip_seconds = q.input_len / prefill_rate + q.output_len / o.decode_tokens_per_s_per_chip;
          rate = q.output_len / chip_seconds;
          o.output_tokens_per_s = o.decode_tokens_per_s_per_chip * n;
        } else {
          o.tpot_s = cycle.tpot_seconds;
          o.output_tokens_per_s = cycle.output_tokens_per_s;
          rate = cycle.output_tokens_per_s / n;
        }
        o.output_tokens_per_s_per_chip = rate;
        fastest_tpot = std::min(fastest_tpot, o.tpot_s);
        if (q.tpot_limit_s > 0 && o.tpot_s > q.tpot_limit_s) {
          continue;
        }
        if (std::isfinite(rate) && rate > best_rate) {
          best_rate = rate;
          answer.best = o;
          answer.output_tokens_per_s_per_chip = rate;
          if (q.disaggregated) {
            const double p = q.input_len / prefill_rate;
            answer.disaggregated_prefill_share = p / (p + q.output_len / o.decode_tokens_per_s_per_chip);
          }
        }
      }
    }
  }
  if (!answer.best) {
    if (answer.options_fitting == 0) {
      answer.why_none = model.id + " does not fit on " + part.id + " at " + precision.name + " in replicas of up to " +
                        format_number(q.max_chips, 0) + " chips (input " + format_number(q.input_len, 0) +
                        " + output " + format_number(q.output_len, 0) + " tokens per sequence)";
    } else if (q.ttft_limit_s > 0 && fastest_ttft > q.ttft_limit_s) {
      answer.why_none = "the TTFT target " + format_number(q.ttft_limit_s * 1e3, 0) +
                        " ms cannot be met on " + part.id + " (fastest " + format_number(fastest_ttft * 1e3, 0) +
                        " ms)";
    } else {
      answer.why_none = "the TPOT target " + format_number(q.tpot_limit_s * 1e3, 1) + " ms cannot be met on " +
                        part.id + " (fastest " + format_number(fastest_tpot * 1e3, 1) + " ms)";
    }
  }
  return answer;
}

// ---- calibration ----------------------------------------------------------------------------------

namespace {

struct calibration_row {
  const serving_measurement* m;
  const workload* model;
};

double mean_abs_error(const std::vector<calibration_row>& rows, const part_spec& part, const serving_profile& p,
                      std::size_t skip_row, const std::string& skip_model, double* worst = nullptr)
{
  double sum = 0, max = 0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i == skip_row || rows[i].model->id == skip_model) {
      continue;
    }
    const auto pr = predict_measurement(*rows[i].m, *rows[i].model, part, p);
    const double e = pr.evaluated ? std::fabs(pr.predicted / rows[i].m->value - 1.0) : 1.0;
    sum += e;
    max = std::max(max, e);
    ++n;
  }
  if (worst) {
    *worst = max;
  }
  return n ? sum / static_cast<double>(n) : 0.0;
}

// The grid: each efficiency over a few values around the defaults (fractions of peak and of
// bandwidth as reached by tuned kernels; fixed costs of one decode step and one collective).
serving_profile fit(const std::vector<calibration_row>& rows, const part_spec& part, const serving_profile& start,
                    std::size_t skip_row, const std::string& skip_model)
{
  static const double bandwidth[] = {0.5, 0.6, 0.7, 0.8, 0.9, 0.95};
  static const double decode_compute[] = {0.2, 0.3, 0.45, 0.6, 0.75};
  static const double prefill_compute[] = {0.3, 0.4, 0.55, 0.7, 0.85};
  static const double expert_compute[] = {0.02, 0.03, 0.05, 0.1, 0.15, 0.2, 0.3, 0.45};
  static const double overhead_ms[] = {0.5, 1, 2, 4, 8, 16};
  static const double latency_us[] = {5, 10, 20, 40};
  serving_profile best = start;
  double best_error = std::numeric_limits<double>::infinity();
  serving_profile p = start;
  for (double bw : bandwidth) {
    for (double dc : decode_compute) {
      for (double pc : prefill_compute) {
        for (double ec : expert_compute) {
          for (double oh : overhead_ms) {
            for (double lat : latency_us) {
              p.decode_bandwidth = bw;
              p.decode_compute = dc;
              p.prefill_compute = pc;
              p.expert_compute = ec;
              p.step_overhead_s = oh * 1e-3;
              p.collective_latency_s = lat * 1e-6;
              const double e = mean_abs_error(rows, part, p, skip_row, skip_model);
              if (e < best_error) {
                best_error = e;
                best = p;
              }
            }
          }
        }
      }
    }
  }
  return best;
}

}  // namespace

serving_fit calibrate_serving(const std::vector<serving_measurement_set>& sets, const std::vector<workload>& workloads,
                              const part_spec& part, const serving_profile& start)
{
  std::vector<calibration_row> rows;
  for (const auto& set : sets) {
    for (const auto& m : set.measurements) {
      if (m.part != part.id) {
        continue;
      }
      const auto& w = find_workload(workloads, m.model);
      if (predict_measurement(m, w, part, start).evaluated) {
        rows.push_back({&m, &w});
      }
    }
  }
  FC_EXPECTS(rows.size() >= 3, "calibrate --serving: " + std::to_string(rows.size()) + " evaluable measurements of " +
                                   part.id + " in the sets given; at least 3 are needed");
  const std::size_t none = std::numeric_limits<std::size_t>::max();
  serving_fit out;
  out.rows = rows.size();
  out.profile = fit(rows, part, start, none, "");
  out.in_sample = mean_abs_error(rows, part, out.profile, none, "", &out.in_sample_max);
  double loo = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto p = fit(rows, part, start, i, "");
    const auto pr = predict_measurement(*rows[i].m, *rows[i].model, part, p);
    loo += pr.evaluated ? std::fabs(pr.predicted / rows[i].m->value - 1.0) : 1.0;
  }
  out.leave_one_out = loo / static_cast<double>(rows.size());
  std::map<std::string, std::vector<std::size_t>> by_model;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    by_model[rows[i].model->id].push_back(i);
  }
  double lomo = 0;
  for (const auto& [id, idx] : by_model) {
    if (by_model.size() < 2) {
      break;
    }
    const auto p = fit(rows, part, start, none, id);
    double sum = 0;
    for (auto i : idx) {
      const auto pr = predict_measurement(*rows[i].m, *rows[i].model, part, p);
      const double e = pr.evaluated ? std::fabs(pr.predicted / rows[i].m->value - 1.0) : 1.0;
      sum += e;
      lomo += e;
    }
    const double mean = sum / static_cast<double>(idx.size());
    out.per_model.emplace_back(id, mean);
    out.leave_one_model_out_max = std::max(out.leave_one_model_out_max, mean);
  }
  out.leave_one_model_out = by_model.size() < 2 ? 0.0 : lomo / static_cast<double>(rows.size());
  return out;
}

}  // namespace fleetcap
