#pragma once
// Sweep evaluator "capacity": what-ifs over fleet mixes.

#include <array>

#include "kernels/capacity.cuh"
#include "kernels/fc_hd.cuh"
#include "kernels/sweep_evaluator.hpp"
#include "kernels/sweep_types.hpp"

namespace fleetcap {

struct capacity_evaluator {
  static constexpr const char* name = "capacity";
  // Inputs 0..part_count-1 are the units of each part of the scenario's "parts" list, zero by
  // default: the host names them after the parts.
  static constexpr std::array<sweep_input, 0> inputs = {};
  static constexpr std::array<const char*, 7> metrics = {
      {"units", "h100e", "bf16_flop_per_s", "tpp", "tdp_watts", "capex_usd", "domestic_share"}};

  // Metrics: 0 units, 1 H100e (8-bit basis, Epoch), 2 dense BF16 FLOP/s, 3 TPP, 4 TDP watts,
  // 5 capex USD, 6 domestic share of units.
  FC_HD static void evaluate(const sweep_config& c, const double* x, double* m)
  {
    double units = 0, h100e = 0, bf16 = 0, tpp = 0, watts = 0, capex = 0, domestic = 0;
    for (int p = 0; p < c.part_count; ++p) {
      const sweep_part& part = c.parts[p];
      const double n = x[p];
      units += n;
      h100e += n * h100e_per_unit(static_cast<int>(h100e_basis::int8), part.tpp, part.eight_bit_ops_per_s, part.peak_flop_per_s);
      bf16 += n * part.peak_flop_per_s;
      tpp += n * part.tpp;
      watts += n * part.tdp_watts;
      capex += n * part.price_usd;
      domestic += part.domestic ? n : 0.0;
    }
    m[0] = units;
    m[1] = h100e;
    m[2] = bf16;
    m[3] = tpp;
    m[4] = watts;
    m[5] = capex;
    m[6] = units > 0.0 ? domestic / units : 0.0;
  }
};

}  // namespace fleetcap
