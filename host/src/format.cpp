#include "fleetcap/format.hpp"

#include <cmath>
#include <cstdio>

namespace fleetcap {

std::string format_number(double value, int decimals)
{
  if (std::isnan(value)) {
    return "-";
  }
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, std::fabs(value));
  std::string digits = buffer;
  const auto point = digits.find('.');
  std::string whole = digits.substr(0, point);
  const std::string fraction = point == std::string::npos ? "" : digits.substr(point);
  for (int i = static_cast<int>(whole.size()) - 3; i > 0; i -= 3) {
    whole.insert(static_cast<std::size_t>(i), ",");
  }
  return (value < 0 && std::stod(buffer) != 0.0 ? "-" : "") + whole + fraction;
}

std::string format_range(const range& r, double unit, int decimals)
{
  if (!r.known()) {
    return "-";
  }
  if (r.exact_value()) {
    return format_number(r.mid / unit, decimals);
  }
  return format_number(r.low / unit, decimals) + "-" + format_number(r.high / unit, decimals);
}

}  // namespace fleetcap

namespace fleetcap {

std::string format_compact(double value)
{
  if (std::isnan(value)) {
    return "-";
  }
  const double a = std::fabs(value);
  const char* suffix = "";
  double scaled = value;
  if (a >= 1e15) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.2e", value);
    return buffer;
  }
  if (a >= 1e12) {
    scaled = value / 1e12;
    suffix = "T";
  } else if (a >= 1e9) {
    scaled = value / 1e9;
    suffix = "G";
  } else if (a >= 1e6) {
    scaled = value / 1e6;
    suffix = "M";
  } else if (a >= 1e4) {
    scaled = value / 1e3;
    suffix = "k";
  }
  const double s = std::fabs(scaled);
  const int decimals = s >= 100 ? 0 : (s >= 10 ? 1 : 2);
  return format_number(scaled, decimals) + suffix;
}

std::string format_compact_range(const range& r, double unit)
{
  if (!r.known()) {
    return "-";
  }
  if (r.exact_value()) {
    return format_compact(r.mid / unit);
  }
  return format_compact(r.mid / unit) + " [" + format_compact(r.low / unit) + "-" + format_compact(r.high / unit) + "]";
}

}  // namespace fleetcap
