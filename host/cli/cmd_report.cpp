// `fleetcap report`: the default study on the built-in catalogue. Every number comes from the
// spec sheets, inventories and rule files through the same functions the other commands use;
// --explain prints where each holding comes from.

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>
#include <map>

#include "app.hpp"
#include "capacity_output.hpp"
#include "fleetcap/capex.hpp"
#include "fleetcap/compliance.hpp"
#include "fleetcap/error.hpp"
#include "fleetcap/format.hpp"
#include "kernels/compliance.cuh"
#include "kernels/training.cuh"
#include "output.hpp"
#include "serving_output.hpp"

namespace fleetcap::cli {

namespace {

struct report_options {
  bool markdown = false;
  bool explain = false;
  double mfu = 0.4;
};

constexpr double seconds_per_day = 86400.0;

const fleet* find_fleet(const std::vector<fleet>& fleets, const std::string& id)
{
  const auto it = std::find_if(fleets.begin(), fleets.end(), [&](const fleet& f) { return f.id == id; });
  return it == fleets.end() ? nullptr : &*it;
}

const rule* find_rule_or_null(const std::vector<rule>& rules, const std::string& id)
{
  const auto it = std::find_if(rules.begin(), rules.end(), [&](const rule& r) { return r.id == id; });
  return it == rules.end() ? nullptr : &*it;
}

nlohmann::json range_json(const range& r) { return {{"low", r.low}, {"mid", r.mid}, {"high", r.high}}; }

// Days to train `operations` on a BF16 peak range: the low end of the days uses the high peak.
range training_days(double operations, const range& bf16_peak, double mfu)
{
  return {training_seconds(operations, bf16_peak.high, mfu) / seconds_per_day,
          training_seconds(operations, bf16_peak.mid, mfu) / seconds_per_day,
          training_seconds(operations, bf16_peak.low, mfu) / seconds_per_day};
}

// Prints a section: a heading, a table and notes, as text or Markdown.
class section_writer {
 public:
  section_writer(std::ostream& out, bool markdown) : m_out(out), m_markdown(markdown) {}
  void heading(const std::string& title)
  {
    m_out << (m_markdown ? "\n## " : "\n") << title << (m_markdown ? "\n\n" : "\n");
  }
  void table(const text_table& t)
  {
    if (m_markdown) {
      t.print_markdown(m_out);
    } else {
      t.print(m_out);
    }
  }
  void note(const std::string& text) { m_out << (m_markdown ? "\n" : "") << text << "\n"; }

