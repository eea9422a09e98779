// `fleetcap train`: one training-run estimate. Level 1: FLOPs = 6 N D at a given MFU. Level 2:
// a transformer shape (flags or --model) with exact FLOPs per token, and with a parallel
// layout (--global-batch and the layout flags) the step-time and memory model on a system.

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>

#include "app.hpp"
#include "fleetcap/compliance.hpp"
#include "fleetcap/error.hpp"
#include "fleetcap/format.hpp"
#include "fleetcap/sweep.hpp"
#include "fleetcap/training.hpp"
#include "kernels/sweep_types.hpp"
#include "kernels/training.cuh"
#include "output.hpp"

namespace fleetcap::cli {

namespace {

struct train_options {
  // Level 1
  double params = NAN, active_params = NAN, tokens = NAN, flops = NAN, mfu = NAN;
  std::string part;
  double chips = NAN;
  std::string precision = "bf16";
  double pue = 1.0, grid_kg_per_kwh = NAN, usd_per_gpu_hour = NAN, years = NAN;
  // Level 2 shape
  std::string model;
  double layers = NAN, hidden = NAN, heads = NAN, kv_heads = NAN, ffn = NAN, seq = NAN, vocab = NAN;
  std::string mlp;  // required with a shape from flags: no silent default
  double experts = 1, top_k = 1, shared_experts = 0, dense_layers = 0, dense_ffn = NAN, head_dim = NAN;
  bool tied = false;
  // Layout
  double tp = 1, pp = 1, dp = NAN, micro_batch = 1, global_batch = NAN, interleave = 1, cp = 1, ep = 1;
  double first_stage_layers = NAN, last_stage_layers = NAN;
  std::string recompute = "none";
  bool sequence_parallel = false;
  bool ep_overlap = false;
  bool fused_attention = false;
  int zero = 0;
  std::string system;
  bool search = false;
  int top = 5;
  std::string batch_policy = "auto";
  std::string config;
};

bool given(double x) { return !std::isnan(x); }

void require_positive(const char* flag, double x)
{
  FC_EXPECTS(!given(x) || (std::isfinite(x) && x > 0), std::string(flag) + ": expected a positive finite number");
}

void require_whole(const char* flag, double x)
{
  require_positive(flag, x);
  FC_EXPECTS(!given(x) || std::floor(x) == x, std::string(flag) + ": expected a whole number");
}

std::string sci(double x)
{
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", x);
  return buffer;
}


// Why layouts were not usable, in words (layout_reason in kernels/sweep.cuh).
const char* reason_text(int r)
{
  static const char* const text[layout_reason_count] = {
      "usable",
      "tp x cp x pp does not divide the chips",
      "tp does not divide the attention heads",
      "pp x interleave does not divide the layers",
      "micro-batch x dp does not divide the global batch",
      "interleave > 1 needs pp > 1",
      "sequence parallelism needs tp > 1",
      "ZeRO 2/3 does not combine with pipeline parallelism (DeepSpeed)",
      "does not fit memory",
      "2 x cp does not divide the sequence",
      "ep does not divide the routed experts or dp x cp"};
  return r >= 0 && r < layout_reason_count ? text[r] : "unknown";
}

struct search_candidate {
  double samples_per_second;
  std::uint64_t index;
  double step, mfu, memory, batch;
};

struct search_result {
  std::vector<search_candidate> best;  // sorted, fastest first, at most top
  std::uint64_t usable = 0, valid = 0;
  std::uint64_t reasons[layout_reason_count] = {};
};

search_result search_layouts(const sweep_plan& plan, int top)
{
  search_result r;
  sweep_each_point(plan, [&](std::uint64_t index, const double* m) {
    r.valid += m[4] != 0.0;
    const int why = static_cast<int>(m[7]);
    ++r.reasons[why >= 0 && why < layout_reason_count ? why : 0];
    if (m[3] == 0.0) {
      return;
    }
    ++r.usable;
    const search_candidate c{m[5], index, m[0], m[1], m[2], m[6]};
    const auto at = std::upper_bound(r.best.begin(), r.best.end(), c, [](const search_candidate& a, const search_candidate& b) {
      return a.samples_per_second > b.samples_per_second ||
             (a.samples_per_second == b.samples_per_second && a.index < b.index);
    });
    if (static_cast<int>(at - r.best.begin()) < top) {
      r.best.insert(at, c);
      if (static_cast<int>(r.best.size()) > top) {
        r.best.pop_back();
      }
    }
  });
  return r;
}

// Layout search: every layout of the layout evaluator's space (the same FC_HD step model the
// sweep engine runs) for this shape on these chips, keeping the k with the most samples per
// second that fit memory in a bounded list; the space never materialises. When no layout
// divides the global batch exactly (--batch-policy auto), the batch is rounded down to a
// multiple of micro-batch x dp for each layout, as Calculon does, and the output says so.
void run_search(context& ctx, const train_options& o, double tokens, const transformer_shape& shape,
                const system_spec& system, const part_spec& part, numeric_format precision)
{
  FC_EXPECTS(given(o.global_batch), "train --search: give --global-batch");
  FC_EXPECTS(o.top >= 1 && o.top <= 100, "--top: expected 1 to 100");
  FC_EXPECTS(o.batch_policy == "auto" || o.batch_policy == "exact" || o.batch_policy == "round-down",
             "--batch-policy: expected auto, exact or round-down, got \"" + o.batch_policy + "\"");
  std::vector<double> tps, pps;
  for (double t = 1; t <= std::min(o.chips, shape.heads); t *= 2) {
    tps.push_back(t);
  }
  for (double p = 1; p <= std::min(o.chips, shape.layers); ++p) {
    if (std::fmod(shape.layers, p) == 0.0) {
      pps.push_back(p);
    }
  }
  // Every micro-batch to 8 (odd ones matter when dp is odd: Calculon's best GPT-3 layout on
  // 5,128 GPUs uses 3), then the usual larger sizes.
  const std::vector<double> micro = {1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 24, 32, 48, 64};
  // Context parallelism pays off for long sequences only; up to 16 as Llama 3 used.
  std::vector<double> cps = {1};
  for (double c = 2; c <= 16 && 2 * c <= shape.seq && shape.seq >= 8192; c *= 2) {
    cps.push_back(c);
  }
  // Expert parallelism for a MoE model: powers of two that divide the routed experts.
  std::vector<double> eps = {1};
  for (double e = 2; shape.experts > 1 && e <= std::min(shape.experts, o.chips); e *= 2) {
    if (std::fmod(shape.experts, e) == 0.0) {
      eps.push_back(e);
    }
  }
  const auto plan_for = [&](double round_down) {
    nlohmann::json j = {{"id", "train-search"},
                        {"evaluator", "layout"},
                        {"fixed", {{"chips", o.chips}, {"global_batch", o.global_batch}, {"batch_policy", round_down}}},
                        {"axes", nlohmann::json::array()},
                        {"objective", {{"metric", "samples_per_second"}, {"goal", "max"}}},
                        {"filter", "usable"}};
    auto& axes = j["axes"];
    axes.push_back({{"name", "tp"}, {"values", tps}});
    axes.push_back({{"name", "pp"}, {"values", pps}});
    axes.push_back({{"name", "interleave"}, {"values", {1, 2, 3, 4, 6, 8}}});
    axes.push_back({{"name", "recompute"}, {"values", {0, 1, 2}}});
    axes.push_back({{"name", "sequence_parallel"}, {"values", {0, 1}}});
    axes.push_back({{"name", "zero"}, {"values", {0, 1, 2, 3}}});
    axes.push_back({{"name", "micro_batch"}, {"values", micro}});
    axes.push_back({{"name", "cp"}, {"values", cps}});
    axes.push_back({{"name", "ep"}, {"values", eps}});
    j["fixed"]["fused_attention"] = o.fused_attention ? 1 : 0;
    j["part"] = part.id;
    j["precision"] = format_name(precision);
    j["model"] = "__inline__";
    return parse_scenario({"train --search", j.dump()}, ctx.catalog(), ctx.parts(), &shape, &system);
  };
  bool rounded = o.batch_policy == "round-down";
  sweep_plan plan = plan_for(rounded ? 1.0 : 0.0);
  search_result found = search_layouts(plan, o.top);
  search_result exact_found;
  if (found.usable == 0 && o.batch_policy == "auto") {
    exact_found = found;
    rounded = true;
    plan = plan_for(1.0);
    found = search_layouts(plan, o.top);
  }
  if (found.usable == 0) {
    std::string why;
    for (int k = 1; k < layout_reason_count; ++k) {
      if (found.reasons[k] > 0) {
        why += std::string(why.empty() ? "" : "; ") + format_number(static_cast<double>(found.reasons[k]), 0) + " " +
               reason_text(k);
      }
    }
    throw input_error("train --search: none of " + format_number(plan.total_points, 0) + " layouts for this shape on " +
                      format_number(o.chips, 0) + " chips with global batch " + format_number(o.global_batch, 0) +
                      (rounded ? " (rounded down per layout)" : "") + " is usable: " + why);
  }
  const auto days = [&](const search_candidate& c) {
    return given(tokens) ? nlohmann::json(tokens / (c.batch * shape.seq) * c.step / 86400.0) : json_unknown();
  };
  if (ctx.options().json) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& c : found.best) {
      auto k = sweep_point_coordinates(plan, c.index);
      const double cp = k["cp"].get<double>();
      nlohmann::json layout = {{"tp", json_count(k["tp"].get<double>())},
                               {"pp", json_count(k["pp"].get<double>())},
                               {"cp", json_count(cp)},
                               {"ep", json_count(k["ep"].get<double>())},
                               {"fused_attention", o.fused_attention},
                               {"dp", json_count(o.chips / (k["tp"].get<double>() * k["pp"].get<double>() * cp))},
                               {"micro_batch", json_count(k["micro_batch"].get<double>())},
                               {"global_batch", json_count(c.batch)},
                               {"interleave", json_count(k["interleave"].get<double>())},
                               {"recompute", recompute_name(static_cast<int>(k["recompute"].get<double>()))},
                               {"sequence_parallel", k["sequence_parallel"].get<double>() != 0},
                               {"zero", static_cast<int>(k["zero"].get<double>())}};
      nlohmann::json row = {{"layout", layout}, {"step_seconds", c.step}, {"samples_per_second", c.samples_per_second},
                            {"mfu", c.mfu}, {"memory_bytes", c.memory}};
      if (given(tokens)) {
        row["days"] = days(c);  // only with a token count: never a null in place of a number
      }
      rows.push_back(row);
    }
    nlohmann::json reasons = nlohmann::json::object();
    for (int k = 1; k < layout_reason_count; ++k) {
      reasons[reason_text(k)] = found.reasons[k];
    }
    ctx.out() << json_text(nlohmann::json{{"layouts_searched", plan.total_points}, {"valid", found.valid},
                                {"fit_memory", found.usable}, {"not_usable", reasons},
                                {"batch_policy", rounded ? "round-down" : "exact"},
                                {"requested_global_batch", o.global_batch}, {"top", rows}});
    return;
  }
  auto& out = ctx.out();
  out << "Layout search: " << format_number(plan.total_points, 0) << " layouts, " << format_number(found.valid, 0)
      << " valid, " << format_number(found.usable, 0) << " fit " << format_number(part.memory_bytes.mid / 1e9, 0)
      << " GB; top " << found.best.size() << " by samples/s (system " << system.id << ")\n";
  if (rounded) {
    out << (o.batch_policy == "auto" ? "No layout divides the global batch " + format_number(o.global_batch, 0) +
                                           " exactly on " + format_number(o.chips, 0) + " chips, so each"
                                     : "Each")
        << " layout rounds it down to a multiple of micro-batch x dp (as Calculon does); the batch column is "
           "the batch it trains with, and layouts are ranked by samples/s.\n";
  }
  text_table t({"tp", "cp", "ep", "pp", "dp", "micro", "batch", "interleave", "recompute", "SP", "ZeRO", "step s", "samples/s", "MFU",
                "GB/device", "days"},
               std::vector<bool>(16, true));
  for (const auto& c : found.best) {
    const auto k = sweep_point_coordinates(plan, c.index);
    const double tp = k["tp"], pp = k["pp"], cp = k["cp"];
    const auto d = days(c);
    t.add_row({format_number(tp, 0), format_number(cp, 0), format_number(k["ep"].get<double>(), 0), format_number(pp, 0), format_number(o.chips / (tp * pp * cp), 0),
               format_number(k["micro_batch"].get<double>(), 0), format_number(c.batch, 0),
               format_number(k["interleave"].get<double>(), 0),
               recompute_name(static_cast<int>(k["recompute"].get<double>())),
               k["sequence_parallel"].get<double>() != 0 ? "yes" : "no", format_number(k["zero"].get<double>(), 0),
               format_number(c.step, 2), format_number(c.samples_per_second, 1), format_number(100 * c.mfu, 1) + "%",
               format_number(c.memory / 1e9, 1), d.is_number() ? format_number(d.get<double>(), 1) : "-"});
  }
  t.print(out);
  out << "Not usable: ";
  bool first = true;
  for (int k = 1; k < layout_reason_count; ++k) {
    if (found.reasons[k] > 0) {
      out << (first ? "" : "; ") << format_number(static_cast<double>(found.reasons[k]), 0) << " " << reason_text(k);
      first = false;
    }
  }
  out << (first ? "none" : "") << ".\n";
}

