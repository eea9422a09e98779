// Turning rule parameters into kernel parameters, calling the single-source threshold tests,
// and putting each verdict's numbers into words.

#include "fleetcap/compliance.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>

#include "fleetcap/error.hpp"
#include "fleetcap/format.hpp"
#include "kernels/compliance.cuh"

namespace fleetcap {

const char* status_name(verdict_status status)
{
  switch (status) {
    case verdict_status::eccn_3a090_a: return "3A090.a";
    case verdict_status::eccn_3a090_b: return "3A090.b";
    case verdict_status::eccn_3a090_c: return "3A090.c";
    case verdict_status::not_controlled: return "not_controlled";
    case verdict_status::exempt: return "exempt";
    case verdict_status::licence_required: return "licence_required";
    case verdict_status::case_by_case: return "case_by_case";
    case verdict_status::above_threshold: return "above_threshold";
    case verdict_status::below_threshold: return "below_threshold";
    case verdict_status::not_applicable: return "not_applicable";
    case verdict_status::undetermined: return "undetermined";
  }
  return "?";
}

date today_utc()
{
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  return date{utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday};
}

namespace {

constexpr double giga = 1e9;
constexpr double tera = 1e12;

double pick(const range& r, int which)
{
  if (!r.known()) {
    return NAN;
  }
  return which == 0 ? r.low : (which == 2 ? r.high : r.mid);
}

rule_3a090_2022_params params_2022(const rule& r)
{
  return {r.parameter("io_bidirectional_gbps_min") * giga, r.parameter("tpp_min")};
}

rule_3a090_2023_params params_2023(const rule& r)
{
  return {r.parameter("a1_tpp_min"), r.parameter("a2_tpp_min"), r.parameter("a2_pd_min"),
          r.parameter("b1_tpp_min"), r.parameter("b1_tpp_max"), r.parameter("b1_pd_min"),
          r.parameter("b1_pd_max"),  r.parameter("b2_tpp_min"), r.parameter("b2_pd_min"),
          r.parameter("b2_pd_max"),  r.parameter("non_datacenter_tpp_min")};
}

rule_h20_letter_params params_h20(const rule& r)
{
  return {r.parameter("memory_bandwidth_tbps_min") * tera, r.parameter("scale_up_gbps_min") * giga};
}

rule_cbc_2026_params params_cbc(const rule& r)
{
  return {r.parameter("tpp_max"), r.parameter("dram_bandwidth_gbps_max") * giga};
}

std::string n0(double x) { return format_number(x, 0); }
// A threshold as written in the rule: 3.2, not 3.20; 5.92; 4,800.
std::string thr(double x)
{
  std::string s = format_number(x, 3);
  while (s.find('.') != std::string::npos && (s.back() == '0' || s.back() == '.')) {
    const bool dot = s.back() == '.';
    s.pop_back();
    if (dot) {
      break;
    }
  }
  return s;
}
std::string n2(double x) { return format_number(x, 2); }
std::string gbps(double bytes_per_s) { return format_number(bytes_per_s / giga, 0) + " GB/s"; }
std::string sci(double x)
{
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", x);
  return buffer;
}

const rule* base_rule(const rule& r, const std::vector<rule>& all)
{
  return r.based_on.empty() ? nullptr : &find_rule(all, r.based_on);
}

// Why a part is neither 3A090.a nor .b under the 2023 rule: the failing condition of each
// clause that could have applied.
std::string why_not_controlled_2023(const part_compliance_inputs& p, const rule_3a090_2023_params& r)
{
  if (p.tpp < r.a2_tpp_min && p.tpp < r.b2_tpp_min && p.tpp < r.b1_tpp_min) {
    return "TPP " + n0(p.tpp) + " < " + thr(std::min(r.a2_tpp_min, r.b2_tpp_min));
  }
  std::string why;
  // b.1 fails on TPP or PD; b.2 (and a.2) fail on PD.
  if (p.tpp < r.b1_tpp_min) {
    why = "TPP " + n0(p.tpp) + " < " + thr(r.b1_tpp_min);
  } else if (p.performance_density < r.b1_pd_min) {
    why = "PD " + n2(p.performance_density) + " < " + thr(r.b1_pd_min);
  }
  if (p.performance_density < r.b2_pd_min) {
    why += (why.empty() ? "" : " and ") + ("PD " + n2(p.performance_density) + " < " + thr(r.b2_pd_min));
  }
  return why.empty() ? "no clause of 3A090.a/.b is met" : why;
}

struct worded {
  std::string clause;
  std::string reason;
};

worded words_for(const verdict& v, const part_compliance_inputs& p, const rule& r, const std::vector<rule>& all)
{
  switch (static_cast<verdict_clause>(v.clause)) {
    case verdict_clause::io_and_tpp_2022: {
      const auto k = params_2022(r);
      return {"3A090.a (2022)", "I/O " + gbps(p.io_bidirectional_bytes_per_s) + " >= " +
                                    gbps(k.io_bidirectional_bytes_per_s_min) + " and TPP " + n0(p.tpp) +
                                    " >= " + thr(k.tpp_min)};
    }
    case verdict_clause::io_below_2022: {
      const auto k = params_2022(r);
      return {"3A090.a (2022)", "I/O " + gbps(p.io_bidirectional_bytes_per_s) + " < " +
                                    gbps(k.io_bidirectional_bytes_per_s_min) + " (TPP " + n0(p.tpp) +
                                    " >= " + thr(k.tpp_min) + " alone does not suffice)"};
    }
    case verdict_clause::tpp_below_2022:
      return {"3A090.a (2022)", "TPP " + n0(p.tpp) + " < " + thr(params_2022(r).tpp_min)};
    case verdict_clause::a1:
      return {"3A090.a.1", "TPP " + n0(p.tpp) + " >= " + thr(params_2023(r).a1_tpp_min)};
    case verdict_clause::a2: {
      const auto k = params_2023(r);
      return {"3A090.a.2", "TPP " + n0(p.tpp) + " >= " + thr(k.a2_tpp_min) + " and PD " +
                               n2(p.performance_density) + " >= " + thr(k.a2_pd_min)};
    }
    case verdict_clause::b1: {
      const auto k = params_2023(r);
      return {"3A090.b.1", "TPP " + n0(p.tpp) + " in [" + thr(k.b1_tpp_min) + ", " + thr(k.b1_tpp_max) +
                               ") and PD " + n2(p.performance_density) + " in [" + thr(k.b1_pd_min) + ", " +
                               thr(k.b1_pd_max) + ")"};
    }
    case verdict_clause::b2: {
      const auto k = params_2023(r);
      return {"3A090.b.2", "TPP " + n0(p.tpp) + " >= " + thr(k.b2_tpp_min) + " and PD " +
                               n2(p.performance_density) + " in [" + thr(k.b2_pd_min) + ", " +
                               thr(k.b2_pd_max) + ")"};
    }
    case verdict_clause::note2_non_datacenter:
      return {"Note 2 to 3A090", "not designed or marketed for data centres and TPP " + n0(p.tpp) + " < " +
                                     thr(params_2023(r).non_datacenter_tpp_min)};
    case verdict_clause::below_a_and_b:
      return {"3A090.a/.b", why_not_controlled_2023(p, params_2023(r))};
    case verdict_clause::memory_bandwidth_reached: {
      const auto k = params_h20(r);
      return {"is-informed letter", "memory bandwidth " + n2(p.memory_bandwidth_bytes_per_s / tera) +
                                        " TB/s >= " + n2(k.memory_bandwidth_bytes_per_s_min / tera) +
                                        " TB/s (the H20's)"};
    }
    case verdict_clause::scale_up_reached: {
      const auto k = params_h20(r);
      return {"is-informed letter", "interconnect " + gbps(p.io_bidirectional_bytes_per_s) +
                                        " >= " + gbps(k.scale_up_bytes_per_s_min) + " (the H20's)"};
    }
    case verdict_clause::below_h20_envelope: {
      const auto k = params_h20(r);
      return {"is-informed letter", "memory bandwidth " + n2(p.memory_bandwidth_bytes_per_s / tera) +
                                        " TB/s < " + n2(k.memory_bandwidth_bytes_per_s_min / tera) +
                                        " TB/s and interconnect " + gbps(p.io_bidirectional_bytes_per_s) +
                                        " < " + gbps(k.scale_up_bytes_per_s_min)};
    }
    case verdict_clause::inside_cbc_envelope: {
      const auto k = params_cbc(r);
      return {"742.6(b)(10)(iii)(A)(1)", "3A090 item with TPP " + n0(p.tpp) + " < " + thr(k.tpp_max) +
                                             " and DRAM bandwidth " + gbps(p.memory_bandwidth_bytes_per_s) +
                                             " < " + gbps(k.dram_bandwidth_bytes_per_s_max)};
    }
    case verdict_clause::outside_cbc_envelope: {
      const auto k = params_cbc(r);
      return {"742.6(b)(10)(iii)(A)(1)",
              "TPP " + n0(p.tpp) + (p.tpp < k.tpp_max ? " < " : " >= ") + thr(k.tpp_max) + ", DRAM bandwidth " +
                  gbps(p.memory_bandwidth_bytes_per_s) +
                  (p.memory_bandwidth_bytes_per_s < k.dram_bandwidth_bytes_per_s_max ? " < " : " >= ") +
                  gbps(k.dram_bandwidth_bytes_per_s_max) + ": outside the envelope, presumption of denial"};
    }
    case verdict_clause::not_a_3a090_item:
      return {"742.6(b)(10)", "not a 3A090 item under " + r.based_on + "; the policy covers 3A090 commodities"};
    case verdict_clause::worldwide_licence_3a090a:
      return {"3A090.a (via " + r.based_on + ")",
              "3A090.a item: licence required worldwide outside tier 1; tier-2 exports count against the "
              "country caps"};
    case verdict_clause::tier1_no_cap: return {"tier 1", "Tier 1 country: no cap"};
    case verdict_clause::tier3_presumption_of_denial:
      return {"tier 3", "Tier 3 country (D:5 or Macau): presumption of denial, no allocation"};
    case verdict_clause::tier_unknown:
      return {"tier", "location not published (ZZ), so the tier cannot be told"};
    case verdict_clause::named_in_letter:
      return {"is-informed letter", "named in the letter (" + r.citation.substr(0, r.citation.find(';')) + ")"};
    case verdict_clause::not_named_in_letter:
      return {"is-informed letter", "not named in the letter; its catch-all for parts 'roughly equivalent' has no "
                                    "published figures"};
    case verdict_clause::outside_item_origin:
    case verdict_clause::outside_destination_and_headquarters: break;  // worded in comply_part
    case verdict_clause::co_packaged_hbm:
      return {"3A090.c", "3A090.c covers stand-alone HBM; HBM co-packaged with a logic IC is excluded"};
    case verdict_clause::rule_not_for_parts: {
      const auto base = base_rule(r, all);
      (void)base;
      if (r.kind == "us_diffusion_2025") {
        return {"3A090.a (via " + r.based_on + ")",
                "not a 3A090.a item; the caps and 4E091 apply to fleets and model weights"};
      }
      if (r.kind == "cn_domestic_share_2025") {
        return {"domestic share", "applies to a buyer's fleet (comply --fleet), not to one part"};
      }
      return {"-", "applies to training runs and clusters (comply --train, comply --fleet), not to parts"};
    }
    case verdict_clause::missing_tpp: return {"-", "no dense peak is known, so TPP cannot be computed"};
    case verdict_clause::missing_pd:
      return {"3A090.a.2/.b", "TPP " + n0(p.tpp) +
                                  " reaches the PD-based clauses but the die area is not published, so PD "
                                  "cannot be computed"};
    case verdict_clause::missing_io: return {"-", "interconnect bandwidth is not known"};
    case verdict_clause::missing_memory_bandwidth: return {"-", "memory bandwidth is not known"};
    case verdict_clause::threshold:
    case verdict_clause::none: break;
  }
  return {"-", ""};
}

verdict evaluate_on_part(const rule& r, const std::vector<rule>& all, const part_spec& part,
                         const part_compliance_inputs& p, int tier)
{
  if (r.kind == "us_named_parts_letter") {
    const bool named = std::find(r.named_parts.begin(), r.named_parts.end(), part.id) != r.named_parts.end();
    return named ? make_verdict(verdict_status::licence_required, verdict_clause::named_in_letter)
                 : make_verdict(verdict_status::not_applicable, verdict_clause::not_named_in_letter);
  }
  if (r.kind == "us_3a090_2022") {
    return classify_3a090_2022(p, params_2022(r));
  }
  if (r.kind == "us_3a090_2023") {
    return classify_3a090_2023(p, params_2023(r));
  }
  if (r.kind == "us_h20_licence_2025") {
    return classify_h20_letter(p, params_h20(r));
  }
  if (r.kind == "us_cbc_2026") {
    const auto base = classify_3a090_2023(p, params_2023(*base_rule(r, all)));
    return classify_cbc_2026(p, base, params_cbc(r));
  }
  if (r.kind == "us_hbm_2024") {
    return make_verdict(verdict_status::not_applicable, verdict_clause::co_packaged_hbm);
  }
  if (r.kind == "us_diffusion_2025") {
    return classify_diffusion_part(classify_3a090_2023(p, params_2023(*base_rule(r, all))), tier);
  }
  return make_verdict(verdict_status::not_applicable, verdict_clause::rule_not_for_parts);
}

bool is_3a090_rule(const rule& r)
{
  return r.kind == "us_3a090_2022" || r.kind == "us_3a090_2023";
}

std::string join_codes(const std::vector<std::string>& codes)
{
  std::string out;
  for (const auto& c : codes) {
    out += (out.empty() ? "" : "/") + c;
  }
  return out;
}

// A scope clause against the subject: 1 matches, 0 does not, -1 cannot be told (not given, or
// the location is not published).
int clause_match(const country_set& set, const std::string& code)
{
  if (code.empty() || code == unpublished_country) {
    return -1;
  }
  return set.contains(code) ? 1 : 0;
}

struct scope_check {
  int state = 1;        // 1 inside, 0 outside, -1 not checked (a clause could not be told)
  std::string reason;   // why outside, or what was not checked
};

// Inside when any clause the rule gives matches; outside when every clause it gives fails.
scope_check check_scope(const rule& r, const compliance_subject& s)
{
  const auto& dest = r.scope.destinations;
  const auto& hq = r.scope.owner_headquarters;
  scope_check out;
  if (!dest.given && !hq.given) {
    return out;
  }
  const int d = dest.given ? clause_match(dest, s.destination) : 0;
  const int h = hq.given ? clause_match(hq, s.owner_hq) : 0;
  if (d == 1 || h == 1) {
    return out;
  }
  std::string outside, open;
  auto describe = [&](bool given, int match, const std::string& code, const std::string& what,
                      const std::string& set_text) {
    if (!given) {
      return;
    }
    if (match == 0) {
      outside += (outside.empty() ? "" : "; ") + what + " " + code + " is not in " + set_text;
    } else if (code == unpublished_country) {
      open += (open.empty() ? "" : "; ") + what + " not published (ZZ); the rule covers " + set_text;
    } else {
      open += (open.empty() ? "" : "; ") + what + " not given; the rule covers " + set_text;
    }
  };
  describe(dest.given, d, s.destination, "destination", dest.text);
  describe(hq.given, h, s.owner_hq, "owner's headquarters", hq.text);
  if (open.empty()) {
    out.state = 0;
    out.reason = "outside the rule's scope: " + outside;
  } else {
    out.state = -1;
    out.reason = "scope not checked (" + open + (outside.empty() ? "" : "; " + outside) +
                 "): the verdict is the technical test alone";
  }
  return out;
}

int subject_tier(const rule& r, const compliance_subject& s)
{
  if (r.kind != "us_diffusion_2025" || s.destination.empty()) {
    return tier_not_given;
  }
  if (s.destination == unpublished_country) {
    return tier_unpublished;
  }
  return country_tier(r, s.destination, s.where.empty() ? "the destination" : s.where);
}

}  // namespace

bool origin_in_scope(const rule& r, const part_spec& part)
{
  const auto& o = r.scope.item_origin;
  return o.empty() || std::find(o.begin(), o.end(), part.vendor_country) != o.end();
}

bool owner_in_scope(const rule& r, const std::string& owner_hq)
{
  return !r.scope.owner_headquarters.given || r.scope.owner_headquarters.contains(owner_hq);
}

bool counts_against_diffusion_caps(const rule& diffusion, const std::vector<rule>& all, const part_spec& part,
                                   const part_metrics_range& metrics)
{
  if (!origin_in_scope(diffusion, part)) {
    return false;
  }
  const auto p = compliance_inputs(part, metrics, 1);
  return classify_3a090_2023(p, params_2023(*base_rule(diffusion, all))).status ==
         static_cast<int>(verdict_status::eccn_3a090_a);
}

part_compliance_inputs compliance_inputs(const part_spec& part, const part_metrics_range& metrics, int which)
{
  const part_metrics& m = which == 0 ? metrics.low : (which == 2 ? metrics.high : metrics.mid);
  part_compliance_inputs p{};
  p.tpp = m.tpp_format < 0 ? NAN : m.tpp;
  p.performance_density = m.performance_density;
  // A part with no scale-up link (scale_up empty and no bandwidth) has none to count; an
  // unknown link stays unknown.
  p.io_bidirectional_bytes_per_s = pick(part.scale_up_bandwidth_bytes_per_s, which);
  if (std::isnan(p.io_bidirectional_bytes_per_s) && part.scale_up.empty() &&
      part.host_interface.find("PCIe") != std::string::npos) {
    p.io_bidirectional_bytes_per_s = 0.0;
  }
  p.memory_bandwidth_bytes_per_s = pick(part.memory_bandwidth_bytes_per_s, which);
  p.data_center = part.data_center ? 1 : 0;
  return p;
}

std::vector<rule_verdict> comply_part(const part_spec& part, const part_metrics_range& metrics,
                                      const std::vector<rule>& all, const std::vector<const rule*>& selected,
                                      const date& today, const compliance_subject& subject)
{
  std::vector<rule_verdict> out;
  for (const rule* r : selected) {
    const int tier = subject_tier(*r, subject);
    verdict at[3];
    part_compliance_inputs inputs[3];
    for (int which = 0; which < 3; ++which) {
      inputs[which] = compliance_inputs(part, metrics, which);
      at[which] = evaluate_on_part(*r, all, part, inputs[which], tier);
    }
    const auto w = words_for(at[1], inputs[1], *r, all);
    rule_verdict v{r->id, static_cast<verdict_status>(at[1].status), w.clause, w.reason,
                   r->in_force_for(today, part.id)};
    // Origin is a property of the part, so it is checked whether or not a destination is given.
    // An item made abroad is reached by the EAR only as a foreign direct product, which turns on
    // where its tools and technology came from; fleetcap has no such data.
    if (!origin_in_scope(*r, part)) {
      const bool technical = at[1].status != static_cast<int>(verdict_status::not_applicable);
      v.status = r->scope.other_origin_undetermined ? verdict_status::undetermined : verdict_status::not_applicable;
      v.clause = "scope: item origin";
      v.reason = "not a " + join_codes(r->scope.item_origin) + "-origin item; FDP rule not evaluated (vendor country " +
                 part.vendor_country +
                 (technical ? "; by its figures alone: " + std::string(status_name(static_cast<verdict_status>(at[1].status))) +
                                  ", " + w.clause + ": " + w.reason
                            : "") +
                 ")";
      out.push_back(std::move(v));
      continue;
    }
    const auto scope = check_scope(*r, subject);
    if (scope.state == 0) {
      v.status = verdict_status::not_applicable;
      v.clause = "scope";
      v.reason = scope.reason;
      out.push_back(std::move(v));
      continue;
    }
    if (const auto* early = r->early_for(today, part.id)) {
      v.reason += "; applied to this part from " + early->from.str() + ", before the rule's " + r->in_force.str() +
                  " effective date (" + early->source.substr(0, early->source.find(':')) + ")";
    }
    if (is_3a090_rule(*r) && part.logic_die_count.value_or(1) > 1 &&
        at[1].status != static_cast<int>(verdict_status::undetermined)) {
      v.reason += "; TPP aggregated over " + std::to_string(*part.logic_die_count) +
                  " logic dies, PD over their summed non-planar area (HBM excluded)";
    }
    // Uncertain figures: say when the verdict changes within the published range.
    if (at[0].status != at[1].status || at[2].status != at[1].status) {
      v.reason += "; within the published ranges it would be " +
                  std::string(status_name(static_cast<verdict_status>(at[0].status))) + " at the low end and " +
                  status_name(static_cast<verdict_status>(at[2].status)) + " at the high end";
    }
    if (scope.state < 0 && v.status != verdict_status::not_applicable) {
      v.reason += "; " + scope.reason;
    }
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<rule_verdict> comply_training(double operations, bool biological_sequence_data,
                                          const std::vector<const rule*>& selected, const date& today)
{
  std::vector<rule_verdict> out;
  for (const rule* r : selected) {
    double line = NAN;
    std::string clause;
    bool strict = true;
    if (r->kind == "eu_ai_act_2024") {
      line = r->parameter("training_flop_above");
      clause = "Art. 51(2)";
    } else if (r->kind == "us_eo14110_2023") {
      line = biological_sequence_data ? r->parameter("bio_model_ops_above") : r->parameter("model_ops_above");
      clause = biological_sequence_data ? "Sec. 4.2(b)(i), biological sequence data" : "Sec. 4.2(b)(i)";
    } else if (r->kind == "us_diffusion_2025") {
      line = r->parameter("model_weights_ops_above");
      clause = "ECCN 4E091";
    } else {
      out.push_back({r->id, verdict_status::not_applicable, "-",
                     "applies to parts or fleets, not to training runs", r->in_force_on(today)});
      continue;
    }
    const auto v = compare_to_threshold(operations, line, strict);
    const bool above = v.status == static_cast<int>(verdict_status::above_threshold);
    out.push_back({r->id, static_cast<verdict_status>(v.status), clause,
                   sci(operations) + (above ? " > " : " <= ") + sci(line) + " operations", r->in_force_on(today)});
  }
  return out;
}

}  // namespace fleetcap
