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

namespace fleetcap {

/// @brief Compact form with an SI-style suffix: 1,234 -> "1.23k", 4.5e6 -> "4.50M", 3e9 ->
/// "3.00G" (three significant digits); "-" when NaN.
std::string format_compact(double value);

/// @brief "mid [low-high]" in compact form, or just "mid" when exact.
std::string format_compact_range(const range& r, double unit = 1.0);

}  // namespace fleetcap