 private:
  std::ostream& m_out;
  bool m_markdown;
};

struct report_inputs {
  const std::vector<part_spec>* parts;
  std::vector<part_metrics_range> metrics;
  const std::vector<rule>* rules;
  std::vector<fleet> fleets;
  backend_kind backend;
  date today;
};

// Share of an owner's units (mid) by 2023-rule status.
std::map<std::string, double> controlled_share(const std::vector<holding>& holdings, const std::vector<std::size_t>& idx,
                                               const report_inputs& in, const rule& r2023)
{
  std::map<std::string, double> units;
  double total = 0.0;
  for (auto i : idx) {
    const auto& h = holdings[i];
    // The classification of the item (the technical test), not the licence requirement, which
    // depends on destination and owner (`comply --fleet` applies those).
    const auto v = comply_part((*in.parts)[h.part_index], in.metrics[h.part_index], *in.rules, {&r2023}, in.today);
    units[status_name(v.front().status)] += h.units.mid;
    total += h.units.mid;
  }
  for (auto& [k, v] : units) {
    v = total > 0 ? v / total : 0.0;
  }
  return units;
}

void run_report(context& ctx, const report_options& opts)
{
  FC_EXPECTS(std::isfinite(opts.mfu) && opts.mfu > 0 && opts.mfu <= 1, "--mfu: expected a fraction in (0, 1]");
  report_inputs in;
  in.parts = &ctx.parts();
  in.backend = ctx.backend();
  in.metrics = evaluate_parts(in.backend, *in.parts);
  in.rules = &ctx.rules();
  in.fleets = ctx.builtin_fleets();
  in.today = today_utc();
  const bool json = ctx.options().json;
  auto& out = ctx.out();
  section_writer w(out, opts.markdown);
  nlohmann::json j = {{"catalog", ctx.catalog().describe()},
                      {"backend", backend_name(in.backend)},
                      {"date", in.today.str()},
                      {"h100e_basis", "int8"},
                      {"mfu", opts.mfu}};
  add_what_if(j, *in.rules);

  capacity_options cap;
  cap.by = group_key::owner;
  cap.basis = h100e_basis::int8;
  const rule* r2023 = find_rule_or_null(*in.rules, "us-3a090-2023");

  if (!json) {
    out << (opts.markdown ? "# " : "") << "fleetcap report: AI accelerator fleets from public reporting\n";
    w.note(std::to_string(in.parts->size()) + " parts, " + std::to_string(in.rules->size()) + " rule sets, " +
           std::to_string(in.fleets.size()) + " inventories (" + ctx.catalog().describe() + "); " +
           backend_name(in.backend) +
           " backend. H100e = dense 8-bit TOPS / 1,979 (Epoch AI's basis). Figures are mid [low-high]: the "
           "extremes over every published range, with each mix's shares summing to 1 (a plain count stays a "
           "plain count). '+': some parts lack the figure and are listed, never counted as zero; '~': a "
           "documented substitute stands in for a missing figure.");
    const auto what_if = what_if_text(*in.rules);
    if (!what_if.empty()) {
      w.note(what_if.substr(0, what_if.size() - 1));
    }
  }

  // --- 1. capacity by owner -------------------------------------------------------------
  std::vector<holding> hopper_holdings;
  capacity_view hopper_view;
  if (const fleet* f = find_fleet(in.fleets, "hopper-2024")) {
    hopper_holdings = resolve_holdings({*f}, *in.parts);
    hopper_view = make_capacity_view(hopper_holdings, *in.parts, in.metrics, cap);
    text_table t({"owner", "country", "units", "H100e", "BF16 PFLOP/s", "3A090.a (2023)",
                  "days for 1e25 / 1e26 FLOP"},
                 {false, false, true, true, true, true, true});
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& g : hopper_view.groups) {
      const auto& bf16 = g.totals.dense_ops_per_s[static_cast<std::size_t>(numeric_format::bf16)];
      const auto d25 = training_days(1e25, bf16.value, opts.mfu);
      const auto d26 = training_days(1e26, bf16.value, opts.mfu);
      const std::string country = hopper_holdings[g.holdings.front()].country;
      std::map<std::string, double> shares;
      if (r2023) {
        shares = controlled_share(hopper_holdings, g.holdings, in, *r2023);
      }
      const double controlled = shares.count("3A090.a") ? shares.at("3A090.a") : 0.0;
      const bool days_known = !unknown_value(bf16);
      t.add_row({g.key, country, summed_cell(g.totals.units), summed_cell(g.totals.h100e), summed_cell(bf16, 1e15),
                 format_number(100 * controlled, 0) + "% of units",
                 days_known ? format_compact(d25.mid) + " / " + format_compact(d26.mid) + (bf16.incomplete ? "+" : "")
                            : std::string("unknown")});
      rows.push_back({{"owner", g.key},
                      {"country", country},
                      {"units", summed_json(g.totals.units)},
                      {"h100e", summed_json(g.totals.h100e)},
                      {"dense_ops_per_s", {{"bf16", summed_json(bf16)}}},
                      {"controlled_share_3a090_2023", shares},
                      {"days_1e25", days_known ? range_json(d25) : json_unknown()},
                      {"days_1e26", days_known ? range_json(d26) : json_unknown()}});
    }
    j["capacity_by_owner"] = {{"fleet", f->id}, {"owners", rows}};
    if (!json) {
      w.heading("1. Capacity by owner: " + f->name);
      w.table(t);
      print_capacity_notes(out, hopper_view);
      w.note("Training days: FLOP / (owner's BF16 dense peak x " + format_number(100 * opts.mfu, 0) +
             "% MFU), the whole 2024 purchase as one cluster (an upper bound on speed). 3A090.a: share of units "
             "that are 3A090.a items under the 2023 rule (the rest are H20s): the item's classification; a licence is "
             "needed only for the rule's destinations and owners (`fleetcap comply --fleet hopper-2024`).");
    }
  }

