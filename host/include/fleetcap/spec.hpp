#pragma once
/// @file
/// @brief A part's spec sheet as loaded from `specs/<id>.json`, in SI units.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "kernels/part_figures.hpp"

namespace fleetcap {

/// @brief An uncertain figure: low <= mid <= high. A known exact figure has all three equal;
/// an unknown one has all three NaN.
struct range {
  double low;
  double mid;
  double high;

  static range unknown();
  static range exact(double value);
  bool known() const;
  bool exact_value() const { return low == high; }
};

/// @brief One accelerator part. Every number is SI: op/s, bytes, bytes/s, watts, m^2, USD.
struct part_spec {
  std::string id;
  std::string name;
  std::string vendor;
  std::string vendor_country;  ///< ISO 3166-1 alpha-2
  std::string architecture;    ///< empty when unknown
  std::optional<int> launch_year;
  bool data_center = true;  ///< designed or marketed for data centres (Note 2 to 3A090)

  std::array<range, format_count> dense_peak_ops_per_s;  ///< indexed by numeric_format

  range memory_bytes;
  std::string memory_type;
  range memory_bandwidth_bytes_per_s;
  std::string scale_up;                   ///< NVLink, HCCS, MLU-Link ...; empty when none
  range scale_up_bandwidth_bytes_per_s;   ///< bidirectional, all links together
  std::string host_interface;
  range tdp_watts;
  std::optional<int> logic_die_count;
  range logic_die_area_m2;                ///< all logic dies together, HBM excluded
  std::optional<bool> logic_die_non_planar;
  std::string process;
  range price_usd;

  std::string confidence;
  std::vector<std::string> notes;
  std::vector<std::string> sources;
  std::string origin;  ///< the file it came from, for messages

  /// @brief The kernel's view at one point of the ranges: 0 = low, 1 = mid, 2 = high.
  part_figures figures(int which = 1) const;
};

/// @brief Names of the numeric formats as used in JSON keys and tables ("fp64", "bf16"...).
const char* format_name(numeric_format format);

}  // namespace fleetcap
