#pragma once
// Helpers the sweep's files share (host/src/sweep*.cpp): not part of the public API.

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace fleetcap {
struct sweep_plan;
}

namespace fleetcap::detail {

// The samples of groups [first, end) of a plan (sweep_sample.cpp), each in the order drawn.
std::vector<std::vector<double>> draw_group_samples(const sweep_plan& plan, std::uint64_t first, std::uint64_t end);

// Sorts ascending, -0.0 before 0.0 (sort_doubles.cpp).
void sort_doubles(std::vector<double>& v);

// FNV-1a, 64 bits, as 16 hex digits: the scenario digest and a result's content digest.
std::string fnv1a(const std::string& text);

// Rows [first, end) of shard k of n: floor(total_rows x k / n) without overflowing 64 bits
// (rows may approach 2^63): split total_rows = q shards + r.
inline std::uint64_t shard_bound(std::uint64_t total_rows, std::uint64_t k, std::uint64_t shards)
{
  const std::uint64_t q = total_rows / shards, r = total_rows % shards;
  return q * k + r * k / shards;
}

// A shard index or count as typed: digits only, at most 18 (below 2^63). std::stoull would
// accept signs and spaces and wrap 2^64 to 2^64 - 1.
inline bool is_shard_number(const std::string& t)
{
  return !t.empty() && t.size() <= 18 && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// An echo for a one-line error: the first 40 characters, unprintable ones as '?'.
inline std::string printable_echo(const std::string& text)
{
  std::string shown;
  for (char c : text.substr(0, 40)) {
    shown += (c >= 32 && c < 127) ? c : '?';
  }
  return shown;
}

}  // namespace fleetcap::detail