  // --- 2. a million H20s next to Microsoft -------------------------------------------------
  if (const fleet* china = find_fleet(in.fleets, "china-h20-2024")) {
    auto china_holdings = resolve_holdings({*china}, *in.parts);
    std::vector<holding> h20_only;
    for (const auto& h : china_holdings) {
      if ((*in.parts)[h.part_index].id == "h20") {
        h20_only.push_back(h);
      }
    }
    std::vector<holding> microsoft;
    for (const auto& h : hopper_holdings) {
      if (h.owner == "Microsoft") {
        microsoft.push_back(h);
      }
    }
    if (!h20_only.empty() && !microsoft.empty()) {
      text_table t({"fleet", "units", "H100e (8-bit)", "H100e (TPP)", "H100e (BF16)", "capex $bn"},
                   {false, true, true, true, true, true});
      nlohmann::json rows = nlohmann::json::array();
      summed h100e_int8[2];
      int k = 0;
      for (const auto& [label, hs] : {std::pair<std::string, const std::vector<holding>*>{"China H20, 2024 forecast", &h20_only},
                                      {"Microsoft Hopper, 2024", &microsoft}}) {
        summed e[3];
        summed units, capex;
        for (auto basis : {h100e_basis::int8, h100e_basis::tpp, h100e_basis::bf16}) {
          capacity_options o = cap;
          o.basis = basis;
          o.by = group_key::fleet;
          const auto total = aggregate_total(*hs, *in.parts, in.metrics, o);
          e[static_cast<int>(basis)] = total.totals.h100e;
          units = total.totals.units;
          capex = total.totals.capex_usd;
        }
        h100e_int8[k++] = e[static_cast<int>(h100e_basis::int8)];
        t.add_row({label, summed_cell(units), summed_cell(e[1]), summed_cell(e[0]), summed_cell(e[2]),
                   summed_cell(capex, 1e9)});
        rows.push_back({{"fleet", label},
                        {"units", summed_json(units)},
                        {"h100e_int8", summed_json(e[1])},
                        {"h100e_tpp", summed_json(e[0])},
                        {"h100e_bf16", summed_json(e[2])},
                        {"capex_usd", summed_json(capex)}});
      }
      j["h20_vs_microsoft"] = rows;
      if (!json) {
        w.heading("2. A million H20s next to Microsoft's Hopper");
        w.table(t);
        w.note("At the mids, the H20 forecast is " + format_number(100 * h100e_int8[0].value.mid / h100e_int8[1].value.mid, 0) +
               "% of Microsoft's 2024 Hopper compute. The three bases agree because the H20 was cut evenly: 15% of an "
               "H100's dense 8-bit (296 vs 1,979 TOPS) and BF16 throughput and of its TPP (2,368 vs 15,832), at "
               "roughly 40% of the price.");
      }
    }
  }

