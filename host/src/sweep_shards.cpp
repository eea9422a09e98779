// Sweep shards: --shard K/N, reading a result document back, checking a shard against its
// scenario, and merging shards into what one unsharded run returns.

#include "fleetcap/sweep.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "detail/json_fields.hpp"
#include "detail/sweep_detail.hpp"
#include "fleetcap/error.hpp"
#include "kernels/sweep.cuh"

namespace fleetcap {

namespace detail {

std::string fnv1a(const std::string& text)
{
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h = (h ^ c) * 1099511628211ull;
  }
  char buffer[20];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(h));
  return buffer;
}

}  // namespace detail

std::pair<std::uint64_t, std::uint64_t> parse_shard(const std::string& text)
{
  const std::string shown = detail::printable_echo(text);
  const auto slash = text.find('/');
  const bool ok = slash != std::string::npos && detail::is_shard_number(text.substr(0, slash)) &&
                  detail::is_shard_number(text.substr(slash + 1));
  const std::uint64_t k = ok ? std::stoull(text.substr(0, slash)) : 0;
  const std::uint64_t n = ok ? std::stoull(text.substr(slash + 1)) : 0;
  FC_EXPECTS(ok && n >= 1 && k < n, "--shard: expected K/N with 0 <= K < N (at most 18 digits each), got \"" + shown + "\"");
  return {k, n};
}

nlohmann::json read_sweep_document(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  FC_EXPECTS(in.good(), path + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  auto j = detail::parse_json(path, text.str());
  FC_EXPECTS(j.is_object() && j.contains("scenario") && j.contains("digest") && j.contains("content_digest"),
             path + ": not a fleetcap sweep result (no scenario, digest or content_digest)");
  const auto stated = j.at("content_digest");
  nlohmann::json body = j;
  body.erase("content_digest");
  FC_EXPECTS(stated.is_string() && stated.get<std::string>() == detail::fnv1a(body.dump()),
             path + ": /content_digest: does not match the document (the file was edited after it was written)");
  return j;
}

namespace {

// Shard fields read with their JSON pointer. A count must be a JSON unsigned integer: nlohmann's
// get<uint64_t>() would cast a float such as 1e300 or -1.5, which is undefined behaviour
// (found by fuzz_shard, issue 12).
class shard_reader {
 public:
  explicit shard_reader(const std::string& file) : m_file(file) {}

  const nlohmann::json& at(const nlohmann::json& j, const char* key, const std::string& pointer) const
  {
    FC_EXPECTS(j.is_object() && j.contains(key),
               m_file + ": " + pointer + "/" + key + ": missing (not a fleetcap sweep result)");
    return j.at(key);
  }
  std::uint64_t count(const nlohmann::json& v, const std::string& pointer) const
  {
    FC_EXPECTS(v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0),
               m_file + ": " + pointer + ": expected a whole number >= 0, got " + detail::describe_json(v));
    return v.get<std::uint64_t>();
  }
  std::uint64_t count(const nlohmann::json& j, const char* key, const std::string& pointer) const
  {
    return count(at(j, key, pointer), pointer + "/" + key);
  }
  double number(const nlohmann::json& j, const char* key, const std::string& pointer) const
  {
    const auto& v = at(j, key, pointer);
    FC_EXPECTS(v.is_number(), m_file + ": " + pointer + "/" + key + ": expected a number, got " + detail::describe_json(v));
    return v.get<double>();
  }
  // An array of at most `max` finite numbers, ascending and distinct.
  std::vector<double> numbers(const nlohmann::json& j, const char* key, const std::string& pointer, int max) const
  {
    const auto& v = at(j, key, pointer);
    const std::string where = pointer + "/" + key;
    FC_EXPECTS(v.is_array() && v.size() <= static_cast<std::size_t>(max),
               m_file + ": " + where + ": expected an array of at most " + std::to_string(max) + " numbers");
    std::vector<double> out;
    for (std::size_t i = 0; i < v.size(); ++i) {
      FC_EXPECTS(v[i].is_number() && std::isfinite(v[i].get<double>()) && (out.empty() || v[i].get<double>() > out.back()),
                 m_file + ": " + where + "/" + std::to_string(i) + ": expected a finite number above the one before, got " +
                     detail::describe_json(v[i]));
      out.push_back(v[i].get<double>());
    }
    return out;
  }
  void counts(const nlohmann::json& j, const char* key, const std::string& pointer, std::uint64_t* out, int n) const
  {
    const auto& v = at(j, key, pointer);
    FC_EXPECTS(v.is_array() && v.size() == static_cast<std::size_t>(n),
               m_file + ": " + pointer + "/" + key + ": expected an array of " + std::to_string(n) + " counts");
    for (int i = 0; i < n; ++i) {
      out[i] = count(v[static_cast<std::size_t>(i)], pointer + "/" + key + "/" + std::to_string(i));
    }
  }

 private:
  const std::string& m_file;
};

}  // namespace

