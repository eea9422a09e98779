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
