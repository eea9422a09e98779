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
  if (m.speculative_tokens > 0) {
    if (!model.speculative_acceptance.known()) {
      out.why_not = "speculative decoding, and " + model.id + " has no published draft acceptance";
      return out;
    }
    l.speculative_tokens = m.speculative_tokens;
    l.acceptance = model.speculative_acceptance.mid;
  }
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
    out.predicted = batch * tokens_per_decode_step(l) / step.seconds / l.chips;
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
  FC_EXPECTS(q.speculative_tokens <= 0 || model.speculative_acceptance.known(),
             "--speculative-tokens: " + model.id + " has no published draft acceptance (workload \"speculative\")");
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
      serving_layout l{n, tp, 1, q.input_len, q.output_len, q.speculative_tokens,
                       q.speculative_tokens > 0 ? model.speculative_acceptance.mid : 0.0};
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
        o.decode_tokens_per_s_per_chip = b * tokens_per_decode_step(l) / o.step.seconds / n;
        double rate;
        if (q.disaggregated) {
          o.tpot_s = o.step.seconds / tokens_per_decode_step(l);
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
  const part_spec* part;
  std::string set;
};

double row_error(const calibration_row& r, const serving_profile& p)
{
  const auto pr = predict_measurement(*r.m, *r.model, *r.part, p);
  return pr.evaluated ? std::fabs(pr.predicted / r.m->value - 1.0) : 1.0;
}

// Rows left out of a fit: none, one row, one model or one set.
struct held_out {
  std::size_t row = std::numeric_limits<std::size_t>::max();
  std::string model;
  std::string set;
  bool excludes(std::size_t i, const calibration_row& r) const
  {
    return i == row || (!model.empty() && r.model->id == model) || (!set.empty() && r.set == set);
  }
};

double mean_abs_error(const std::vector<calibration_row>& rows, const serving_profile& p, const held_out& out,
                      double* worst = nullptr)
{
  double sum = 0, max = 0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (out.excludes(i, rows[i])) {
      continue;
    }
    const double e = row_error(rows[i], p);
    sum += e;
    max = std::max(max, e);
    ++n;
  }
  if (worst) {
    *worst = max;
  }
  return n ? sum / static_cast<double>(n) : 0.0;
}

// What the fit minimises: the mean over the measurement sets of each set's mean error, so that
// every source (a runtime, a publication) counts once, however many rows it has; the errors
// reported are means over rows.
double fit_objective(const std::vector<calibration_row>& rows, const serving_profile& p, const held_out& out)
{
  std::map<std::string, std::pair<double, std::size_t>> by_set;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (out.excludes(i, rows[i])) {
      continue;
    }
    auto& s = by_set[rows[i].set];
    s.first += row_error(rows[i], p);
    ++s.second;
  }
  double sum = 0;
  for (const auto& [id, s] : by_set) {
    sum += s.first / static_cast<double>(s.second);
  }
  return by_set.empty() ? 0.0 : sum / static_cast<double>(by_set.size());
}

// The grid: each efficiency over a few values around the defaults (fractions of peak and of
// bandwidth as reached by tuned kernels; fixed costs of one decode step and one collective).
// Searched by coordinate descent: each round tries every value of one efficiency with the
// others held, keeps the best (ties keep the current value), and stops when a round changes
// nothing; from 16 deterministic starting points spread over the grid, the best result wins.
// About 16 x 100 evaluations instead of the 28,800 points of the full grid, so the leave-one-out
// refits stay fast; deterministic.
struct grid_axis {
  std::vector<double> values;
  double serving_profile::*field;
  double unit;
};