void run_train(context& ctx, const train_options& o);

// `--config RUN.json` gives the whole run; a flag that would set part of it as well is refused
// rather than silently overridden or ignored.
void run_train_config(context& ctx, const train_options& o)
{
  const train_options defaults;
  const bool clash = given(o.chips) || !o.model.empty() || given(o.layers) || given(o.hidden) || !o.mlp.empty() ||
                     o.tp != defaults.tp || o.pp != defaults.pp || given(o.dp) || given(o.global_batch) ||
                     o.micro_batch != defaults.micro_batch || o.interleave != defaults.interleave || o.cp != defaults.cp || o.ep != defaults.ep ||
                     o.recompute != defaults.recompute || o.sequence_parallel || o.ep_overlap || o.fused_attention || o.zero != 0 || !o.system.empty() ||
                     !o.part.empty() || o.precision != defaults.precision || given(o.first_stage_layers) ||
                     given(o.last_stage_layers) || given(o.params) || given(o.mfu);
  FC_EXPECTS(!clash, "train --config: the run file gives the model, layout, system and precision; only --tokens, "
                     "--flops, --pue, --grid-kg-per-kwh, --usd-per-gpu-hour, --years and --search combine with it");
  const auto c = load_run_config(o.config);
  train_options t = o;
  t.config.clear();
  if (c.shape) {
    t.layers = c.shape->layers;
    t.hidden = c.shape->hidden;
    t.heads = c.shape->heads;
    t.kv_heads = c.shape->kv_heads;
    t.ffn = c.shape->ffn;
    t.seq = c.shape->seq;
    t.vocab = c.shape->vocab;
    t.mlp = c.shape->mlp == static_cast<int>(mlp_kind::swiglu) ? "swiglu" : "gelu";
    t.experts = c.shape->experts;
    t.top_k = c.shape->top_k;
    t.tied = c.shape->tied_embeddings != 0;
    t.shared_experts = c.shape->shared_experts;
    t.dense_layers = c.shape->dense_layers;
    t.dense_ffn = c.shape->dense_ffn > 0 ? c.shape->dense_ffn : NAN;
    t.head_dim = c.shape->head_dim > 0 ? c.shape->head_dim : NAN;
  } else {
    t.model = c.model;
  }
  const auto& l = c.layout;
  t.tp = l.tp;
  t.pp = l.pp;
  t.dp = l.dp;
  t.cp = l.cp;
  t.ep = l.ep;
  t.ep_overlap = l.ep_overlap != 0;
  t.fused_attention = l.fused_attention != 0;
  t.micro_batch = l.micro_batch;
  t.global_batch = l.global_batch;
  t.interleave = l.interleave;
  t.recompute = recompute_name(l.recompute);
  t.sequence_parallel = l.sequence_parallel != 0;
  t.zero = l.zero;
  if (l.first_stage_layers > 0) {
    t.first_stage_layers = l.first_stage_layers;
    t.last_stage_layers = l.last_stage_layers;
  }
  t.chips = l.tp * l.cp * l.pp * l.dp;
  t.system = c.system;
  t.precision = c.precision;
  if (!given(t.tokens) && c.tokens > 0) {
    t.tokens = c.tokens;
  }
  run_train(ctx, t);
}

