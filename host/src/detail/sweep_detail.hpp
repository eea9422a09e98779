#pragma once
// Helpers the sweep's files share (host/src/sweep*.cpp): not part of the public API.

#include <cstdint>
#include <string>

namespace fleetcap::detail {

// FNV-1a, 64 bits, as 16 hex digits: the scenario digest and a result's content digest.
std::string fnv1a(const std::string& text);

// Rows [first, end) of shard k of n: floor(total_rows x k / n) without overflowing 64 bits
// (rows may approach 2^63): split total_rows = q shards + r.
inline std::uint64_t shard_bound(std::uint64_t total_rows, std::uint64_t k, std::uint64_t shards)
{
  const std::uint64_t q = total_rows / shards, r = total_rows % shards;
  return q * k + r * k / shards;
}

}  // namespace fleetcap::detail