serving_profile fit(const std::vector<calibration_row>& rows, const serving_profile& start, const held_out& out)
{
  static const std::vector<grid_axis> axes = {
      {{0.5, 0.6, 0.7, 0.8, 0.9, 0.95}, &serving_profile::decode_bandwidth, 1.0},
      {{0.2, 0.3, 0.45, 0.6, 0.75}, &serving_profile::decode_compute, 1.0},
      {{0.3, 0.4, 0.55, 0.7, 0.85}, &serving_profile::prefill_compute, 1.0},
      {{0.02, 0.03, 0.05, 0.1, 0.15, 0.2, 0.3, 0.45}, &serving_profile::expert_compute, 1.0},
      {{0.5, 1, 2, 4, 8, 16}, &serving_profile::step_overhead_s, 1e-3},
      {{5, 10, 20, 40}, &serving_profile::collective_latency_s, 1e-6},
  };
  serving_profile best = start;
  double best_error = std::numeric_limits<double>::infinity();
  for (std::size_t start_point = 0; start_point < 16; ++start_point) {
    serving_profile p = start;
    std::vector<std::size_t> at(axes.size());
    for (std::size_t a = 0; a < axes.size(); ++a) {
      // Start 0 is the grid's middle; the others step through each axis at co-prime strides.
      at[a] = (axes[a].values.size() / 2 + start_point * (2 * a + 3)) % axes[a].values.size();
      p.*axes[a].field = axes[a].values[at[a]] * axes[a].unit;
    }
    double error = fit_objective(rows, p, out);
    for (int round = 0; round < 50; ++round) {
      bool changed = false;
      for (std::size_t a = 0; a < axes.size(); ++a) {
        for (std::size_t v = 0; v < axes[a].values.size(); ++v) {
          if (v == at[a]) {
            continue;
          }
          serving_profile q = p;
          q.*axes[a].field = axes[a].values[v] * axes[a].unit;
          const double e = fit_objective(rows, q, out);
          if (e < error) {
            error = e;
            p = q;
            at[a] = v;
            changed = true;
          }
        }
      }
      if (!changed) {
        break;
      }
    }
    if (error < best_error) {
      best_error = error;
      best = p;
    }
  }
  return best;
}

// Refits without each group of rows (a model, a set) and predicts the group: the mean over all
// rows, the worst group's mean, and each group's mean.
double leave_group_out(const std::vector<calibration_row>& rows, const serving_profile& start,
                       const std::string calibration_row::*set_key, bool by_model, double* worst,
                       std::vector<std::pair<std::string, double>>* per_group)
{
  std::map<std::string, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    groups[by_model ? rows[i].model->id : rows[i].*set_key].push_back(i);
  }
  *worst = 0;
  if (groups.size() < 2) {
    return 0.0;
  }
  double total = 0;
  for (const auto& [id, idx] : groups) {
    held_out out;
    (by_model ? out.model : out.set) = id;
    const auto p = fit(rows, start, out);
    double sum = 0;
    for (auto i : idx) {
      sum += row_error(rows[i], p);
    }
    total += sum;
    const double mean = sum / static_cast<double>(idx.size());
    per_group->emplace_back(id, mean);
    *worst = std::max(*worst, mean);
  }
  return total / static_cast<double>(rows.size());
}

}  // namespace

serving_fit calibrate_serving(const std::vector<serving_measurement_set>& sets, const std::vector<workload>& workloads,
                              const std::vector<const part_spec*>& parts, const serving_profile& start)
{
  std::vector<calibration_row> rows;
  std::string names;
  for (const auto* part : parts) {
    names += (names.empty() ? "" : ", ") + part->id;
  }
  for (const auto& set : sets) {
    for (const auto& m : set.measurements) {
      for (const auto* part : parts) {
        if (m.part != part->id) {
          continue;
        }
        const auto& w = find_workload(workloads, m.model);
        if (predict_measurement(m, w, *part, start).evaluated) {
          rows.push_back({&m, &w, part, set.id});
        }
      }
    }
  }
  FC_EXPECTS(rows.size() >= 3, "calibrate --serving: " + std::to_string(rows.size()) + " evaluable measurements of " +
                                   names + " in the sets given; at least 3 are needed");
  serving_fit out;
  out.rows = rows.size();
  out.profile = fit(rows, start, {});
  out.in_sample = mean_abs_error(rows, out.profile, {}, &out.in_sample_max);
  double loo = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    held_out h;
    h.row = i;
    loo += row_error(rows[i], fit(rows, start, h));
  }
  out.leave_one_out = loo / static_cast<double>(rows.size());
  out.leave_one_model_out =
      leave_group_out(rows, start, &calibration_row::set, true, &out.leave_one_model_out_max, &out.per_model);
  out.leave_one_set_out =
      leave_group_out(rows, start, &calibration_row::set, false, &out.leave_one_set_out_max, &out.per_set);
  return out;
}

}  // namespace fleetcap
