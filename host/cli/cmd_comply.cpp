// `fleetcap comply`: verdicts of the rule sets on a part (--part), a fleet (--fleet) or a
// training run (--train), with the clause and the numbers that decided each.

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "app.hpp"
#include "fleetcap/compliance.hpp"
#include "fleetcap/error.hpp"
#include "fleetcap/format.hpp"
#include "kernels/training.cuh"
#include "output.hpp"

namespace fleetcap::cli {

namespace {

struct comply_options {
  std::string part;
  std::vector<std::string> fleet_files;
  bool train = false;
  double flops = NAN;
  double params = NAN;
  double active_params = NAN;
  double tokens = NAN;
  bool biological = false;
  std::string rules;
  std::string as_of;
  std::string destination;
  std::string owner_hq;
};

std::string in_force_text(const rule& r)
{
  std::string s = "in force " + r.in_force.str();
  if (r.entry_into_force) {
    s += " (entered into force " + r.entry_into_force->str() + ")";
  }
  for (const auto& e : r.early) {
    s += " (from " + e.from.str() + " for " + std::to_string(e.parts.size()) + " named parts)";
  }
  if (r.no_longer_in_force) {
    s += " to " + r.no_longer_in_force->str();
  }
  return s;
}

void print_verdicts(std::ostream& out, const std::vector<rule_verdict>& verdicts, const std::vector<rule>& all)
{
  text_table t({"rule", "status", "clause", "reason", "dates"}, {false, false, false, false, false});
  for (const auto& v : verdicts) {
    const auto& r = find_rule(all, v.rule);
    t.add_row({rule_label(r), status_name(v.status), v.clause, v.reason,
               in_force_text(r) + (v.in_force ? "" : " (not in force)")});
  }
  t.print(out);
}

std::optional<date> as_of_date(const comply_options& opts)
{
  if (opts.as_of.empty()) {
    return std::nullopt;
  }
  return parse_date(opts.as_of, "--as-of");
}

void run_comply_part(context& ctx, const comply_options& opts, const std::vector<rule>& rules,
                     const std::vector<const rule*>& selected, const date& today)
{
  const auto& part = find_part(ctx.parts(), opts.part);
  const auto metrics = evaluate_parts(ctx.backend(), {part}).front();
  const compliance_subject subject{opts.destination, opts.owner_hq, "--destination"};
  auto verdicts = comply_part(part, metrics, rules, selected, today, subject);
  if (!opts.as_of.empty()) {
    // A rule kept because it applied early to other parts does not apply to this one yet.
    verdicts.erase(std::remove_if(verdicts.begin(), verdicts.end(), [](const rule_verdict& v) { return !v.in_force; }),
                   verdicts.end());
  }
  const bool known_tpp = metrics.mid.tpp_format >= 0;
  if (ctx.options().json) {
    nlohmann::json j = {
        {"part", part.id},
        {"tpp", known_tpp ? nlohmann::json(metrics.mid.tpp) : json_unknown()},
        {"performance_density_tpp_per_mm2", json_number_or_unknown(metrics.mid.performance_density)},
        {"vendor_country", part.vendor_country},
        {"verdicts", verdicts_json(verdicts)}};
    add_what_if(j, rules);
    // Options not given are absent, not null.
    for (const auto& [key, value] : {std::pair<const char*, const std::string*>{"as_of", &opts.as_of},
                                     {"destination", &opts.destination},
                                     {"owner_hq", &opts.owner_hq}}) {
      if (!value->empty()) {
        j[key] = *value;
      }
    }
    ctx.out() << json_text(j);
    return;
  }
  auto& out = ctx.out();
  out << part.name << " (" << part.id << "): TPP "
      << (known_tpp ? format_number(metrics.mid.tpp, 0) : "unknown") << ", PD "
      << format_number(metrics.mid.performance_density, 2) << ", "
      << (part.data_center ? "data-centre part" : "not a data-centre part") << ", vendor country "
      << part.vendor_country << "\n";
  if (!opts.as_of.empty()) {
    out << "Rules in force on " << opts.as_of << ".\n";
  }
  if (opts.destination.empty() && opts.owner_hq.empty()) {
    out << "No --destination or --owner-hq given: destination and headquarters scopes are not checked (the "
           "reasons say so); the item's origin is.\n";
  } else {
    out << "Destination " << (opts.destination.empty() ? "not given" : opts.destination) << ", owner headquartered in "
        << (opts.owner_hq.empty() ? "(not given)" : opts.owner_hq) << ".\n";
  }
  out << what_if_text(rules) << "\n";
  print_verdicts(out, verdicts, rules);
  if (part.vendor_country != "US") {
    out << "\nThe vendor is not in the US: rules that cover US-origin items say not_applicable. Whether a foreign "
           "direct product rule reaches the part (US tools or technology in its making) is not evaluated.\n";
  }
}

void run_comply_train(context& ctx, const comply_options& opts, const std::vector<rule>& rules,
                      const std::vector<const rule*>& selected, const date& today)
{
  double operations = opts.flops;
  std::string basis = "given with --flops";
  if (std::isnan(operations)) {
    FC_EXPECTS(!std::isnan(opts.tokens) && (!std::isnan(opts.params) || !std::isnan(opts.active_params)),
               "comply --train: give --flops, or --params (or --active-params) and --tokens");
    const double n = std::isnan(opts.active_params) ? opts.params : opts.active_params;
    operations = training_operations_6nd(n, opts.tokens);
    char buffer[160];
    std::snprintf(buffer, sizeof buffer, "6 N D with N = %.3g%s parameters and D = %.3g tokens (Kaplan et al. 2020)", n,
                  std::isnan(opts.active_params) ? "" : " active", opts.tokens);
    basis = buffer;
  }
  FC_EXPECTS(std::isfinite(operations) && operations > 0,
             "comply --train: training operations must be a positive finite number");
  const auto verdicts = comply_training(operations, opts.biological, selected, today);
  if (ctx.options().json) {
    nlohmann::json j{{"training_operations", operations},
                     {"basis", basis},
                     {"biological_sequence_data", opts.biological},
                     {"verdicts", verdicts_json(verdicts)}};
    add_what_if(j, rules);
    ctx.out() << json_text(j);
    return;
  }
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.3g", operations);
  ctx.out() << "Training run: " << buffer << " operations (" << basis << ")\n" << what_if_text(rules) << "\n";
  print_verdicts(ctx.out(), verdicts, rules);
}

void check_positive(const char* flag, double x)
{
  FC_EXPECTS(std::isnan(x) || (std::isfinite(x) && x > 0),
             std::string(flag) + ": expected a positive finite number");
}

void run_comply(context& ctx, const comply_options& opts)
{
  const int subjects = (!opts.part.empty() ? 1 : 0) + (!opts.fleet_files.empty() ? 1 : 0) + (opts.train ? 1 : 0);
  FC_EXPECTS(subjects == 1, "comply: give exactly one of --part ID, --fleet FILE or --train");
  for (const auto& [flag, value] : {std::pair<const char*, double>{"--flops", opts.flops},
                                    {"--params", opts.params},
                                    {"--active-params", opts.active_params},
                                    {"--tokens", opts.tokens}}) {
    check_positive(flag, value);
  }
  for (const auto& [flag, code] : {std::pair<const char*, const std::string&>{"--destination", opts.destination},
                                   {"--owner-hq", opts.owner_hq}}) {
    FC_EXPECTS(code.empty() || (code.size() == 2 && std::isupper(static_cast<unsigned char>(code[0])) &&
                                std::isupper(static_cast<unsigned char>(code[1]))),
               std::string(flag) + ": expected an ISO 3166-1 alpha-2 code such as \"CN\", got \"" + code + "\"");
  }
  FC_EXPECTS(opts.part.empty() ? opts.destination.empty() && opts.owner_hq.empty() : true,
             "comply: --destination and --owner-hq go with --part (a fleet file gives each holding's location "
             "and owner's headquarters)");
  const auto& rules = ctx.rules();
  check_rule_part_ids(rules, ctx.parts());
  const auto as_of = as_of_date(opts);
  const auto selected = select_rules(rules, opts.rules, as_of);
  const date today = as_of ? *as_of : today_utc();
  if (!opts.part.empty()) {
    run_comply_part(ctx, opts, rules, selected, today);
  } else if (opts.train) {
    run_comply_train(ctx, opts, rules, selected, today);
  } else {
    run_comply_fleet(ctx, opts.fleet_files, rules, selected, today);
  }
}

}  // namespace

void setup_comply(CLI::App& app, std::vector<std::pair<CLI::App*, command_runner>>& commands)
{
  auto opts = std::make_shared<comply_options>();
  auto* cmd = app.add_subcommand("comply", "Per-rule verdicts, with the clause and the numbers that decided them");
  cmd->add_option("--part", opts->part, "Part id (see `fleetcap specs list`)");
  cmd->add_option("--fleet", opts->fleet_files, "Fleet inventory file(s) (data/fleets format)")->type_name("FILE");
  cmd->add_flag("--train", opts->train, "Verdicts on a training run (with --flops or --params/--tokens)");
  cmd->add_option("--flops", opts->flops, "Total training operations")->type_name("F");
  cmd->add_option("--params", opts->params, "Parameter count N (for 6ND)")->type_name("N");
  cmd->add_option("--active-params", opts->active_params, "Active parameters per token (MoE)")->type_name("N");
  cmd->add_option("--tokens", opts->tokens, "Training tokens D (for 6ND)")->type_name("D");
  cmd->add_flag("--bio", opts->biological, "Trained primarily on biological sequence data (EO 14110's 1e23 line)");
  cmd->add_option("--rules", opts->rules, "Comma-separated rule ids (default: all)")->type_name("ID,...");
  cmd->add_option("--as-of", opts->as_of, "Only the rules in force on this date")->type_name("YYYY-MM-DD");
  cmd->add_option("--destination", opts->destination, "With --part: country the part is exported to (ISO code)")
      ->type_name("CC");
  cmd->add_option("--owner-hq", opts->owner_hq, "With --part: country of the owner's headquarters (ISO code)")
      ->type_name("CC");
  commands.emplace_back(cmd, [opts](context& ctx) { run_comply(ctx, *opts); });
}

}  // namespace fleetcap::cli
