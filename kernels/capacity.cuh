#pragma once
// Per-unit capacity figures shared by `fleet`, `report`, `comply --fleet` and the sweeps.

#include "kernels/fc_hd.cuh"

namespace fleetcap {

// Bases of H100-equivalents. The reference is the H100 SXM at its dense datasheet peaks.
enum class h100e_basis : int {
  tpp = 0,   // TPP / 15,831.2 (export-control basis; the diffusion figures use it)
  int8 = 1,  // dense 8-bit (FP8 or INT8) TOPS / 1,979 (Epoch AI's basis)
  bf16 = 2,  // dense BF16 TFLOP/s / 989.5
};

// H100-equivalent on the TPP basis: 15,831.2 = 1,978.9 dense 8-bit TOPS (the clock-derived
// peak) x 8. This is the divisor behind the published AI Diffusion conversions: 790,000,000
// TPP = 49,901 H100e and 26,900,000 TPP = 1,699 H100e (getcoai; broadberry); the rounded
// 15,832 would give 49,899. The difference from the catalogue's H100 (15,832, from the
// datasheet's 3,958 / 2) is 0.005 %.
inline constexpr double h100_sxm_tpp = 15831.2;
inline constexpr double h100_sxm_dense_8bit_ops_per_s = 1979e12;  // 3,958 sparse / 2 (datasheet)
inline constexpr double h100_sxm_dense_bf16_flop_per_s = 989.5e12;  // 1,979 sparse / 2 (datasheet)

// H100-equivalents of one unit. `tpp` is dimensionless; the peaks are in op/s. A figure the
// basis needs but the part lacks (0) gives 0: the part adds nothing on that basis.
FC_HD inline double h100e_per_unit(int basis, double tpp, double eight_bit_ops_per_s, double bf16_flop_per_s)
{
  switch (basis) {
    case static_cast<int>(h100e_basis::int8): return eight_bit_ops_per_s / h100_sxm_dense_8bit_ops_per_s;
    case static_cast<int>(h100e_basis::bf16): return bf16_flop_per_s / h100_sxm_dense_bf16_flop_per_s;
    default: return tpp / h100_sxm_tpp;
  }
}

// Facility power of one unit: TDP x PUE (PUE = facility power / IT power, The Green Grid 2007).
FC_HD inline double facility_watts_per_unit(double tdp_watts, double pue) { return tdp_watts * pue; }

}  // namespace fleetcap
