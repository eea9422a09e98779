#pragma once
/// @file
/// @brief Number formatting shared by tables and reports.

#include <string>

#include "fleetcap/spec.hpp"

namespace fleetcap {

/// @brief `value` with `decimals` digits after the point and thousands separators
/// ("15,831.2"); "-" when NaN.
std::string format_number(double value, int decimals);

/// @brief A range scaled by 1/unit: "310-400" (or the single value when exact), "-" when
/// unknown.
std::string format_range(const range& r, double unit, int decimals);

}  // namespace fleetcap
