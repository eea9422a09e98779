#include "fleetcap/spec.hpp"

#include <cmath>
#include <limits>

namespace fleetcap {

range range::unknown()
{
  const double nan = std::numeric_limits<double>::quiet_NaN();
  return range{nan, nan, nan};
}

range range::exact(double value) { return range{value, value, value}; }

bool range::known() const { return !std::isnan(mid); }

namespace {

double pick(const range& r, int which)
{
  if (!r.known()) {
    return 0.0;  // the kernels read 0 as "no figure"
  }
  return which == 0 ? r.low : (which == 2 ? r.high : r.mid);
}

}  // namespace

part_figures part_spec::figures(int which) const
{
  part_figures f{};
  for (int i = 0; i < format_count; ++i) {
    f.dense_peak_ops_per_s[i] = pick(dense_peak_ops_per_s[static_cast<std::size_t>(i)], which);
  }
  // Only logic dies on a non-planar process count towards the applicable area (technical
  // note 4 to 3A090); a part whose process is planar or unknown has no applicable area here.
  const bool non_planar = logic_die_non_planar.value_or(false);
  // The area's low end gives the high PD and vice versa, so the range stays a range.
  f.applicable_die_area_m2 = non_planar ? pick(logic_die_area_m2, 2 - which) : 0.0;
  return f;
}

const char* format_name(numeric_format format)
{
  switch (format) {
    case numeric_format::fp64: return "fp64";
    case numeric_format::fp64_tensor: return "fp64_tensor";
    case numeric_format::fp32: return "fp32";
    case numeric_format::tf32: return "tf32";
    case numeric_format::bf16: return "bf16";
    case numeric_format::fp16: return "fp16";
    case numeric_format::fp8: return "fp8";
    case numeric_format::int8: return "int8";
    case numeric_format::fp4: return "fp4";
    case numeric_format::int4: return "int4";
    case numeric_format::int16: return "int16";
  }
  return "?";
}

}  // namespace fleetcap