  // --- 3. domestic share against the 30 % line ----------------------------------------------
  const rule* domestic = find_rule_or_null(*in.rules, "cn-domestic-share-2025");
  if (domestic) {
    text_table t({"fleet", "domestic units", "domestic share of units", "of spend", "of TPP", "vs " +
                  format_number(100 * domestic->parameter("domestic_share_min"), 0) + "% line"},
                 {false, true, true, true, true, false});
    nlohmann::json rows = nlohmann::json::array();
    for (const char* id : {"bytedance-2025", "china-h20-2024"}) {
      const fleet* f = find_fleet(in.fleets, id);
      if (!f) {
        continue;
      }
      auto hs = resolve_holdings({*f}, *in.parts);
      // Only holdings located in the rule's country count: the guidance concerns purchases for
      // data centres in China (ByteDance's overseas budget is located in Malaysia).
      hs.erase(std::remove_if(hs.begin(), hs.end(),
                              [&](const holding& h) { return h.location != domestic->domestic_country; }),
               hs.end());
      // Compute is compared on TPP: the Ascend 910C has no published 8-bit figure.
      double units = 0, dom_units = 0, spend = 0, dom_spend = 0, h100e = 0, dom_h100e = 0;
      range dom_range{0, 0, 0};
      bool spend_unknown = false;  // a part without a price: the spend share would mislead
      capacity_options o = cap;
      o.by = group_key::part;
      for (const auto& g : aggregate_capacity(hs, *in.parts, in.metrics, o)) {
        const bool is_domestic = find_part(*in.parts, g.key).vendor_country == domestic->domestic_country;
        units += g.totals.units.value.mid;
        spend += g.totals.capex_usd.value.mid;
        spend_unknown = spend_unknown || g.totals.capex_usd.incomplete;
        h100e += g.totals.tpp.value.mid;
        if (is_domestic) {
          dom_units += g.totals.units.value.mid;
          dom_spend += g.totals.capex_usd.value.mid;
          dom_h100e += g.totals.tpp.value.mid;
        }
      }
      // The domestic units' range over the compositions of each mix (not the sum of the
      // parts' separate ranges).
      std::vector<holding> dom_holdings;
      for (const auto& h : hs) {
        if ((*in.parts)[h.part_index].vendor_country == domestic->domestic_country) {
          dom_holdings.push_back(h);
        }
      }
      if (!dom_holdings.empty()) {
        dom_range = aggregate_total(dom_holdings, *in.parts, in.metrics, o).totals.units.value;
      }
      if (units <= 0) {
        continue;
      }
      const double share = dom_units / units;
      const auto status = static_cast<verdict_status>(
          compare_to_threshold(share, domestic->parameter("domestic_share_min"), false).status);
      auto pct = [](double a, double b) { return b > 0 ? format_number(100 * a / b, 0) + "%" : std::string("-"); };
      t.add_row({f->name, format_compact_range(dom_range), pct(dom_units, units),
                 spend_unknown ? std::string("- (prices unknown)") : pct(dom_spend, spend),
                 pct(dom_h100e, h100e), status_name(status)});
      rows.push_back({{"fleet", f->id},
                      {"domestic_units", range_json(dom_range)},
                      {"share_units", share},
                      {"share_spend", spend > 0 && !spend_unknown ? nlohmann::json(dom_spend / spend) : json_unknown()},
                      {"share_tpp", h100e > 0 ? nlohmann::json(dom_h100e / h100e) : json_unknown()},
                      {"status", status_name(status)}});
    }
    j["domestic_share"] = rows;
    if (!json && !rows.empty()) {
      w.heading("3. Domestic chips against Beijing's 30% line (" + domestic->id + ")");
      w.table(t);
      w.note("Holdings in China only; shares at the mids. Domestic = vendor country CN (Huawei, Cambricon).");
    }
  }

