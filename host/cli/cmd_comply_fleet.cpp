// `fleetcap comply --fleet FILE`: each rule's view of an inventory, per owner: controlled vs
// uncontrolled compute under the export rules, totals against the diffusion caps, the
// domestic-supplier share against its line, and clusters against EO 14110's 1e20 op/s.

#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "app.hpp"
#include "capacity_output.hpp"
#include "fleetcap/capacity.hpp"
#include "fleetcap/compliance.hpp"
#include "fleetcap/error.hpp"
#include "fleetcap/format.hpp"
#include "kernels/capacity.cuh"
#include "kernels/compliance.cuh"
#include "output.hpp"

namespace fleetcap::cli {

namespace {

// Highest dense op/s over all formats: the "theoretical maximum computing capacity" of
// EO 14110 sec. 4.2(b)(ii) counts integer or floating-point operations alike.
double peak_ops_per_s(const part_spec& p, int which)
{
  double best = 0.0;
  for (const auto& r : p.dense_peak_ops_per_s) {
    if (r.known()) {
      best = std::max(best, which == 0 ? r.low : (which == 2 ? r.high : r.mid));
    }
  }
  return best;
}

struct owner_totals {
  // Sums over the owner's holdings, each entry's mix taken as one composition (capacity.hpp).
  summed units;
  summed tpp;
  summed domestic_units;
  summed in_country_units;  ///< located in the domestic-share rule's country
  summed in_country_tpp;
  summed domestic_tpp;
  summed peak_ops_per_s;
  std::string country;
  std::vector<holding> holdings;
  std::map<std::string, std::set<int>> years_by_status;  // to say where plans meet deliveries
  // Per export rule: status -> (units, tpp) at the mid.
  std::map<std::string, std::map<std::string, std::pair<double, double>>> by_rule_status;
};

range peak_range(const part_spec& p)
{
  const double mid = peak_ops_per_s(p, 1);
  return mid > 0.0 ? range{peak_ops_per_s(p, 0), mid, peak_ops_per_s(p, 2)} : range::unknown();
}

range tpp_range(const part_metrics_range& m)
{
  return m.mid.tpp_format < 0 ? range::unknown() : range{m.low.tpp, m.mid.tpp, m.high.tpp};
}

// A share of two mids, or "unknown" (never NaN or null).
nlohmann::json share_json(double part, double whole)
{
  return whole > 0 ? nlohmann::json(part / whole) : json_unknown();
}

bool is_export_rule(const rule& r)
{
  return r.kind == "us_3a090_2022" || r.kind == "us_3a090_2023" || r.kind == "us_h20_licence_2025" ||
         r.kind == "us_cbc_2026" || r.kind == "us_diffusion_2025";
}

bool counts_as_controlled(verdict_status s)
{
  return s == verdict_status::eccn_3a090_a || s == verdict_status::eccn_3a090_b ||
         s == verdict_status::licence_required || s == verdict_status::case_by_case;
}

verdict_status status_from_name(const std::string& name)
{
  for (int s = 0; s <= static_cast<int>(verdict_status::undetermined); ++s) {
    if (name == status_name(static_cast<verdict_status>(s))) {
      return static_cast<verdict_status>(s);
    }
  }
  return verdict_status::undetermined;
}

const fleet& fleets_by_id(const std::vector<fleet>& fleets, const std::string& id)
{
  for (const auto& f : fleets) {
    if (f.id == id) {
      return f;
    }
  }
  throw error("holding of unknown fleet \"" + id + "\"");
}

std::string join_ids(const std::vector<std::string>& ids)
{
  std::string out;
  for (const auto& id : ids) {
    out += (out.empty() ? "" : ", ") + id;
  }
  return out;
}

std::string share_text(double part, double whole)
{
  return whole > 0 ? format_number(100.0 * part / whole, 1) + "%" : "-";
}

}  // namespace

void run_comply_fleet(context& ctx, const std::vector<std::string>& files, const std::vector<rule>& rules,
                      const std::vector<const rule*>& selected, const date& today)
{
  std::vector<fleet> fleets;
  for (const auto& f : files) {
    fleets.push_back(ctx.fleet_from(f));
  }
  const auto& parts = ctx.parts();
  const auto metrics = evaluate_parts(ctx.backend(), parts);
  const auto holdings = resolve_holdings(fleets, parts, overlap_policy{});

  // Each holding's verdict under each selected rule: the part's figures, and the scope by where
  // the chips are (location) and who owns them (country, the owner's headquarters). Computed
  // once per (part, location, headquarters).
  std::map<std::tuple<std::size_t, std::string, std::string>, std::vector<rule_verdict>> verdict_cache;
  std::vector<const std::vector<rule_verdict>*> holding_verdicts;
  for (const auto& h : holdings) {
    const auto key = std::make_tuple(h.part_index, h.location, h.country);
    auto it = verdict_cache.find(key);
    if (it == verdict_cache.end()) {
      const auto& f = fleets_by_id(fleets, h.fleet);
      const compliance_subject subject{h.location, h.country,
                                       f.origin + ": " + f.entries[h.entry].pointer + "/location"};
      it = verdict_cache.emplace(key, comply_part(parts[h.part_index], metrics[h.part_index], rules, selected, today, subject))
               .first;
    }
    holding_verdicts.push_back(&it->second);
  }

  std::map<std::string, owner_totals> owners;
  for (std::size_t i = 0; i < holdings.size(); ++i) {
    const auto& h = holdings[i];
    auto& o = owners[h.owner];
    o.country = h.country;
    o.holdings.push_back(h);
    o.years_by_status[fleet_status_name(h.status)].insert(h.year);
    const auto& m = metrics[h.part_index];
    auto tpp_at = [&](const part_metrics& x) { return x.tpp_format < 0 ? 0.0 : x.tpp; };
    for (std::size_t k = 0; k < selected.size(); ++k) {
      if (is_export_rule(*selected[k])) {
        auto& cell = o.by_rule_status[selected[k]->id][status_name((*holding_verdicts[i])[k].status)];
        cell.first += h.units.mid;
        cell.second += h.units.mid * tpp_at(m.mid);
      }
    }
  }
  const rule* domestic_rule = nullptr;
  for (const rule* r : selected) {
    if (r->kind == "cn_domestic_share_2025") {
      domestic_rule = r;
    }
  }
  std::vector<std::string> mixed_statuses;
  for (auto& [owner, o] : owners) {
    const auto& hs = o.holdings;
    o.units = sum_per_unit(hs, parts, [](const holding&) { return range::exact(1.0); });
    o.tpp = sum_per_unit(hs, parts, [&](const holding& h) { return tpp_range(metrics[h.part_index]); });
    o.peak_ops_per_s = sum_per_unit(hs, parts, [&](const holding& h) { return peak_range(parts[h.part_index]); });
    if (domestic_rule != nullptr) {
      auto is_domestic = [&](const holding& h) { return parts[h.part_index].vendor_country == domestic_rule->domestic_country; };
      // The guidance concerns chips bought for use in the country: holdings located elsewhere
      // (ByteDance's overseas budget) are outside both sides of the share.
      std::vector<holding> in_country;
      for (const auto& h : hs) {
        if (h.location == domestic_rule->domestic_country) {
          in_country.push_back(h);
        }
      }
      o.in_country_units = sum_per_unit(in_country, parts, [](const holding&) { return range::exact(1.0); });
      o.in_country_tpp = sum_per_unit(in_country, parts, [&](const holding& h) { return tpp_range(metrics[h.part_index]); });
      o.domestic_units =
          sum_per_unit(in_country, parts, [&](const holding& h) { return range::exact(is_domestic(h) ? 1.0 : 0.0); });
      o.domestic_tpp = sum_per_unit(in_country, parts, [&](const holding& h) {
        return is_domestic(h) ? tpp_range(metrics[h.part_index]) : range::exact(0.0);
      });
    }
    if (o.years_by_status.size() > 1) {
      std::string text;
      for (const auto& [status, years] : o.years_by_status) {
        std::string y;
        for (int x : years) {
          y += (y.empty() ? "" : ", ") + std::to_string(x);
        }
        text += (text.empty() ? "" : " and ") + status + " (" + y + ")";
      }
      mixed_statuses.push_back(owner + ": sums " + text + " figures");
    }
  }

  nlohmann::json j = {{"fleets", nlohmann::json::array()}, {"rules", nlohmann::json::array()}};
  for (const auto& f : fleets) {
    j["fleets"].push_back({{"id", f.id}, {"file", f.origin}});
  }
  auto& out = ctx.out();
  const bool json = ctx.options().json;
  if (!json) {
    out << "Compliance view of ";
    for (std::size_t i = 0; i < fleets.size(); ++i) {
      out << (i ? ", " : "") << fleets[i].id;
    }
    out << " (" << holdings.size() << " holdings, " << owners.size() << " owners; mid values unless a range is shown)\n";
    if (!mixed_statuses.empty()) {
      out << "Plans and deliveries added together (one file per status, or `fleet --by status`, separates them):\n";
      for (const auto& m : mixed_statuses) {
        out << "  " << m << "\n";
      }
    }
  }
  j["plans_and_deliveries_added"] = mixed_statuses;
  add_what_if(j, rules);
  if (!json) {
    out << what_if_text(rules);
  }

  for (std::size_t k = 0; k < selected.size(); ++k) {
    const rule& r = *selected[k];
    nlohmann::json jr = {{"rule", r.id}, {"kind", r.kind}, {"in_force", r.in_force_on(today)}, {"owners", nlohmann::json::array()}};
    std::string heading = rule_label(r) + " (" + r.name + ")" + (r.in_force_on(today) ? "" : " [not in force]");
    if (is_export_rule(r)) {
      text_table t({"owner", "controlled units", "controlled TPP share", "uncontrolled units", "undetermined units",
                    "not applicable units", "statuses"},
                   {false, true, true, true, true, true, false});
      for (const auto& [owner, o] : owners) {
        double cu = 0, ct = 0, nu = 0, uu = 0, na = 0, total_tpp = 0;
        std::string statuses;
        nlohmann::json js = nlohmann::json::object();
        for (const auto& [status, v] : o.by_rule_status.at(r.id)) {
          total_tpp += v.second;
          statuses += (statuses.empty() ? "" : ", ") + status + " " + format_compact(v.first);
          js[status] = {{"units", v.first}, {"tpp", v.second}, {"h100e_tpp_basis", v.second / h100_sxm_tpp}};
          // Outside the rule's scope (origin, destination, headquarters, tier 1) is neither
          // controlled nor uncontrolled: the rule does not speak to it.
          if (status == "undetermined") {
            uu += v.first;
          } else if (status == "not_applicable") {
            na += v.first;
          } else if (counts_as_controlled(status_from_name(status))) {
            cu += v.first;
            ct += v.second;
          } else {
            nu += v.first;
          }
        }
        t.add_row({owner, format_compact(cu), share_text(ct, total_tpp), format_compact(nu), format_compact(uu),
                   format_compact(na), statuses});
        jr["owners"].push_back({{"owner", owner}, {"by_status", js}, {"controlled_units", cu}, {"controlled_tpp", ct},
                                {"uncontrolled_units", nu}, {"undetermined_units", uu}, {"not_applicable_units", na}});
      }
      if (!json) {
        out << "\n" << heading << "\n";
        t.print(out);
      }
      if (r.kind == "us_diffusion_2025") {
        // The caps are per Tier 2 country of destination, so holdings are summed by where the
        // chips are installed, and only US-origin 3A090.a items count (the rule's worldwide
        // licence requirement covers 3A090.a; its based_on classifies them).
        std::map<std::string, std::vector<holding>> at_location;
        std::map<std::string, int> tiers;
        for (const auto& h : holdings) {
          const auto& f = fleets_by_id(fleets, h.fleet);
          at_location[h.location].push_back(h);
          tiers[h.location] = h.location == unpublished_country
                                  ? tier_unpublished
                                  : country_tier(r, h.location, f.origin + ": " + f.entries[h.entry].pointer + "/location");
        }
        std::map<std::string, range> by_country;
        for (const auto& [location, hs] : at_location) {
          // Counted parts carry their TPP (a 3A090.a part always has one); the rest add 0.
          by_country[location] = sum_per_unit(hs, parts, [&](const holding& h) {
                                   const auto& part = parts[h.part_index];
                                   const auto& m = metrics[h.part_index];
                                   return counts_against_diffusion_caps(r, rules, part, m) ? tpp_range(m) : range::exact(0.0);
                                 }).value;
        }
        const double cap = r.parameter("tier2_country_cap_tpp");
        const double cap_g2g = r.parameter("tier2_country_cap_g2g_tpp");
        text_table t2({"location", "tier", "US-origin 3A090.a TPP", "H100e (TPP basis)",
                       "vs cap " + format_compact(cap) + " TPP (" + format_number(cap / h100_sxm_tpp, 0) + " H100e)"},
                      {false, false, true, true, false});
        jr["countries"] = nlohmann::json::array();
        for (const auto& [country, tpp] : by_country) {
          const int tier = tiers.at(country);
          const auto v = classify_diffusion_country(tier, tpp.mid, cap);
          const auto status = static_cast<verdict_status>(v.status);
          std::string why;
          switch (static_cast<verdict_clause>(v.clause)) {
            case verdict_clause::tier1_no_cap: why = "Tier 1 country: no cap"; break;
            case verdict_clause::tier3_presumption_of_denial: why = "Tier 3: presumption of denial, no allocation"; break;
            case verdict_clause::tier_unknown: why = "location not published (ZZ): tier unknown"; break;
            default:
              why = share_text(tpp.mid, cap) + " of the cap, " + share_text(tpp.mid, cap_g2g) + " of the doubled cap";
          }
          t2.add_row({country, tier > 0 ? std::to_string(tier) : "?", format_compact_range(tpp),
                      format_compact_range({tpp.low / h100_sxm_tpp, tpp.mid / h100_sxm_tpp, tpp.high / h100_sxm_tpp}),
                      std::string(status_name(status)) + " (" + why + ")"});
          jr["countries"].push_back({{"country", country}, {"tier", tier > 0 ? nlohmann::json(tier) : nlohmann::json("unknown")},
                                     {"tpp", {{"low", tpp.low}, {"mid", tpp.mid}, {"high", tpp.high}}},
                                     {"h100e", tpp.mid / h100_sxm_tpp}, {"status", status_name(status)}, {"reason", why},
                                     {"cap_tpp", cap}, {"cap_h100e", cap / h100_sxm_tpp}});
        }
        if (!json) {
          t2.print(out);
          out << "By location (where the chips are installed); the caps bind Tier 2 destinations only. Tiers from the "
                 "rule's country_tiers table.\n";
        }
      }
    } else if (r.kind == "cn_domestic_share_2025") {
      const double line = r.parameter("domestic_share_min");
      text_table t({"owner", "domestic units", "domestic share (units)", "domestic share (TPP)", "status"},
                   {false, true, true, true, false});
      for (const auto& [owner, o] : owners) {
        if (!owner_in_scope(r, o.country) || !o.in_country_units.any_known) {
          continue;
        }
        const double share = o.in_country_units.value.mid > 0 ? o.domestic_units.value.mid / o.in_country_units.value.mid : NAN;
        const auto v = compare_to_threshold(share, line, false);
        t.add_row({owner, summed_cell(o.domestic_units), share_text(o.domestic_units.value.mid, o.in_country_units.value.mid),
                   o.in_country_tpp.incomplete ? std::string("unknown (") + join_ids(o.in_country_tpp.missing_parts) + " lack TPP)"
                                    : share_text(o.domestic_tpp.value.mid, o.in_country_tpp.value.mid),
                   status_name(static_cast<verdict_status>(v.status))});
        jr["owners"].push_back({{"owner", owner}, {"domestic_share_units", share_json(o.domestic_units.value.mid, o.in_country_units.value.mid)},
                                {"domestic_share_tpp", o.in_country_tpp.incomplete ? json_unknown()
                                                                        : share_json(o.domestic_tpp.value.mid, o.in_country_tpp.value.mid)},
                                {"status", status_name(static_cast<verdict_status>(v.status))}, {"line", line}});
      }
      if (!json) {
        out << "\n" << heading << ": at least " << format_number(100 * line, 0) << "% of chips from "
            << r.domestic_country << " suppliers (share of units, mid; holdings located in " << r.domestic_country << ")\n";
        t.print(out);
      }
    } else if (r.kind == "us_eo14110_2023") {
      const double line = r.parameter("cluster_ops_per_s_min");
      text_table t({"owner", "peak op/s (all parts)", "status if co-located"}, {false, true, false});
      for (const auto& [owner, o] : owners) {
        const auto v = compare_to_threshold(o.peak_ops_per_s.value.mid, line, false);
        t.add_row({owner, summed_cell(o.peak_ops_per_s), status_name(static_cast<verdict_status>(v.status))});
        jr["owners"].push_back({{"owner", owner},
                                {"peak_ops_per_s", summed_json(o.peak_ops_per_s)},
                                {"status_if_co_located", status_name(static_cast<verdict_status>(v.status))}});
      }
      if (!json) {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%.0e", line);
        out << "\n" << heading << ": a cluster of " << buffer
            << " op/s or more, co-located and networked at over 100 Gbit/s (an owner's whole fleet, as an upper "
               "bound for any one site)\n";
        t.print(out);
      }
    } else {
      jr["note"] = "applies to parts or training runs, not to fleets";
    }
    j["rules"].push_back(jr);
  }
  if (json) {
    out << json_text(j);
  }
}

}  // namespace fleetcap::cli