sweep_result sweep_result_from_json(const nlohmann::json& j, const std::string& file)
{
  const shard_reader in(file);
  sweep_result r;
  const auto& shard = in.at(j, "shard", "");
  r.shard = in.count(shard, "index", "/shard");
  r.shards = in.count(shard, "count", "/shard");
  r.first_row = in.count(shard, "first_row", "/shard");
  r.end_row = in.count(shard, "end_row", "/shard");
  const auto& groups = in.at(j, "groups", "");
  FC_EXPECTS(groups.is_array(), file + ": /groups: expected an array");
  for (std::size_t i = 0; i < groups.size(); ++i) {
    const std::string at = "/groups/" + std::to_string(i);
    const auto& g = groups[i];
    sweep_group_result gr;
    gr.group = in.count(g, "group", at);
    const auto& a = in.at(g, "accumulator", at);
    const std::string acc_at = at + "/accumulator";
    auto& acc = gr.accumulator;
    acc.points = in.count(a, "points", acc_at);
    acc.valid = in.count(a, "valid", acc_at);
    acc.best = in.number(a, "best", acc_at);
    acc.best_index = in.count(a, "best_index", acc_at);
    acc.worst = in.number(a, "worst", acc_at);
    acc.worst_index = in.count(a, "worst_index", acc_at);
    acc.sum = in.number(a, "sum", acc_at);
    in.counts(a, "predicate", acc_at, acc.predicate, sweep_max_predicates);
    in.counts(a, "histogram", acc_at, acc.histogram, sweep_max_bins);
    acc.histogram_below = in.count(a, "histogram_below", acc_at);
    acc.histogram_above = in.count(a, "histogram_above", acc_at);
    acc.histogram_min = in.number(a, "histogram_min", acc_at);
    acc.histogram_max = in.number(a, "histogram_max", acc_at);
    gr.bins.histogram_low = in.number(a, "histogram_from", acc_at);
    gr.bins.histogram_high = in.number(a, "histogram_to", acc_at);
    gr.bins.quantile_edges = in.numbers(a, "quantile_edges", acc_at, sweep_max_quantile_edges);
    in.counts(a, "quantile_bins", acc_at, acc.quantile_bins, static_cast<int>(gr.bins.quantile_edges.size()) + 1);
    acc.nonfinite = 0;  // a shard is written only when every point was finite
    acc.nonfinite_index = ~std::uint64_t{0};
    acc.nonfinite_metric = -1;
    r.groups.push_back(gr);
  }
  return r;
}