  // --- 4. capex into compute -----------------------------------------------------------------
  const auto capex_sets = load_capex(ctx.catalog());
  nlohmann::json jcapex = nlohmann::json::array();
  std::vector<std::string> capex_lines;
  if (!capex_sets.empty()) {
    // What each spend buys if all of its accelerator share went to one part.
    const std::vector<std::string> buy = {"h20", "ascend-910b", "ascend-910c", "h100-sxm"};
    std::vector<std::string> header = {"spender (measure)", "period", "amount $bn", "year earlier", "on accelerators $bn"};
    for (const auto& id : buy) {
      header.push_back("as " + id + ": units / H100e");
    }
    text_table t(header, std::vector<bool>(header.size(), true));
    for (const auto& set : capex_sets) {
      for (const auto& e : set.entries) {
        const range usd = e.amount_usd();
        const std::string spender = e.measure.empty() ? e.owner : e.owner + " (" + e.measure + ")";
        std::vector<std::string> row = {spender, e.period, format_compact_range(usd, 1e9)};
        nlohmann::json je = {{"set", set.id},      {"owner", e.owner}, {"country", e.country},
                             {"period", e.period}, {"capex_usd", range_json(usd)}};
        if (!e.measure.empty()) {
          je["measure"] = e.measure;
        }
        if (e.previous.known()) {
          const double growth = e.amount.mid / e.previous.mid - 1.0;
          row.push_back((growth >= 0 ? "+" : "") + format_number(100.0 * growth, 0) + "%");
          je["growth_on_year_earlier"] = growth;
        } else {
          row.push_back("-");
        }
        if (!set.share) {
          row.push_back("no sourced share");
          for (std::size_t k = 0; k < buy.size(); ++k) {
            row.push_back("-");
          }
          je["accelerator_usd"] = json_unknown();
        } else {
          const range& sh = set.share->share;
          const range acc{usd.low * sh.low, usd.mid * sh.mid, usd.high * sh.high};
          row.push_back(format_compact_range(acc, 1e9));
          je["accelerator_usd"] = range_json(acc);
          je["as_part"] = nlohmann::json::object();
          for (const auto& id : buy) {
            const auto it = std::find_if(in.parts->begin(), in.parts->end(), [&](const part_spec& p) { return p.id == id; });
            if (it == in.parts->end() || !it->price_usd.known()) {
              row.push_back(it == in.parts->end() ? "not in catalogue" : "no price");
              je["as_part"][id] = json_unknown();
              continue;
            }
            const auto hs = spend_on_part(acc, e.owner, *it, *in.parts);
            const auto total = aggregate_total(hs, *in.parts, in.metrics, cap).totals;
            row.push_back(format_compact(total.units.value.mid) + " / " + summed_cell(total.h100e));
            je["as_part"][id] = {{"units", summed_json(total.units)}, {"h100e", summed_json(total.h100e)}};
          }
        }
        t.add_row(row);
        jcapex.push_back(je);
      }
      if (set.share) {
        capex_lines.push_back("  " + set.id + ": accelerator share " + format_range(set.share->share, 0.01, 0) + " % [" +
                              set.share->source + "]");
      } else {
        capex_lines.push_back("  " + set.id + ": no sourced accelerator share; shown, not converted");
      }
    }
    j["capex"] = jcapex;
    if (!json) {
      w.heading("4. Capex into compute");
      w.table(t);
      w.note("On accelerators = capex x the set's sourced accelerator share; each part column spends all of it on "
             "that part at its catalogue price (units at the mid; H100e mid [low-high]). Sources per set:");
      for (const auto& l : capex_lines) {
        out << l << "\n";
      }
      if (const fleet* bd = find_fleet(in.fleets, "bytedance-2025")) {
        const auto hs = resolve_holdings({*bd}, *in.parts);
        const auto total = aggregate_total(hs, *in.parts, in.metrics, cap).totals;
        w.note("ByteDance's 2025 AI-chip budget (" + bd->id + ", already all accelerators): $" +
               format_compact_range(total.capex_usd.value, 1e9) + "bn in its planned mix buys " +
               summed_cell(total.units) + " units, " + summed_cell(total.h100e) + " H100e.");
      }
    }
  }

  // --- 5. parts under the export rules -------------------------------------------------------
  {
    // A column per part-classification rule in use, in force order: the built-in four, and any
    // a --catalog overlay adds (a what-if copy under its own id); --rule marks a changed one.
    std::vector<const rule*> columns;
    for (const auto& r : *in.rules) {
      if (r.kind == "us_3a090_2022" || r.kind == "us_3a090_2023" || r.kind == "us_h20_licence_2025" ||
          r.kind == "us_cbc_2026") {
        columns.push_back(&r);
      }
    }
    std::vector<std::string> header = {"part", "TPP", "PD"};
    for (const rule* r : columns) {
      header.push_back(rule_label(*r));
    }
    text_table t(header, std::vector<bool>(header.size(), false));
    nlohmann::json rows = nlohmann::json::array();
    for (std::size_t p = 0; p < in.parts->size(); ++p) {
      const auto& part = (*in.parts)[p];
      const auto& m = in.metrics[p];
      const auto verdicts = comply_part(part, m, *in.rules, columns, in.today);
      std::vector<std::string> row = {part.id, m.mid.tpp_format < 0 ? "-" : format_number(m.mid.tpp, 0),
                                      format_number(m.mid.performance_density, 2)};
      for (const auto& v : verdicts) {
        row.push_back(status_name(v.status));
      }
      t.add_row(row);
      rows.push_back({{"part", part.id}, {"verdicts", verdicts_json(verdicts)}});
    }
    j["parts"] = rows;
    if (!json) {
      w.heading("5. Parts under the US export rules (why: `fleetcap comply --part ID`)");
      w.table(t);
      w.note("Technical test per part: no destination or owner applied (`fleetcap comply --part ID --destination CC "
             "--owner-hq CC`). Parts not made by a US vendor are not_applicable under US rules: not US-origin items, "
             "foreign direct product rule not evaluated.");
    }
  }

