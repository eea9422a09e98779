// `fleetcap serve`: serving capacity of a model on a part (the best replica configuration
// under latency targets), of a fleet (tokens per day per owner), and the chips a load needs.
// The numbers come from kernels/serving.cuh through fleetcap/serving.hpp.

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <sstream>

#include "app.hpp"
#include "fleetcap/capacity.hpp"
#include "fleetcap/error.hpp"
#include "fleetcap/format.hpp"
#include "fleetcap/serving.hpp"
#include "output.hpp"
#include "serving_output.hpp"

namespace fleetcap::cli {

namespace {

struct serve_options {
  std::string model;
  std::vector<std::string> parts;
  std::string precision = "fp8";
  std::string kv_precision;
  double input_len = 1024;
  double output_len = 1024;
  double ttft_ms = NAN;
  double tpot_ms = NAN;
  double max_chips = 64;
  bool disaggregated = false;
  std::vector<std::string> fleets;
  std::string by = "owner";
  double tokens_per_day = NAN;
  std::string profile;
  double speculative_tokens = 0;
};

// What the model leaves out, printed with every answer (a term not costed is named, not free).
const char* const not_modelled =
    "Not modelled: speculative decoding unless --speculative-tokens (and only with a published acceptance), prefix/KV-cache reuse, pipeline parallelism, queueing "
    "under a request arrival process (TTFT is an idle replica's), routing imbalance across experts, "
    "quantisation scales and the LM head kept in 16 bits.";

bool given(double x) { return !std::isnan(x); }

void check_positive(const char* flag, double x, bool whole, double max = 1e9)
{
  FC_EXPECTS(!given(x) || (std::isfinite(x) && x > 0 && x <= max),
             std::string(flag) + ": expected a positive finite number up to " + format_compact(max) + ", got " +
                 (std::isfinite(x) ? format_compact(x) : std::string("a non-finite value")));
  FC_EXPECTS(!whole || !given(x) || std::floor(x) == x, std::string(flag) + ": expected a whole number");
}

serving_question question_of(const serve_options& o)
{
  serving_question q;
  q.precision = o.precision;
  q.kv_precision = o.kv_precision;
  q.input_len = o.input_len;
  q.output_len = o.output_len;
  q.ttft_limit_s = given(o.ttft_ms) ? o.ttft_ms * 1e-3 : 0.0;
  q.tpot_limit_s = given(o.tpot_ms) ? o.tpot_ms * 1e-3 : 0.0;
  q.max_chips = o.max_chips;
  q.disaggregated = o.disaggregated;
  q.speculative_tokens = o.speculative_tokens;
  return q;
}

// Total (input + output) tokens per output token at the question's lengths.
double total_per_output(const serving_question& q) { return (q.input_len + q.output_len) / q.output_len; }

nlohmann::json option_json(const serving_answer& a, const serving_question& q)
{
  const auto& o = *a.best;
  nlohmann::json j = {
      {"chips_per_replica", json_count(o.layout.chips)},
      {"tp", json_count(o.layout.tp)},
      {"attention_data_parallel", json_count(o.layout.chips / o.layout.tp)},
      {"batch", json_count(o.layout.batch)},
      {"ttft_s", o.ttft_s},
      {"tpot_s", o.tpot_s},
      {"output_tokens_per_s_per_chip", a.output_tokens_per_s_per_chip},
      {"total_tokens_per_s_per_chip", a.output_tokens_per_s_per_chip * total_per_output(q)},
      {"output_tokens_per_day_per_chip", a.output_tokens_per_s_per_chip * seconds_per_day},
      {"prefill_tokens_per_s_per_chip", o.prefill_tokens_per_s_per_chip},
      {"decode_tokens_per_s_per_chip", o.decode_tokens_per_s_per_chip},
      {"memory",
       {{"weight_bytes_per_chip", o.memory.weight_bytes},
        {"kv_bytes_per_token_per_chip", o.memory.kv_bytes_per_token},
        {"max_sequences_per_replica", o.memory.max_sequences}}},
      {"decode_step",
       {{"seconds", o.step.seconds},
        {"weights_seconds", o.step.weight_seconds},
        {"attention_seconds", o.step.attention_seconds},
        {"tp_seconds", o.step.tp_seconds},
        {"ep_seconds", o.step.ep_seconds},
        {"overhead_seconds", o.step.overhead_seconds}}}};
  if (q.disaggregated) {
    j["prefill_pool_share_of_chips"] = a.disaggregated_prefill_share;
  }
  return j;
}

std::string ms(double s) { return format_number(s * 1e3, s < 0.01 ? 2 : 1) + " ms"; }

void print_answer(std::ostream& out, const serving_answer& a, const serving_question& q)
{
  const auto& o = *a.best;
  out << "best: replica of " << format_number(o.layout.chips, 0) << " chip" << (o.layout.chips > 1 ? "s" : "")
      << " (tp " << format_number(o.layout.tp, 0);
  if (o.layout.chips > o.layout.tp) {
    out << ", attention data-parallel " << format_number(o.layout.chips / o.layout.tp, 0) << ", experts over all "
        << format_number(o.layout.chips, 0);
  }
  out << "), batch " << format_number(o.layout.batch, 0) << " sequences\n";
  out << "  " << format_compact(a.output_tokens_per_s_per_chip) << " output tokens/s per chip ("
      << format_compact(a.output_tokens_per_s_per_chip * total_per_output(q)) << " input + output), "
      << format_compact(a.output_tokens_per_s_per_chip * seconds_per_day) << " output tokens/day per chip\n";
  out << "  TTFT " << ms(o.ttft_s) << " (idle replica), TPOT " << ms(o.tpot_s)
      << (q.disaggregated ? " (decode pool)" : " (prefill stalls included)") << "\n";
  if (q.disaggregated) {
    out << "  disaggregated: " << format_number(100 * a.disaggregated_prefill_share, 1)
        << "% of chips in the prefill pool (" << format_compact(o.prefill_tokens_per_s_per_chip)
        << " prompt tokens/s per chip), the rest decoding (" << format_compact(o.decode_tokens_per_s_per_chip)
        << " tokens/s per chip)\n";
  }
  out << "  memory per chip: weights " << format_number(o.memory.weight_bytes / 1e9, 1) << " GB, KV cache "
      << format_number(o.memory.kv_bytes_per_token / 1e3, 1) << " kB per token; room for "
      << format_number(o.memory.max_sequences, 0) << " sequences per replica\n";
  out << "  decode step " << ms(o.step.seconds) << ": weights " << ms(o.step.weight_seconds) << ", attention/KV "
      << ms(o.step.attention_seconds) << ", TP all-reduce " << ms(o.step.tp_seconds) << ", EP all-to-all "
      << ms(o.step.ep_seconds) << ", fixed " << ms(o.step.overhead_seconds) << "\n";
  out << "  searched " << a.options_tried << " replica layouts (" << a.options_fitting << " fit in memory)\n";
}

std::string header_line(const workload& model, const serving_question& q, const std::string& kv)
{
  std::ostringstream s;
  s << model.id << " at " << q.precision << " (KV cache " << kv << "), input " << format_number(q.input_len, 0)
    << " + output " << format_number(q.output_len, 0) << " tokens per request";
  if (q.ttft_limit_s > 0) {
    s << ", TTFT <= " << ms(q.ttft_limit_s);
  }
  if (q.tpot_limit_s > 0) {
    s << ", TPOT <= " << ms(q.tpot_limit_s);
  }
  s << (q.disaggregated ? ", prefill and decode in separate pools" : ", prefill and decode on the same chips");
  return s.str();
}

void run_fleet_capacity(context& ctx, const serve_options& o, const workload& model, const serving_question& q,
                        const std::vector<serving_profile>& profiles)
{
  const auto& parts = ctx.parts();
  std::vector<fleet> fleets;
  for (const auto& f : o.fleets) {
    fleets.push_back(ctx.fleet_from(f));
  }
  const auto holdings = resolve_holdings(fleets, parts);
  std::map<std::size_t, part_answer> by_part;
  for (const auto& h : holdings) {
    if (!by_part.count(h.part_index)) {
      by_part.emplace(h.part_index, answer_for(model, parts[h.part_index], profiles, q, false));
    }
  }
  const auto key = parse_group_key(o.by);
  nlohmann::json jgroups = nlohmann::json::array();
  text_table t({group_key_name(key), "units", "output tokens/day", "input + output tokens/day"}, {false, true, true, true});
  std::vector<std::string> missing_lines;
  for (const auto& row : serving_by_group(holdings, parts, by_part, key)) {
    const auto& g = row.group;
    const auto& u = row.units;
    const auto& tokens = row.output_tokens_per_day;
    const double total_factor = total_per_output(q);
    range total = tokens.value;
    total.low *= total_factor;
    total.mid *= total_factor;
    total.high *= total_factor;
    const bool unknown = unknown_value(tokens);
    // The shape of `fleet --json`: {key, totals: {figure: {low, mid, high, incomplete,
    // missing_parts}}}, the parts that cannot serve named in the figures they leave out.
    nlohmann::json totals = {{"units", {{"low", u.value.low}, {"mid", u.value.mid}, {"high", u.value.high}}}};
    if (unknown) {
      totals["output_tokens_per_day"] = json_unknown();
      totals["total_tokens_per_day"] = json_unknown();
    } else {
      totals["output_tokens_per_day"] = {{"low", tokens.value.low}, {"mid", tokens.value.mid}, {"high", tokens.value.high}};
      totals["total_tokens_per_day"] = {{"low", total.low}, {"mid", total.mid}, {"high", total.high}};
    }
    for (const char* figure : {"output_tokens_per_day", "total_tokens_per_day"}) {
      totals[figure]["incomplete"] = tokens.incomplete;
      if (tokens.incomplete) {
        totals[figure]["missing_parts"] = tokens.missing_parts;
      }
    }
    if (tokens.incomplete) {
      missing_lines.push_back(g + ": " + missing_text(tokens, u));
    }
    jgroups.push_back({{"key", g}, {"totals", totals}});
    t.add_row({g, format_compact_range(u.value), unknown ? "unknown" : format_compact_range(tokens.value) + (tokens.incomplete ? "+" : ""),
               unknown ? "unknown" : format_compact_range(total) + (tokens.incomplete ? "+" : "")});
  }
  nlohmann::json jparts = nlohmann::json::array();
  for (const auto& [index, pa] : by_part) {
    nlohmann::json jp = {{"part", pa.part->id}, {"profile", profile_status(pa.profile)}};
    if (pa.answer) {
      jp["best"] = option_json(*pa.answer, q);
    } else {
      jp["output_tokens_per_s_per_chip"] = json_unknown();
      jp["why"] = pa.why_none;
    }
    jparts.push_back(jp);
  }
  if (ctx.options().json) {
    ctx.out() << json_text({{"model", model.id},
                            {"precision", q.precision},
                            {"input_len", q.input_len},
                            {"output_len", q.output_len},
                            {"by", group_key_name(key)},
                            {"groups", jgroups},
                            {"parts", jparts},
                            {"not_modelled", not_modelled}});
    return;
  }
  auto& out = ctx.out();
  out << "Serving capacity: " << header_line(model, q, serving_kv_precision(q.precision, q.kv_precision)) << "\n";
  out << "Each unit serves at its part's best configuration, all day at full load (an upper bound). Figures are mid "
         "[low-high] over the inventories' ranges; '+': some parts cannot serve the model and are listed, never "
         "counted as zero.\n";
  t.print(out);
  for (const auto& line : missing_lines) {
    out << "  + " << line << "\n";
  }
  out << "Per part:\n";
  for (const auto& [index, pa] : by_part) {
    out << "  " << pa.part->id << ": ";
    if (pa.answer) {
      const auto& b = *pa.answer->best;
      out << format_compact(pa.answer->output_tokens_per_s_per_chip) << " output tokens/s per chip (replica "
          << format_number(b.layout.chips, 0) << " x tp " << format_number(b.layout.tp, 0) << ", batch "
          << format_number(b.layout.batch, 0) << "; " << profile_status(pa.profile) << ")\n";
    } else {
      out << "cannot serve: " << pa.why_none << "\n";
    }
  }
  out << not_modelled << "\n";
}

void run_sizing(context& ctx, const serve_options& o, const workload& model, const serving_question& q,
                const std::vector<serving_profile>& profiles)
{
  const auto& parts = ctx.parts();
  std::vector<const part_spec*> chosen;
  if (o.parts.empty()) {
    for (const auto& p : parts) {
      chosen.push_back(&p);
    }
  } else {
    for (const auto& id : o.parts) {
      chosen.push_back(&find_part(parts, id));
    }
  }
  const double total_per_s = o.tokens_per_day / seconds_per_day;
  nlohmann::json jparts = nlohmann::json::array();
  text_table t({"part", "tokens/s per chip (in+out)", "chips needed", "at catalogue price", "configuration"},
               {false, true, true, true, false});
  for (const auto* p : chosen) {
    const auto pa = answer_for(model, *p, profiles, q, false);
    nlohmann::json jp = {{"part", p->id}, {"profile", profile_status(pa.profile)}};
    if (!pa.answer) {
      jp["chips_needed"] = json_unknown();
      jp["why"] = pa.why_none;
      jparts.push_back(jp);
      t.add_row({p->id, "-", "-", "-", "cannot serve: " + pa.why_none});
      continue;
    }
    const double per_chip = pa.answer->output_tokens_per_s_per_chip * total_per_output(q);
    const double chips = std::ceil(total_per_s / per_chip);
    jp["total_tokens_per_s_per_chip"] = per_chip;
    jp["chips_needed"] = chips;
    jp["best"] = option_json(*pa.answer, q);
    std::string cost = "no price";
    if (p->price_usd.known()) {
      const range c{chips * p->price_usd.low, chips * p->price_usd.mid, chips * p->price_usd.high};
      jp["capex_usd"] = {{"low", c.low}, {"mid", c.mid}, {"high", c.high}};
      cost = "$" + format_compact_range(c);
    } else {
      jp["capex_usd"] = json_unknown();
    }
    jparts.push_back(jp);
    const auto& b = *pa.answer->best;
    t.add_row({p->id, format_compact(per_chip), format_compact(chips), cost,
               format_number(b.layout.chips, 0) + " x tp " + format_number(b.layout.tp, 0) + ", batch " +
                   format_number(b.layout.batch, 0) + (pa.profile.origin == "default" ? " (uncalibrated)"
                                                                   : pa.profile.calibrated_on.empty() ? " (transferred)" : "")});
  }
  if (ctx.options().json) {
    ctx.out() << json_text({{"model", model.id},
                            {"precision", q.precision},
                            {"input_len", q.input_len},
                            {"output_len", q.output_len},
                            {"tokens_per_day", o.tokens_per_day},
                            {"parts", jparts},
                            {"not_modelled", not_modelled}});
    return;
  }
  auto& out = ctx.out();
  out << "Chips to serve " << format_compact(o.tokens_per_day) << " tokens/day (input + output) of "
      << header_line(model, q, serving_kv_precision(q.precision, q.kv_precision)) << "\n";
  out << "Each chip at its part's best configuration and full load around the clock (a lower bound on chips).\n";
  t.print(out);
  out << not_modelled << "\n";
}

void run_serve(context& ctx, const serve_options& o)
{
  check_positive("--input-len", o.input_len, true);
  check_positive("--output-len", o.output_len, true);
  check_positive("--ttft-ms", o.ttft_ms, false);
  check_positive("--tpot-ms", o.tpot_ms, false);
  check_positive("--max-chips", o.max_chips, true);
  FC_EXPECTS(o.speculative_tokens == 0 || (o.speculative_tokens >= 1 && o.speculative_tokens <= 8 &&
                                           std::floor(o.speculative_tokens) == o.speculative_tokens),
             "--speculative-tokens: expected a whole number from 0 to 8");
  check_positive("--tokens-per-day", o.tokens_per_day, false, 1e18);
  FC_EXPECTS(o.max_chips <= 4096, "--max-chips: at most 4096");
  FC_EXPECTS(!(given(o.tokens_per_day) && !o.fleets.empty()), "serve: --tokens-per-day and --fleet are exclusive");
  const auto& parts = ctx.parts();
  const auto workloads = load_workloads(ctx.catalog());
  const auto& model = find_workload(workloads, o.model);
  auto profiles = load_serving_profiles(ctx.catalog(), parts);
  if (!o.profile.empty()) {
    const auto p = load_serving_profile_file(o.profile, parts);
    profiles.erase(std::remove_if(profiles.begin(), profiles.end(), [&](const auto& x) { return x.part == p.part; }),
                   profiles.end());
    profiles.push_back(p);
  }
  const auto q = question_of(o);
  if (!o.fleets.empty()) {
    run_fleet_capacity(ctx, o, model, q, profiles);
    return;
  }
  if (given(o.tokens_per_day)) {
    run_sizing(ctx, o, model, q, profiles);
    return;
  }
  FC_EXPECTS(o.parts.size() == 1, "serve: give one --part (or --fleet FILE, or --tokens-per-day T with any parts)");
  const auto& part = find_part(parts, o.parts.front());
  const auto precision = serving_precision_for(part, q.precision, q.kv_precision);
  const auto pa = answer_for(model, part, profiles, q, true);
  if (ctx.options().json) {
    ctx.out() << json_text({{"model", model.id},
                            {"part", part.id},
                            {"precision", q.precision},
                            {"kv_precision", precision.kv_name},
                            {"input_len", q.input_len},
                            {"output_len", q.output_len},
                            {"profile", profile_status(pa.profile)},
                            {"best", option_json(*pa.answer, q)},
                            {"not_modelled", not_modelled}});
    return;
  }
  auto& out = ctx.out();
  out << header_line(model, q, precision.kv_name) << " on " << part.id << "\n";
  out << "profile: " << profile_status(pa.profile) << "\n";
  print_answer(out, *pa.answer, q);
  out << not_modelled << "\n";
}

}  // namespace

void setup_serve(CLI::App& app, std::vector<std::pair<CLI::App*, command_runner>>& commands)
{
  auto o = std::make_shared<serve_options>();
  auto* cmd = app.add_subcommand("serve", "Serving capacity: tokens/s per chip, per fleet, and the chips a load needs");
  cmd->add_option("--model", o->model, "Workload id (data/workloads/)")->required()->type_name("ID");
  cmd->add_option("--part", o->parts, "Part id; with --tokens-per-day, a comma list (default: every part)")
      ->delimiter(',')
      ->type_name("ID");
  cmd->add_option("--precision", o->precision, "Weights and GEMMs: bf16, fp16, fp8, int8, fp4, int4 (weight-only)")
      ->type_name("P");
  cmd->add_option("--kv-precision", o->kv_precision, "KV cache: bf16, fp16, fp8, int8 (default fp8 for fp8/fp4 weights, else bf16)")
      ->type_name("P");
  cmd->add_option("--input-len", o->input_len, "Prompt tokens per request (default 1024)")->type_name("N");
  cmd->add_option("--output-len", o->output_len, "Generated tokens per request (default 1024)")->type_name("N");
  cmd->add_option("--ttft-ms", o->ttft_ms, "Time-to-first-token target")->type_name("MS");
  cmd->add_option("--tpot-ms", o->tpot_ms, "Time-per-output-token target")->type_name("MS");
  cmd->add_option("--max-chips", o->max_chips, "Largest replica tried (powers of two; default 64)")->type_name("N");
  cmd->add_flag("--disaggregated", o->disaggregated, "Prefill and decode in separate pools, split chosen");
  cmd->add_option("--speculative-tokens", o->speculative_tokens,
                  "Drafted tokens verified per decode step (multi-token prediction), at the model's published acceptance")
      ->type_name("N");
  cmd->add_option("--fleet", o->fleets, "Inventories (files or catalogue ids): tokens/day per group")->type_name("FILE");
  cmd->add_option("--by", o->by, "Group fleets by owner|part|vendor|country|year|status|fleet")->type_name("KEY");
  cmd->add_option("--tokens-per-day", o->tokens_per_day, "A load (input + output tokens/day): chips needed per part")
      ->type_name("T");
  cmd->add_option("--profile", o->profile, "A serving profile file (what calibrate --serving --out wrote)")
      ->type_name("FILE");
  commands.emplace_back(cmd, [o](context& ctx) { run_serve(ctx, *o); });
}

}  // namespace fleetcap::cli
