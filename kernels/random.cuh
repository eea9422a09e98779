#pragma once
// Counter-based random numbers: a draw is a pure function of (seed, stream, counter), so the
// CPU and the GPU, any thread count and any tiling draw the same numbers for the same sample.
// The mixer is SplitMix64's finaliser (Steele, Lea, Flood, "Fast splittable pseudorandom
// number generators", OOPSLA 2014), applied to a key built from the three inputs.

#include <cmath>
#include <cstdint>

#include "kernels/fc_hd.cuh"

namespace fleetcap {

FC_HD inline std::uint64_t splitmix64(std::uint64_t z)
{
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Uniform in (0, 1) with 53 random bits; never 0 or 1, so logs and inverses are safe.
FC_HD inline double uniform_open(std::uint64_t seed, std::uint64_t stream, std::uint64_t counter)
{
  const std::uint64_t key = splitmix64(seed ^ splitmix64(stream ^ splitmix64(counter)));
  return (static_cast<double>(key >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

// Triangular distribution on [low, high] with mode `mid`, by inverting its CDF.
FC_HD inline double triangular_from_uniform(double low, double mid, double high, double u)
{
  if (!(high > low)) {
    return mid;
  }
  const double split = (mid - low) / (high - low);
  if (u < split) {
    return low + sqrt(u * (high - low) * (mid - low));
  }
  return high - sqrt((1.0 - u) * (high - low) * (high - mid));
}

}  // namespace fleetcap

namespace fleetcap {

// Gamma(shape, 1) for shape >= 1 by Marsaglia and Tsang ("A simple method for generating gamma
// variables", ACM TOMS 26(3), 2000), with normals from Box-Muller. Each attempt draws from its
// own stream so a rejection never shifts another sample's numbers. 64 attempts fail with
// probability < 1e-80 (acceptance > 0.95 for shape >= 1); the last candidate is kept then.
FC_HD inline double gamma_from_stream(double shape, std::uint64_t seed, std::uint64_t stream, std::uint64_t counter)
{
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / sqrt(9.0 * d);
  double v = 1.0;
  for (std::uint64_t attempt = 0; attempt < 64; ++attempt) {
    const std::uint64_t s = splitmix64(stream + 0x51ED2701u * (attempt + 1));
    const double u1 = uniform_open(seed, s, 3 * counter);
    const double u2 = uniform_open(seed, s, 3 * counter + 1);
    const double u3 = uniform_open(seed, s, 3 * counter + 2);
    const double z = sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
    const double t = 1.0 + c * z;
    if (t <= 0.0) {
      continue;
    }
    v = t * t * t;
    if (log(u3) < 0.5 * z * z + d - d * v + d * log(v)) {
      return d * v;
    }
  }
  return d * v;
}

// PERT distribution on [low, high] with mode `mid`: low + (high - low) Beta(a, b) with
// a = 1 + 4 (mid - low) / (high - low), b = 1 + 4 (high - mid) / (high - low) (Vose, "Risk
// Analysis", 3rd ed., sec. 9.1). Beta from two gammas.
FC_HD inline double pert_from_stream(double low, double mid, double high, std::uint64_t seed, std::uint64_t stream,
                                     std::uint64_t counter)
{
  if (!(high > low)) {
    return mid;
  }
  const double a = 1.0 + 4.0 * (mid - low) / (high - low);
  const double b = 1.0 + 4.0 * (high - mid) / (high - low);
  const double x = gamma_from_stream(a, seed, splitmix64(stream ^ 0xA5A5A5A5ull), counter);
  const double y = gamma_from_stream(b, seed, splitmix64(stream ^ 0x5A5A5A5Aull), counter);
  return low + (high - low) * (x / (x + y));
}

}  // namespace fleetcap