void run_train(context& ctx, const train_options& o)
{
  if (!o.config.empty()) {
    run_train_config(ctx, o);
    return;
  }
  for (const auto& [flag, x] : {std::pair<const char*, double>{"--params", o.params}, {"--active-params", o.active_params},
                                {"--tokens", o.tokens}, {"--flops", o.flops}, {"--pue", o.pue},
                                {"--usd-per-gpu-hour", o.usd_per_gpu_hour}, {"--years", o.years}}) {
    require_positive(flag, x);
  }
  FC_EXPECTS(!given(o.grid_kg_per_kwh) || (std::isfinite(o.grid_kg_per_kwh) && o.grid_kg_per_kwh >= 0),
             "--grid-kg-per-kwh: expected a non-negative number");
  FC_EXPECTS(o.pue >= 1.0, "--pue: expected a number >= 1");
  for (const auto& [flag, x] : {std::pair<const char*, double>{"--chips", o.chips}, {"--layers", o.layers},
                                {"--hidden", o.hidden}, {"--heads", o.heads}, {"--kv-heads", o.kv_heads}, {"--ffn", o.ffn},
                                {"--seq", o.seq}, {"--vocab", o.vocab}, {"--experts", o.experts}, {"--top-k", o.top_k},
                                {"--tp", o.tp}, {"--pp", o.pp}, {"--dp", o.dp}, {"--micro-batch", o.micro_batch},
                                {"--global-batch", o.global_batch}, {"--interleave", o.interleave}, {"--cp", o.cp},
                                {"--ep", o.ep}, {"--dense-ffn", o.dense_ffn}, {"--head-dim", o.head_dim},
                                {"--first-stage-layers", o.first_stage_layers},
                                {"--last-stage-layers", o.last_stage_layers}}) {
    require_whole(flag, x);
  }
  for (const auto& [flag, x] : {std::pair<const char*, double>{"--shared-experts", o.shared_experts},
                                {"--dense-layers", o.dense_layers}}) {
    FC_EXPECTS(std::isfinite(x) && x >= 0 && std::floor(x) == x && x <= 1e6,
               std::string(flag) + ": expected a whole number from 0 to 1000000");
  }
  FC_EXPECTS(!given(o.mfu) || (o.mfu > 0 && o.mfu <= 1), "--mfu: expected a fraction in (0, 1]");
  FC_EXPECTS(o.zero >= 0 && o.zero <= 3, "--zero: expected 0, 1, 2 or 3");

  // The system and the part.
  const auto& parts = ctx.parts();
  std::optional<system_spec> system;
  if (!o.system.empty()) {
    system = load_system_argument(ctx.catalog(), parts, o.system);
  }
  const std::string part_id = !o.part.empty() ? o.part : (system ? system->part : "");
  FC_EXPECTS(!part_id.empty(), "train: give --part ID (or --system ID)");
  const part_spec& part = find_part(parts, part_id);
  if (!system) {
    system = default_system(part);
  }
  FC_EXPECTS(given(o.chips), "train: give --chips N");
  const auto precision = parse_precision(o.precision);
  const auto& peak = part.dense_peak_ops_per_s[static_cast<std::size_t>(precision)];
  FC_EXPECTS(peak.known(), "--precision: " + part.id + " has no published dense " + o.precision + " peak");

  // The shape, if any.
  std::optional<transformer_shape> shape;
  std::string shape_from;
  double tokens = o.tokens;
  if (!o.model.empty()) {
    // A named model takes its whole shape from its file; a shape flag next to it would be
    // silently ignored, so it is refused.
    for (const auto& [flag, x] : {std::pair<const char*, double>{"--layers", o.layers}, {"--hidden", o.hidden},
                                  {"--heads", o.heads}, {"--kv-heads", o.kv_heads}, {"--ffn", o.ffn}, {"--seq", o.seq},
                                  {"--vocab", o.vocab}, {"--head-dim", o.head_dim}}) {
      FC_EXPECTS(!given(x), std::string("train: --model takes its shape from data/workloads/; ") + flag +
                                " cannot be combined with it (give the whole shape by flags instead)");
    }
    FC_EXPECTS(o.mlp.empty() && o.experts == 1 && o.top_k == 1 && !o.tied && o.shared_experts == 0 &&
                   o.dense_layers == 0 && !given(o.dense_ffn),
               "train: --model takes its shape from data/workloads/; --mlp, --experts, --top-k, --shared-experts, "
               "--dense-layers, --dense-ffn and --tied-embeddings cannot be combined with it");
    const auto workloads = load_workloads(ctx.catalog());
    const auto& w = find_workload(workloads, o.model);
    shape = w.shape;
    shape_from = w.id + " (" + w.origin + ")";
    if (!given(tokens)) {
      tokens = w.tokens;
    }
  } else if (given(o.layers) || given(o.hidden)) {
    for (const auto& [flag, x] : {std::pair<const char*, double>{"--layers", o.layers}, {"--hidden", o.hidden},
                                  {"--heads", o.heads}, {"--ffn", o.ffn}, {"--seq", o.seq}, {"--vocab", o.vocab}}) {
      FC_EXPECTS(given(x), std::string("train: a shape needs ") + flag);
    }
    FC_EXPECTS(!o.mlp.empty(), "train: a shape needs --mlp gelu or --mlp swiglu (GELU MLPs have two h x ffn "
                               "matrices, SwiGLU three: the parameter count depends on it)");
    FC_EXPECTS(o.mlp == "swiglu" || o.mlp == "gelu", "--mlp: expected swiglu or gelu, got \"" + o.mlp + "\"");
    shape = transformer_shape{o.layers, o.hidden, o.heads, given(o.kv_heads) ? o.kv_heads : o.heads, o.ffn, o.seq, o.vocab,
                              o.mlp == "swiglu" ? 1 : 0, o.experts, o.top_k, o.tied ? 1 : 0,
                              o.shared_experts, o.dense_layers, given(o.dense_ffn) ? o.dense_ffn : 0.0,
                              given(o.head_dim) ? o.head_dim : 0.0};
    check_shape(*shape, "train");
    shape_from = "flags";
  }
  // With --flops and a shape, the tokens follow from the shape's FLOPs per token.
  if (!given(tokens) && given(o.flops) && shape) {
    tokens = o.flops / model_flop_per_token(*shape);
  }
  FC_EXPECTS(given(tokens) || given(o.flops), "train: give --tokens D (or --flops F)");

  // Total FLOPs.
  double flops = o.flops;
  std::string flops_basis = "given with --flops";
  if (!given(flops)) {
    if (shape) {
      flops = model_flop_per_token(*shape) * tokens;
      flops_basis = "PaLM model FLOPs per token (6 N_matmul + 12 L h s) x tokens";
    } else {
      FC_EXPECTS(given(o.params) || given(o.active_params), "train: give --params N (or a shape, or --flops)");
      const double n = given(o.active_params) ? o.active_params : o.params;
      flops = training_operations_6nd(n, tokens);
      flops_basis = "6 N D (Kaplan et al. 2020)";
    }
  }

  if (o.search) {
    FC_EXPECTS(shape.has_value(), "train --search: needs a shape (--model or --layers ...)");
    run_search(ctx, o, tokens, *shape, *system, part, precision);
    return;
  }

  // Time: from the step model when a layout is given, else from --mfu.
  const bool layout_mode = given(o.global_batch);
  std::optional<step_estimate> step;
  parallel_layout layout{};
  double mfu = o.mfu;
  double seconds = NAN;
  if (layout_mode) {
    FC_EXPECTS(shape.has_value(), "train: a layout (--global-batch) needs a shape (--model or --layers ...)");
    layout.tp = o.tp;
    layout.pp = o.pp;
    layout.cp = o.cp;
    layout.ep = o.ep;
    layout.ep_overlap = o.ep_overlap ? 1 : 0;
    layout.fused_attention = o.fused_attention ? 1 : 0;
    layout.dp = given(o.dp) ? o.dp : o.chips / (o.tp * o.cp * o.pp);
    layout.first_stage_layers = given(o.first_stage_layers) ? o.first_stage_layers : 0.0;
    layout.last_stage_layers = given(o.last_stage_layers) ? o.last_stage_layers : 0.0;
    layout.micro_batch = o.micro_batch;
    layout.global_batch = o.global_batch;
    layout.interleave = o.interleave;
    FC_EXPECTS(o.recompute == "none" || o.recompute == "selective" || o.recompute == "full",
               "--recompute: expected none, selective or full");
    layout.recompute = o.recompute == "full" ? 2 : (o.recompute == "selective" ? 1 : 0);
    layout.sequence_parallel = o.sequence_parallel ? 1 : 0;
    layout.zero = o.zero;
    check_layout(*shape, layout, o.chips, "layout");
    step = estimate_step(*shape, layout, figures_for(*system, part, precision));
    const double steps = tokens / (layout.global_batch * shape->seq);
    seconds = steps * step->step_seconds;
    mfu = flops / (seconds * o.chips * peak.mid);
  } else {
    FC_EXPECTS(given(mfu), "train: give --mfu (or a layout with --global-batch to predict it)");
    seconds = training_seconds(flops, o.chips * peak.mid, mfu);
  }

  const double gpu_hours = o.chips * seconds / 3600.0;
  const double energy_mwh = part.tdp_watts.known() ? o.chips * part.tdp_watts.mid * o.pue * seconds / 3.6e9 : NAN;
  const double co2_t = given(o.grid_kg_per_kwh) ? energy_mwh * 1000.0 * o.grid_kg_per_kwh / 1000.0 : NAN;
  double cost = NAN;
  std::string cost_basis;
  if (given(o.usd_per_gpu_hour)) {
    cost = gpu_hours * o.usd_per_gpu_hour;
    cost_basis = "GPU-hours x $" + format_number(o.usd_per_gpu_hour, 2);
  } else if (given(o.years)) {
    FC_EXPECTS(part.price_usd.known(), "--years: " + part.id + " has no price in " + part.origin +
                                           ", so its capex cannot be amortised; give --usd-per-gpu-hour instead");
    cost = o.chips * part.price_usd.mid * seconds / (o.years * 365.25 * 86400.0);
    cost_basis = "capex " + format_compact(o.chips * part.price_usd.mid) + " USD amortised over " + format_number(o.years, 1) + " years";
  }
  const auto& rules = ctx.rules();
  std::vector<const rule*> threshold_rules;
  for (const auto& r : rules) {
    if (r.kind == "eu_ai_act_2024" || r.kind == "us_eo14110_2023" || r.kind == "us_diffusion_2025") {
      threshold_rules.push_back(&r);
    }
  }
  const auto verdicts = comply_training(flops, false, threshold_rules, today_utc());

  auto& out = ctx.out();
  if (ctx.options().json) {
    nlohmann::json j = {{"part", part.id},
                        {"system", system->id},
                        {"chips", json_count(o.chips)},
                        {"precision", o.precision},
                        {"flops", flops},
                        {"flops_basis", flops_basis},
                        {"seconds", seconds},
                        {"days", seconds / 86400.0},
                        {"gpu_hours", gpu_hours},
                        {"energy_joules", json_number_or_unknown(energy_mwh * 3.6e9)},  // SI, as every JSON figure
                        {"co2_kg", json_number_or_unknown(co2_t * 1000.0)},
                        {"cost_usd", json_number_or_unknown(cost)},
                        {"mfu", mfu},
                        {"thresholds", verdicts_json(verdicts)}};
    if (shape) {
      if (!o.model.empty()) {
        j["model"] = o.model;
      } else {
        j["model"] = {{"layers", shape->layers}, {"hidden", shape->hidden}, {"heads", shape->heads},
                      {"kv_heads", shape->kv_heads}, {"ffn", shape->ffn}, {"seq", shape->seq}, {"vocab", shape->vocab},
                      {"mlp", shape->mlp == static_cast<int>(mlp_kind::swiglu) ? "swiglu" : "gelu"},
                      {"experts", shape->experts}, {"top_k", shape->top_k}, {"tied_embeddings", shape->tied_embeddings != 0}};
        if (shape->head_dim > 0) {
          j["model"]["head_dim"] = shape->head_dim;
        }
        if (shape->experts > 1) {
          j["model"]["shared_experts"] = shape->shared_experts;
          j["model"]["dense_layers"] = shape->dense_layers;
          if (shape->dense_ffn > 0) {
            j["model"]["dense_ffn"] = shape->dense_ffn;
          }
        }
      }
      j["parameters"] = total_parameters(*shape);
      j["active_matmul_parameters"] = active_matmul_parameters(*shape);
      j["model_flop_per_token"] = model_flop_per_token(*shape);
    }
    if (step) {
      j["layout"] = {{"tp", json_count(layout.tp)},
                     {"pp", json_count(layout.pp)},
                     {"dp", json_count(layout.dp)},
                     {"micro_batch", json_count(layout.micro_batch)},
                     {"global_batch", json_count(layout.global_batch)},
                     {"interleave", json_count(layout.interleave)},
                     {"recompute", recompute_name(layout.recompute)},
                     {"sequence_parallel", layout.sequence_parallel != 0},
                     {"zero", layout.zero},
                     {"cp", json_count(layout.cp)},
                     {"ep", json_count(layout.ep)},
                     {"ep_overlap", layout.ep_overlap != 0},
                     {"fused_attention", layout.fused_attention != 0}};
      if (layout.first_stage_layers > 0) {
        j["layout"]["first_stage_layers"] = layout.first_stage_layers;
        j["layout"]["last_stage_layers"] = layout.last_stage_layers;
      }
      j["step_seconds"] = step->step_seconds;
      j["hfu"] = step->hfu;
      j["step_breakdown_seconds"] = {{"compute", step->compute_seconds},
                                     {"elementwise", step->elementwise_seconds},
                                     {"tensor_parallel", step->tp_seconds},
                                     {"context_parallel", step->cp_seconds},
                                     {"expert_parallel", step->ep_seconds},
                                     {"pipeline_bubble", step->pp_bubble_seconds},
                                     {"pipeline_p2p", step->pp_p2p_seconds},
                                     {"data_parallel_exposed", step->dp_seconds},
                                     {"optimizer", step->optimizer_seconds}};
      // memory_bytes is per device, as in train --search; its parts beside it.
      j["memory_bytes"] = step->memory.total;
      j["memory_breakdown_bytes"] = {{"weights", step->memory.weights}, {"gradients", step->memory.gradients},
                                     {"optimizer", step->memory.optimizer}, {"activations", step->memory.activations}};
      j["fits"] = step->fits != 0;
      j["memory_headroom_bytes"] = part.memory_bytes.mid - step->memory.total;
    }
    add_what_if(j, rules);
    out << json_text(j);
    return;
  }
  out << what_if_text(rules);
  out << "Training run on " << format_number(o.chips, 0) << " x " << part.id << " (" << o.precision << " dense peak "
      << format_number(peak.mid / 1e12, 1) << " TFLOP/s each; system " << system->id << ")\n";
  if (shape) {
    out << "Model: " << shape_from << ", " << sci(total_parameters(*shape)) << " parameters ("
        << sci(active_matmul_parameters(*shape)) << " in matmuls per token)\n";
  }
  text_table t({"quantity", "value"}, {false, true});
  t.add_row({"training FLOPs", sci(flops) + " (" + flops_basis + ")"});
  t.add_row({"MFU", format_number(100 * mfu, 1) + "%" + (layout_mode ? " (predicted)" : " (given)")});
  t.add_row({"time", format_number(seconds / 86400.0, 1) + " days"});
  t.add_row({"GPU-hours", format_compact(gpu_hours)});
  t.add_row({"energy", given(energy_mwh) ? format_number(energy_mwh, 0) + " MWh (TDP x PUE " + format_number(o.pue, 2) + ")" : "-"});
  if (given(co2_t)) {
    t.add_row({"CO2", format_number(co2_t, 0) + " t"});
  }
  t.add_row({"cost", given(cost) ? "$" + format_compact(cost) + " (" + cost_basis + ")" : "- (give --usd-per-gpu-hour or --years)"});
  if (step) {
    t.add_row({"step time", format_number(step->step_seconds, 2) + " s = matmuls " + format_number(step->compute_seconds, 2) +
                                " + elementwise " + format_number(step->elementwise_seconds, 2) + " + TP " +
                                format_number(step->tp_seconds, 2) + (step->cp_seconds > 0 ? " + CP " + format_number(step->cp_seconds, 2) : "") +
                                (step->ep_seconds > 0 ? " + EP all-to-all " + format_number(step->ep_seconds, 2) : "") +
                                " + bubble " + format_number(step->pp_bubble_seconds, 2) +
                                " + PP p2p " + format_number(step->pp_p2p_seconds, 3) + " + DP exposed " +
                                format_number(step->dp_seconds, 2) + " + optimizer " +
                                format_number(step->optimizer_seconds, 3)});
    t.add_row({"HFU", format_number(100 * step->hfu, 1) + "%"});
    t.add_row({"memory per device", format_number(step->memory.total / 1e9, 1) + " GB = weights " +
                                        format_number(step->memory.weights / 1e9, 1) + " + grads " +
                                        format_number(step->memory.gradients / 1e9, 1) + " + optimizer " +
                                        format_number(step->memory.optimizer / 1e9, 1) + " + activations " +
                                        format_number(step->memory.activations / 1e9, 1)});
    t.add_row({"fits in " + format_number(part.memory_bytes.mid / 1e9, 0) + " GB",
               step->fits ? "yes (headroom " + format_number((part.memory_bytes.mid - step->memory.total) / 1e9, 1) + " GB)"
                          : "NO (over by " + format_number((step->memory.total - part.memory_bytes.mid) / 1e9, 1) + " GB)"});
  }
  t.print(out);
  out << "\n";
  for (const auto& v : verdicts) {
    out << v.rule << ": " << status_name(v.status) << " (" << v.reason << ")" << (v.in_force ? "" : " [not in force]")
        << "\n";
  }
}

}  // namespace