namespace {

// What a shard must hold, recomputed from the scenario: its row range, the groups that range
// touches (in order) and each group's point count; and every accumulator's invariants.
void verify_shard(const sweep_plan& plan, const sweep_result& part, const std::string& file)
{
  const std::uint64_t row_size = plan.axes.back().values.size();
  const std::uint64_t total_rows = plan.total_points / row_size;
  const std::uint64_t first = detail::shard_bound(total_rows, part.shard, part.shards);
  const std::uint64_t end = detail::shard_bound(total_rows, part.shard + 1, part.shards);
  const std::string where = file + ": shard " + std::to_string(part.shard) + "/" + std::to_string(part.shards);
  FC_EXPECTS(part.first_row == first && part.end_row == end,
             where + ": /shard: rows " + std::to_string(part.first_row) + "-" + std::to_string(part.end_row) +
                 " are not that shard's rows " + std::to_string(first) + "-" + std::to_string(end));
  std::uint64_t row = first;
  std::size_t i = 0;
  while (row < end) {
    const std::uint64_t group = row / plan.rows_per_group;
    const std::uint64_t group_end = std::min(end, (group + 1) * plan.rows_per_group);
    const std::string at = where + ": /groups/" + std::to_string(i);
    FC_EXPECTS(i < part.groups.size(), where + ": /groups: group " + std::to_string(group) + " is missing");
    const auto& g = part.groups[i];
    FC_EXPECTS(g.group == group, at + "/group: " + std::to_string(g.group) + ", expected " + std::to_string(group));
    const auto& a = g.accumulator;
    const std::uint64_t points = (group_end - row) * row_size;
    FC_EXPECTS(a.points == points, at + "/accumulator/points: " + std::to_string(a.points) + ", but its rows hold " +
                                       std::to_string(points));
    FC_EXPECTS(a.valid <= a.points, at + "/accumulator/valid: more valid points than points");
    std::uint64_t histogram = a.histogram_below + a.histogram_above, quantile = 0;
    for (int k = 0; k < sweep_max_bins; ++k) {
      histogram += a.histogram[k];
    }
    for (std::size_t k = 0; k <= g.bins.quantile_edges.size(); ++k) {
      quantile += a.quantile_bins[k];
    }
    // The histogram (with its below/above counts) and the quantile bins each count every valid
    // point; predicates count among all.
    const std::uint64_t binned = plan.config.histogram_metric >= 0 ? a.valid : 0;
    FC_EXPECTS(histogram == binned, at + "/accumulator/histogram: its counts do not add up to the valid points");
    FC_EXPECTS(quantile == binned, at + "/accumulator/quantile_bins: its counts do not add up to the valid points");
    FC_EXPECTS(binned == 0 || (a.histogram_min <= a.histogram_max && std::isfinite(a.histogram_min) &&
                               std::isfinite(a.histogram_max)),
               at + "/accumulator: histogram_min is above histogram_max");
    for (int k = 0; k < sweep_max_predicates; ++k) {
      FC_EXPECTS(a.predicate[k] <= a.points && (k < plan.config.predicate_count || a.predicate[k] == 0),
                 at + "/accumulator/predicate/" + std::to_string(k) + ": counts more points than it holds");
    }
    if (a.valid > 0) {
      const std::uint64_t lo = row * row_size, hi = group_end * row_size;
      FC_EXPECTS(a.best_index >= lo && a.best_index < hi && a.worst_index >= lo && a.worst_index < hi,
                 at + "/accumulator: best or worst index outside the group's points");
      FC_EXPECTS(std::isfinite(a.best) && std::isfinite(a.worst) && std::isfinite(a.sum),
                 at + "/accumulator: a non-finite best, worst or sum");
      FC_EXPECTS(plan.config.objective_max ? a.best >= a.worst : a.best <= a.worst,
                 at + "/accumulator: best is not better than worst");
    }
    row = group_end;
    ++i;
  }
  FC_EXPECTS(i == part.groups.size(), where + ": /groups: " + std::to_string(part.groups.size()) +
                                          " groups where its rows touch " + std::to_string(i));
}

}  // namespace

sweep_result merge_sweep_results(const sweep_plan& plan, const std::vector<sweep_result>& parts,
                                 const std::vector<std::string>& files)
{
  FC_EXPECTS(!parts.empty(), "merge: give the partial results to merge");
  const std::uint64_t shards = parts.front().shards;
  // Every shard exactly once: the count must equal the files given (checked before anything is
  // sized by it).
  FC_EXPECTS(shards == parts.size(), "merge: " + files[0] + " is one of " + std::to_string(shards) + " shards, but " +
                                         std::to_string(parts.size()) + " files were given");
  std::vector<int> seen(parts.size(), -1);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    FC_EXPECTS(parts[i].shards == shards, files[i] + ": shard count " + std::to_string(parts[i].shards) +
                                              " differs from " + files[0] + "'s " + std::to_string(shards));
    FC_EXPECTS(parts[i].shard < shards, files[i] + ": /shard/index: " + std::to_string(parts[i].shard) +
                                            " is not below the count " + std::to_string(shards));
    FC_EXPECTS(seen[parts[i].shard] < 0, files[i] + ": shard " + std::to_string(parts[i].shard) + "/" +
                                             std::to_string(shards) + " also in " +
                                             files[static_cast<std::size_t>(std::max(0, seen[parts[i].shard]))]);
    seen[parts[i].shard] = static_cast<int>(i);
    verify_shard(plan, parts[i], files[i]);
  }
  sweep_result out;
  out.shard = 0;
  out.shards = 1;
  out.first_row = 0;
  out.end_row = plan.total_points / plan.axes.back().values.size();
  // Shards in order; a group split between shards is merged in index order.
  for (std::uint64_t k = 0; k < shards; ++k) {
    for (const auto& g : parts[static_cast<std::size_t>(seen[k])].groups) {
      if (!out.groups.empty() && out.groups.back().group == g.group) {
        // A group split between shards was binned alike by each (its bins depend only on the
        // scenario and the group); anything else is not from this scenario's run.
        const auto& bins = out.groups.back().bins;
        FC_EXPECTS(bins.quantile_edges == g.bins.quantile_edges && bins.histogram_low == g.bins.histogram_low &&
                       bins.histogram_high == g.bins.histogram_high,
                   files[static_cast<std::size_t>(seen[k])] + ": group " + std::to_string(g.group) +
                       ": its histogram range or quantile edges differ from the shard before it (another build or scenario?)");
        out.groups.back().accumulator = sweep_merge(out.groups.back().accumulator, g.accumulator, plan.config.objective_max);
      } else {
        out.groups.push_back(g);
      }
    }
  }
  return out;
}

}  // namespace fleetcap
