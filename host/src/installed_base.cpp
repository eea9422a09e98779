// Installed base on a date: deliveries spread over their year, less retirements after a
// service life.

#include "fleetcap/installed_base.hpp"

#include <algorithm>
#include <cmath>

#include "fleetcap/error.hpp"
#include "fleetcap/format.hpp"

namespace fleetcap {

namespace {

// Days from 1970-01-01 (Howard Hinnant's days_from_civil, proleptic Gregorian).
long long days_from_civil(int y, int m, int d)
{
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const long long yoe = y - era * 400;
  const long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Years (fractional) from the start of `year` to `d`: 0 on 1 Jan of `year`, 1 on 1 Jan of the next.
double years_since_start_of(int year, const date& d)
{
  const long long day = days_from_civil(d.year, d.month, d.day);
  const int whole = d.year - year;
  const long long start = days_from_civil(d.year, 1, 1), end = days_from_civil(d.year + 1, 1, 1);
  return whole + static_cast<double>(day - start) / static_cast<double>(end - start);
}

range scaled(const range& r, double f) { return {r.low * f, r.mid * f, r.high * f}; }

}  // namespace

std::vector<fleet> installed_base(const std::vector<fleet>& fleets, const date& as_of, double service_life_years,
                                  std::vector<std::string>& notes)
{
  FC_EXPECTS(std::isfinite(service_life_years) && service_life_years > 0,
             "--service-life: expected a positive number of years, got " + format_number(service_life_years, 3));
  std::vector<fleet> out;
  int earliest = 0;
  for (const auto& f : fleets) {
    fleet g = f;
    g.entries.clear();
    g.overlaps.clear();
    std::vector<long> new_index(f.entries.size(), -1);  // entries are renumbered
    for (std::size_t i = 0; i < f.entries.size(); ++i) {
      const auto& e = f.entries[i];
      if (e.status != fleet_status::delivered) {
        notes.push_back(f.id + " " + e.pointer + " (" + e.owner + ", " + std::to_string(e.year) + ", " +
                        fleet_status_name(e.status) + "): not installed, left out");
        continue;
      }
      earliest = earliest == 0 ? e.year : std::min(earliest, e.year);
      // Delivered evenly over year Y: the installed fraction rises from 0 on 1 Jan Y to 1 on
      // 1 Jan Y+1; retirements follow the same profile shifted by the service life.
      const double t = years_since_start_of(e.year, as_of);
      const double installed = std::clamp(t, 0.0, 1.0);
      const double retired = std::clamp(t - service_life_years, 0.0, 1.0);
      const double fraction = installed - retired;
      if (!(fraction > 0.0)) {
        notes.push_back(f.id + " " + e.pointer + " (" + e.owner + ", delivered " + std::to_string(e.year) + "): " +
                        (installed <= 0.0 ? "not yet delivered" : "retired") + " on " + as_of.str());
        continue;
      }
      fleet_entry kept = e;
      if (kept.has_count) {
        kept.count = scaled(kept.count, fraction);
      } else {
        kept.budget.amount = scaled(kept.budget.amount, fraction);
      }
      if (fraction < 1.0) {
        notes.push_back(f.id + " " + e.pointer + " (" + e.owner + ", delivered " + std::to_string(e.year) + "): " +
                        format_number(100.0 * fraction, 0) + "% in service on " + as_of.str() +
                        (retired > 0.0 ? " (after retirements)" : " (deliveries spread over the year)"));
      }
      new_index[i] = static_cast<long>(g.entries.size());
      g.entries.push_back(kept);
    }
    // An overlap still applies while the entry that includes the other file's holdings is in
    // service; once it is dropped, those holdings are counted once, in the other file.
    for (auto o : f.overlaps) {
      if (new_index[o.counted_in] >= 0) {
        o.counted_in = static_cast<std::size_t>(new_index[o.counted_in]);
        g.overlaps.push_back(o);
      }
    }
    if (!g.entries.empty()) {
      out.push_back(std::move(g));
    }
  }
  FC_EXPECTS(earliest == 0 || as_of.year >= earliest,
             "--as-of " + as_of.str() + ": before any delivery in the inventories (the earliest is in " +
                 std::to_string(earliest) + ")");
  FC_EXPECTS(earliest != 0, "--as-of " + as_of.str() + ": the inventories hold no delivered entries (only plans and "
                                                       "orders), so nothing is installed");
  return out;
}

}  // namespace fleetcap