void setup_train(CLI::App& app, std::vector<std::pair<CLI::App*, command_runner>>& commands)
{
  auto o = std::make_shared<train_options>();
  auto* cmd = app.add_subcommand("train", "One training-run estimate (6ND, or a transformer shape with a layout)");
  cmd->add_option("--params", o->params, "Parameters N (Level 1: FLOPs = 6 N D)")->type_name("N");
  cmd->add_option("--active-params", o->active_params, "Active parameters per token (MoE)")->type_name("N");
  cmd->add_option("--tokens", o->tokens, "Training tokens D")->type_name("D");
  cmd->add_option("--flops", o->flops, "Total training FLOPs (instead of 6ND or the shape)")->type_name("F");
  cmd->add_option("--part", o->part, "Part id")->type_name("ID");
  cmd->add_option("--chips", o->chips, "Number of chips")->type_name("N");
  cmd->add_option("--mfu", o->mfu, "Model-FLOPs utilisation (without a layout)")->type_name("U");
  cmd->add_option("--precision", o->precision, "Training precision: bf16 (default), fp16, fp8, tf32 ...");
  cmd->add_option("--pue", o->pue, "Power usage effectiveness (default 1)");
  cmd->add_option("--grid-kg-per-kwh", o->grid_kg_per_kwh, "Grid carbon intensity for CO2");
  cmd->add_option("--usd-per-gpu-hour", o->usd_per_gpu_hour, "Rental price per GPU-hour");
  cmd->add_option("--years", o->years, "Amortise the parts' capex over this many years");
  cmd->add_option("--model", o->model, "A named shape from data/workloads/ (e.g. llama3-405b)")->type_name("ID");
  cmd->add_option("--layers", o->layers, "Transformer layers");
  cmd->add_option("--hidden", o->hidden, "Hidden size");
  cmd->add_option("--heads", o->heads, "Attention heads");
  cmd->add_option("--kv-heads", o->kv_heads, "Key/value heads (GQA; default = heads)");
  cmd->add_option("--head-dim", o->head_dim, "Width of one attention head (default hidden / heads)");
  cmd->add_option("--ffn", o->ffn, "MLP inner size");
  cmd->add_option("--seq", o->seq, "Sequence length");
  cmd->add_option("--vocab", o->vocab, "Vocabulary size");
  cmd->add_option("--mlp", o->mlp, "gelu or swiglu (required with a shape from flags)");
  cmd->add_option("--experts", o->experts, "Routed experts per MoE layer (1 = dense)");
  cmd->add_option("--top-k", o->top_k, "Experts per token");
  cmd->add_option("--shared-experts", o->shared_experts, "Always-active shared experts per MoE layer (DeepSeek-V3: 1)");
  cmd->add_option("--dense-layers", o->dense_layers, "The first layers that stay dense in a MoE model (DeepSeek-V3: 3)");
  cmd->add_option("--dense-ffn", o->dense_ffn, "MLP inner size of those dense layers (default --ffn)");
  cmd->add_flag("--tied-embeddings", o->tied, "Input and output embeddings shared");
  cmd->add_option("--tp", o->tp, "Tensor-parallel size");
  cmd->add_option("--pp", o->pp, "Pipeline-parallel size");
  cmd->add_option("--dp", o->dp, "Data-parallel size (default chips / (tp pp))");
  cmd->add_option("--micro-batch", o->micro_batch, "Micro-batch size (sequences)");
  cmd->add_option("--global-batch", o->global_batch, "Global batch (sequences); enables the step-time model");
  cmd->add_option("--interleave", o->interleave, "Virtual pipeline stages per device");
  cmd->add_option("--cp", o->cp, "Context-parallel size (the sequence split over cp ranks)");
  cmd->add_option("--ep", o->ep, "Expert-parallel size (routed experts split over ep of the dp x cp ranks)");
  cmd->add_flag("--fused-attention", o->fused_attention,
                "A fused attention kernel (FlashAttention): no stored scores, Q K^T recomputed in backward");
  cmd->add_flag("--ep-overlap", o->ep_overlap,
                "The all-to-all hides behind another micro-batch's computation (DeepSeek-V3's DualPipe)");
  cmd->add_option("--first-stage-layers", o->first_stage_layers, "Layers on the first pipeline stage (uneven split)");
  cmd->add_option("--last-stage-layers", o->last_stage_layers, "Layers on the last pipeline stage (uneven split)");
  cmd->add_option("--recompute", o->recompute, "none, selective or full");
  cmd->add_flag("--sequence-parallel", o->sequence_parallel, "Megatron sequence parallelism");
  cmd->add_option("--zero", o->zero, "ZeRO stage 0-3");
  cmd->add_option("--config", o->config,
                  "A run file: {\"model\": ID or shape, \"layout\": {...}, \"system\": ID or file, \"precision\", "
                  "\"tokens\"}; the layout `train --json` prints can be pasted in")
      ->type_name("RUN.json");
  cmd->add_option("--system", o->system, "System from specs/systems/, or a system file (e.g. from calibrate --out)")->type_name("ID|FILE");
  cmd->add_flag("--search", o->search, "Find the fastest layouts that fit memory (needs --global-batch)");
  cmd->add_option("--top", o->top, "How many layouts --search prints (default 5)");
  cmd->add_option("--batch-policy", o->batch_policy,
                  "--search: exact (the global batch must divide), round-down (to a multiple of micro-batch x dp, "
                  "like Calculon) or auto (exact, else round-down; default)");
  // Unset numbers are NaN inside train_options, so a NaN or infinity typed on the command line
  // ("--years nan") would read as "not given" and be silently ignored: refuse it at parse time.
  for (auto* option : cmd->get_options()) {
    if (option->get_expected_min() == 1 && option->get_name() != "--help") {
      option->check(
          [](const std::string& text) {
            // Only the spellings strtod reads as NaN or infinity; ids and paths pass.
            std::string lower;
            for (char c : text.substr(0, 12)) {
              lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            }
            if (!lower.empty() && (lower[0] == '+' || lower[0] == '-')) {
              lower.erase(0, 1);
            }
            const bool non_finite = lower == "nan" || lower == "inf" || lower == "infinity" || lower.rfind("nan(", 0) == 0;
            return non_finite ? std::string("expected a finite number, got \"" + text.substr(0, 12) + "\"") : std::string();
          },
          "finite");
    }
  }
  commands.emplace_back(cmd, [o](context& ctx) { run_train(ctx, *o); });
}

}  // namespace fleetcap::cli
