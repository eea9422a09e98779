#pragma once
/// @file
/// @brief Installed base on a date: what the inventories' deliveries leave in service.

#include <string>
#include <vector>

#include "fleetcap/fleet.hpp"
#include "fleetcap/rules.hpp"

namespace fleetcap {

/// @brief Default service life of an accelerator, years: the useful life the largest buyers
/// depreciate servers over. Microsoft, Form 10-Q Q2 FY2023: "increase the estimated useful
/// lives of both server and network equipment from four years to six years", effective
/// FY2023; Alphabet, 2022 Form 10-K: servers to six years from January 2023. Amazon (five years
/// for servers from 2022) and Meta (five years from Q4 2022) use less (quoted together at
/// https://shaulkoral.com/useful-life-of-servers-and-network-assets-at-tech-companies/); pass
/// --service-life to change it.
inline constexpr double default_service_life_years = 6.0;

/// @brief The inventories as installed on `as_of`. A `delivered` entry of year Y is taken as
/// delivered evenly over calendar year Y (its figure is a calendar-year total) and each unit
/// retires `service_life_years` after its delivery, so the entry keeps the fraction
/// installed(as_of) - retired(as_of) of its count or budget. Planned and ordered entries are
/// not installed: they are dropped, and `notes` says which.
/// @throws input_error when `as_of` is before every delivery in `fleets`, or the life is not positive.
std::vector<fleet> installed_base(const std::vector<fleet>& fleets, const date& as_of, double service_life_years,
                                  std::vector<std::string>& notes);

}  // namespace fleetcap
