// Sweep result documents (`sweep --shard K/N --out`) and their merge: what `fleetcap merge
// FILE...` does (cmd_sweep.cpp, run_merge), without writing anything.
//
// Input: one to eight documents separated by a line "@@@@" (one per shard file). Each goes
// through read_sweep_document from an in-memory file. A mutated document almost never keeps a
// matching content_digest, which would stop every input at that check; so when that check is
// the only complaint, the harness restamps "digest" and "content_digest" the way sweep does
// (FNV-1a of the dump) and reads the document again, to reach the scenario, the result parser
// and the merge.

#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <optional>

#include "fleetcap/sweep.hpp"
#include "fuzz_util.hpp"

namespace {

constexpr std::size_t max_documents = 8;
const std::string separator = "\n@@@@\n";

// The digest sweep.cpp stamps (64-bit FNV-1a as 16 hex digits), recomputed here because it
// is not part of the public interface.
std::string fnv1a(const std::string& text)
{
  std::uint64_t h = 1469598103934665603ull;
  for (const unsigned char c : text) {
    h = (h ^ c) * 1099511628211ull;
  }
  char buffer[20];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(h));
  return buffer;
}

std::vector<std::string> split_documents(const std::string& text)
{
  std::vector<std::string> docs;
  std::size_t start = 0;
  while (docs.size() + 1 < max_documents) {
    const auto at = text.find(separator, start);
    if (at == std::string::npos) {
      break;
    }
    docs.push_back(text.substr(start, at - start));
    start = at + separator.size();
  }
  docs.push_back(text.substr(start));
  return docs;
}

// read_sweep_document, restamping the digests once when they are all that is wrong.
nlohmann::json read_document(fleetcap::fuzz::memory_file& file, const std::string& text)
{
  const std::string& path = file.write(text);
  try {
    return fleetcap::read_sweep_document(path);
  } catch (const fleetcap::input_error& e) {
    // The whole prefix, not a search: other messages echo the (fuzzed) text.
    if (std::string(e.what()).rfind(path + ": /content_digest: does not match", 0) != 0) {
      throw;
    }
  }
  // The loader parsed this text already (no duplicate keys, at most 64 levels deep), so the
  // plain parser takes it too.
  auto j = nlohmann::json::parse(text);
  j["digest"] = fnv1a(j.at("scenario").dump());
  j.erase("content_digest");
  j["content_digest"] = fnv1a(j.dump());
  return fleetcap::read_sweep_document(file.write(j.dump()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace fleetcap;
  static std::array<fuzz::memory_file, max_documents> files;
  const auto& b = fuzz::catalogue();
  const auto docs = split_documents(fuzz::text_of(data, size));
  try {
    std::vector<sweep_result> results;
    std::vector<std::string> paths;
    std::optional<sweep_plan> plan;
    for (std::size_t i = 0; i < docs.size(); ++i) {
      const auto j = read_document(files[i], docs[i]);
      const std::string path = "shard" + std::to_string(i) + ".json";
      auto p = parse_scenario({path + ": /scenario", j.at("scenario").dump()}, *b.catalog, b.parts);
      if (!plan) {
        plan = p;
      }
      if (!(j.at("digest") == plan->digest && p.digest == plan->digest)) {
        return 0;  // merge refuses this with an input_error
      }
      results.push_back(sweep_result_from_json(j, path));
      paths.push_back(path);
    }
    const auto merged = merge_sweep_results(*plan, results, paths);
    (void)sweep_result_json(*plan, merged).dump();
  } catch (const input_error&) {
  }
  return 0;
}