  // --- 6. serving -------------------------------------------------------------------------------
  {
    // The reference: Llama 3 70B in 16-bit weights (every compared part has an FP16 peak), 1,024
    // prompt + 1,024 output tokens, at the most tokens per chip (no latency target).
    const auto workloads = load_workloads(ctx.catalog());
    const auto& model = find_workload(workloads, "llama3-70b");
    const auto profiles = load_serving_profiles(ctx.catalog(), *in.parts);
    serving_question q;
    q.precision = "fp16";
    std::map<std::size_t, part_answer> answers;
    const auto answer = [&](std::size_t index) -> const part_answer& {
      auto it = answers.find(index);
      if (it == answers.end()) {
        it = answers.emplace(index, answer_for(model, (*in.parts)[index], profiles, q, false)).first;
      }
      return it->second;
    };
    text_table per_chip({"part", "output tokens/s per chip", "per day", "price $", "per day per $1k", "configuration", "profile"},
                        {false, true, true, true, true, false, false});
    nlohmann::json jparts = nlohmann::json::array();
    for (const char* id : {"h20", "h100-sxm", "h200-sxm", "ascend-910b", "ascend-910c"}) {
      const auto index = static_cast<std::size_t>(&find_part(*in.parts, id) - in.parts->data());
      const auto& pa = answer(index);
      const auto& price = (*in.parts)[index].price_usd;
      nlohmann::json jp = {{"part", id}, {"profile", profile_status(pa.profile)}};
      jp["price_usd"] = price.known() ? nlohmann::json{{"low", price.low}, {"mid", price.mid}, {"high", price.high}} : json_unknown();
      if (!pa.answer) {
        jp["output_tokens_per_s_per_chip"] = json_unknown();
        jp["why"] = pa.why_none;
        per_chip.add_row({id, "-", "-", price.known() ? format_compact(price.mid) : "no price", "-", pa.why_none, ""});
      } else {
        const double rate = pa.answer->output_tokens_per_s_per_chip;
        const auto& b = *pa.answer->best;
        jp["output_tokens_per_s_per_chip"] = rate;
        jp["output_tokens_per_day_per_chip"] = rate * seconds_per_day;
        // The table's "configuration" column: replicas of chips x tp at a batch.
        jp["chips_per_replica"] = json_count(b.layout.chips);
        jp["tp"] = json_count(b.layout.tp);
        jp["batch"] = json_count(b.layout.batch);
        std::string per_dollar = "no price";
        if (price.known()) {
          const range d{rate * seconds_per_day / price.high * 1e3, rate * seconds_per_day / price.mid * 1e3,
                        rate * seconds_per_day / price.low * 1e3};
          jp["output_tokens_per_day_per_1000_usd"] = {{"low", d.low}, {"mid", d.mid}, {"high", d.high}};
          per_dollar = format_compact_range(d);
        } else {
          jp["output_tokens_per_day_per_1000_usd"] = json_unknown();
        }
        per_chip.add_row({id, format_compact(rate), format_compact(rate * seconds_per_day),
                          price.known() ? format_compact_range(price) : "no price", per_dollar,
                          format_number(b.layout.chips, 0) + " x tp " + format_number(b.layout.tp, 0) + ", batch " +
                              format_number(b.layout.batch, 0),
                          pa.profile.origin == "default" ? "default (uncalibrated)"
                                                         : (pa.profile.calibrated_on.empty() ? "transferred" : "fitted")});
      }
      jparts.push_back(jp);
    }
    const fleet* hopper = nullptr;
    for (const auto& f : in.fleets) {
      hopper = f.id == "hopper-2024" ? &f : hopper;
    }
    nlohmann::json jowners = nlohmann::json::array();
    text_table owners({"owner", "units", "output tokens/day"}, {false, true, true});
    std::vector<std::string> missing;
    if (hopper) {
      const auto holdings = resolve_holdings({*hopper}, *in.parts);
      for (const auto& h : holdings) {
        answer(h.part_index);
      }
      for (const auto& g : serving_by_group(holdings, *in.parts, answers, group_key::owner)) {
        const auto& t = g.output_tokens_per_day;
        const bool unknown = unknown_value(t);
        owners.add_row({g.group, format_compact_range(g.units.value),
                        unknown ? "unknown" : format_compact_range(t.value) + (t.incomplete ? "+" : "")});
        nlohmann::json jg = {{"owner", g.group}};
        jg["output_tokens_per_day"] = unknown ? json_unknown()
                                              : nlohmann::json{{"low", t.value.low}, {"mid", t.value.mid}, {"high", t.value.high}};
        jowners.push_back(jg);
        if (t.incomplete) {
          missing.push_back(g.group + ": " + missing_text(t, g.units));
        }
      }
    }
    j["serving"] = {{"model", model.id}, {"precision", q.precision}, {"input_len", q.input_len},
                    {"output_len", q.output_len}, {"parts", jparts}, {"owners_2024", jowners}};
    if (!json) {
      w.heading("6. Serving: Llama 3 70B, 16-bit weights, 1,024 + 1,024 tokens per request (`fleetcap serve`)");
      w.table(per_chip);
      w.note("Output tokens/s per chip at the part's best replica and batch, no latency target (the most a chip "
             "serves). Per day per $1k: output tokens per day per $1,000 of purchase price (the price range gives "
             "the range). Profile: fitted on published TensorRT-LLM runs, transferred from the H100 fit (same "
             "Hopper die), or the uncalibrated defaults (the Ascend parts: no published serving run is in "
             "data/serving/). Held-out error of the fitted model: 23-39 % (`fleetcap validate --serving`).");
      if (hopper) {
        w.table(owners);
        for (const auto& line : missing) {
          w.note("  + " + line);
        }
        w.note("2024 Hopper purchases (hopper-2024) as Llama 3 70B output tokens per day, every unit serving at full "
               "load around the clock: an upper bound on what the purchase could serve.");
      }
    }
  }

  if (json) {
    out << json_text(j);
    return;
  }
  if (opts.explain) {
    // Every inventory the report draws on, grouped by inventory.
    const auto all = resolve_holdings(in.fleets, *in.parts);
    capacity_options by_fleet = cap;
    by_fleet.by = group_key::fleet;
    print_trail(out, make_capacity_view(all, *in.parts, in.metrics, by_fleet));
  }
  w.note("\nSources: every inventory entry and spec sheet carries its own; `fleetcap report --explain` prints "
         "the trail, `fleetcap specs show ID` a part's sources.");
}

}  // namespace

void setup_report(CLI::App& app, std::vector<std::pair<CLI::App*, command_runner>>& commands)
{
  auto opts = std::make_shared<report_options>();
  auto* report = app.add_subcommand("report", "The default study on the built-in catalogue");
  report->add_flag("--markdown", opts->markdown, "Markdown instead of plain text");
  report->add_flag("--explain", opts->explain, "Print where each number comes from");
  report->add_option("--mfu", opts->mfu, "Model-FLOPs utilisation for the training-time column (default 0.4)");
  commands.emplace_back(report, [opts](context& ctx) { run_report(ctx, *opts); });
}

}  // namespace fleetcap::cli
