// The sweep engine: a plan's grid walked in tiles on a backend, a group at a time with its bins
// (sweep_bins.cpp), the non-finite policy, and the result document. Scenarios are parsed in
// sweep_scenario.cpp; shards are read, checked and merged in sweep_shards.cpp.

#include "fleetcap/sweep.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "detail/json_fields.hpp"
#include "detail/sweep_detail.hpp"
#include "fleetcap/error.hpp"
#include "fleetcap/sweep_evaluators.hpp"
#include "kernels/sweep.cuh"
#include "kernels/sweep.hpp"

namespace fleetcap {

namespace {

sweep_accumulator run_rows(backend_kind backend, const sweep_plan& plan, const sweep_config& config, std::uint64_t first,
                           std::uint64_t count)
{
  const auto& e = sweep_evaluator_at(config.evaluator);
  if (backend == backend_kind::cuda) {
    FC_EXPECTS(e.cuda_rows != nullptr, "evaluator " + e.name + " has no CUDA launcher in this build; use --backend cpu");
    return e.cuda_rows(config, plan.values.data(), plan.values.size(), first, count);
  }
  return e.cpu_rows(config, plan.values.data(), plan.values.size(), first, count);
}

// Groups planned at a time: enough for every thread, few enough that memory stays flat in the
// group count.
constexpr std::uint64_t bins_batch = 64;

}  // namespace

sweep_config sweep_group_config(const sweep_plan& plan, const sweep_group_bins& bins)
{
  sweep_config c = plan.config;
  c.histogram_low = bins.histogram_low;
  c.histogram_high = bins.histogram_high;
  const double scale = static_cast<double>(c.histogram_bins) / (c.histogram_high - c.histogram_low);
  // A one-value range (a sample that found one value) bins everything on it into bin 0.
  c.histogram_scale = c.histogram_high > c.histogram_low && std::isfinite(scale) ? scale : 0.0;
  c.quantile_edge_count = static_cast<int>(bins.quantile_edges.size());
  std::fill(c.quantile_edges, c.quantile_edges + sweep_max_quantile_edges, HUGE_VAL);  // the search's padding
  std::copy(bins.quantile_edges.begin(), bins.quantile_edges.end(), c.quantile_edges);
  return c;
}

namespace {

// One policy for non-finite results (issue 12): an input that makes any metric NaN or infinite
// is an input error naming the scenario, the first such point and the metric; a sum that
// overflows is too. A successful result never holds a non-finite number.
void check_finite_results(const sweep_plan& plan, const sweep_accumulator& a)
{
  if (a.nonfinite > 0) {
    const auto coords = sweep_point_coordinates(plan, a.nonfinite_index);
    const std::string metric =
        a.nonfinite_metric >= 0 && a.nonfinite_metric < static_cast<int>(plan.metric_names.size())
            ? plan.metric_names[static_cast<std::size_t>(a.nonfinite_metric)]
            : std::string("?");
    throw input_error(plan.origin + ": metric \"" + metric + "\" is not a finite number at point " +
                      coords.dump() + (a.nonfinite > 1 ? " and " + std::to_string(a.nonfinite - 1) + " other points" : std::string()) +
                      ": an input is outside what the formulas can represent");
  }
  if (a.valid > 0 && !std::isfinite(a.sum)) {
    throw input_error(plan.origin + ": the sum of metric \"" +
                      plan.metric_names[static_cast<std::size_t>(plan.config.objective_metric)] +
                      "\" over a group overflows a double (its mean cannot be given); narrow the axes");
  }
}

}  // namespace

sweep_result run_sweep(backend_kind backend, const sweep_plan& plan, std::uint64_t shard, std::uint64_t shards,
                       std::uint64_t tile_points, const std::function<void(std::uint64_t, std::uint64_t)>& progress)
{
  const std::uint64_t row_size = plan.axes.back().values.size();
  const std::uint64_t total_rows = plan.total_points / row_size;
  // Equal contiguous slices of rows: floor(total_rows x k / shards) without overflowing 64 bits
  // (rows may approach 2^63): split total_rows = q shards + r.
  const auto bound = [&](std::uint64_t k) { return detail::shard_bound(total_rows, k, shards); };
  sweep_result out;
  out.shard = shard;
  out.shards = shards;
  out.first_row = bound(shard);
  out.end_row = bound(shard + 1);
  const std::uint64_t tile_rows = std::max<std::uint64_t>(1, tile_points / row_size);
  std::uint64_t done = 0;
  const std::uint64_t todo = (out.end_row - out.first_row) * row_size;
  std::uint64_t row = out.first_row;
  const std::uint64_t last_group = out.end_row > out.first_row ? (out.end_row - 1) / plan.rows_per_group : 0;
  std::vector<sweep_group_bins> batch;
  std::uint64_t batch_first = 0;
  while (row < out.end_row) {
    const std::uint64_t group = row / plan.rows_per_group;
    const std::uint64_t group_end = std::min(out.end_row, (group + 1) * plan.rows_per_group);
    if (batch.empty() || group >= batch_first + batch.size()) {
      batch_first = group;
      batch = plan_bins_of_groups(plan, group, std::min(last_group + 1, group + bins_batch));
    }
    sweep_group_result g{group, sweep_empty(plan.config.objective_max), std::move(batch[group - batch_first])};
    const sweep_config config = sweep_group_config(plan, g.bins);
    while (row < group_end) {
      const std::uint64_t n = std::min(tile_rows, group_end - row);
      g.accumulator = sweep_merge(g.accumulator, run_rows(backend, plan, config, row, n), plan.config.objective_max);
      row += n;
      done += n * row_size;
      if (progress) {
        progress(done, todo);
      }
    }
    check_finite_results(plan, g.accumulator);
    out.groups.push_back(g);
  }
  return out;
}

nlohmann::json sweep_point_coordinates(const sweep_plan& plan, std::uint64_t index)
{
  nlohmann::json coords = nlohmann::json::object();
  std::uint64_t rest = index;
  for (int a = static_cast<int>(plan.axes.size()) - 1; a >= 0; --a) {
    const auto& axis = plan.axes[static_cast<std::size_t>(a)];
    const std::uint64_t digit = rest % axis.values.size();
    rest /= axis.values.size();
    if (axis.name.empty()) {
      continue;
    }
    coords[axis.name] = axis.labels.empty() ? nlohmann::json(axis.values[digit]) : nlohmann::json(axis.labels[digit]);
  }
  return coords;
}

namespace {

// Coordinates as the results print them (one output schema): a layout's recompute by name and
// sequence parallelism as a boolean, whole numbers as integers (tp 8, not 8.0).
nlohmann::json named_coordinates(const sweep_plan& plan, std::uint64_t index)
{
  auto coords = sweep_point_coordinates(plan, index);
  for (auto& item : coords.items()) {
    auto& v = item.value();
    if (!v.is_number()) {
      continue;
    }
    const double x = v.get<double>();
    if (plan.evaluator == "layout" && item.key() == "recompute") {
      v = recompute_name(static_cast<int>(x));
    } else if (plan.evaluator == "layout" && item.key() == "sequence_parallel") {
      v = x != 0;
    } else {
      v = detail::json_count(x);
    }
  }
  return coords;
}

}  // namespace

nlohmann::json sweep_result_json(const sweep_plan& plan, const sweep_result& result)
{
  const auto& c = plan.config;
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& g : result.groups) {
    const auto& a = g.accumulator;
    nlohmann::json key = nlohmann::json::object();
    if (c.group_axis_count > 0) {
      const auto first_point = g.group * plan.rows_per_group * plan.axes.back().values.size();
      const auto coords = named_coordinates(plan, first_point);
      for (int k = 0; k < c.group_axis_count; ++k) {
        key[plan.axes[static_cast<std::size_t>(k)].name] = coords[plan.axes[static_cast<std::size_t>(k)].name];
      }
    }
    nlohmann::json counts = nlohmann::json::object();
    for (int p = 0; p < c.predicate_count; ++p) {
      counts[plan.predicate_names[static_cast<std::size_t>(p)]] = a.predicate[p];
    }
    nlohmann::json raw = {{"points", a.points}, {"valid", a.valid}, {"best", a.best}, {"best_index", a.best_index},
                          {"worst", a.worst}, {"worst_index", a.worst_index}, {"sum", a.sum},
                          {"predicate", std::vector<std::uint64_t>(a.predicate, a.predicate + sweep_max_predicates)},
                          {"histogram", std::vector<std::uint64_t>(a.histogram, a.histogram + sweep_max_bins)},
                          {"histogram_below", a.histogram_below}, {"histogram_above", a.histogram_above},
                          {"histogram_min", a.histogram_min}, {"histogram_max", a.histogram_max},
                          {"histogram_from", g.bins.histogram_low}, {"histogram_to", g.bins.histogram_high},
                          {"quantile_edges", g.bins.quantile_edges},
                          {"quantile_bins", std::vector<std::uint64_t>(a.quantile_bins, a.quantile_bins +
                                                                                             g.bins.quantile_edges.size() + 1)}};
    const std::string best = c.objective_max ? "max" : "min";
    const std::string worst = c.objective_max ? "min" : "max";
    nlohmann::json jg = {{"group", g.group}, {"key", key}, {"points", a.points}, {"valid", a.valid}, {"counts", counts},
                         {"accumulator", raw}};
    if (a.valid > 0) {
      jg[best] = a.best;
      jg["arg" + best] = named_coordinates(plan, a.best_index);
      jg[worst] = a.worst;
      jg["arg" + worst] = named_coordinates(plan, a.worst_index);
      jg["mean"] = a.sum / static_cast<double>(a.valid);
    }
    if (c.histogram_metric >= 0) {
      const auto& name = plan.metric_names[static_cast<std::size_t>(c.histogram_metric)];
      const double width = (g.bins.histogram_high - g.bins.histogram_low) / c.histogram_bins;
      // Equal bins on [from, to] (the last closed); points outside are counted, never folded in.
      jg["histogram"] = {{"metric", name},
                         {"from", g.bins.histogram_low},
                         {"to", g.bins.histogram_high},
                         {"bin_width", width},
                         {"counts", std::vector<std::uint64_t>(a.histogram, a.histogram + c.histogram_bins)},
                         {"below", a.histogram_below},
                         {"above", a.histogram_above}};
      if (a.valid > 0) {
        // Each quantile with the bound it is known to lie in (host/src/sweep_bins.cpp).
        nlohmann::json q = {{"metric", name}};
        for (const int p : {5, 50, 95}) {
          const auto e = read_sweep_quantile(a, g.bins, p);
          q["p" + std::to_string(p)] = {{"value", e.value}, {"low", e.low}, {"high", e.high}};
        }
        jg["quantiles"] = q;
      }
    }
    groups.push_back(jg);
  }
  nlohmann::json doc = {{"scenario", plan.scenario},
          {"digest", plan.digest},
          {"objective", {{"metric", plan.metric_names[static_cast<std::size_t>(c.objective_metric)]},
                         {"goal", c.objective_max ? "max" : "min"}}},
          {"points", plan.total_points},
          {"shard", {{"index", result.shard}, {"count", result.shards}, {"first_row", result.first_row},
                     {"end_row", result.end_row}}},
          {"substitutes", plan.substitutes},
          {"groups", groups}};
  // A digest of the document's own contents: merge refuses a shard edited after it was written.
  doc["content_digest"] = detail::fnv1a(doc.dump());
  return doc;
}

void sweep_each_point(const sweep_plan& plan, const std::function<void(std::uint64_t, const double*)>& row)
{
  const std::uint64_t n = plan.axes.back().values.size();
  const std::uint64_t rows = plan.total_points / n;
  const auto& c = plan.config;
  const sweep_point_fn evaluate = sweep_evaluator_at(c.evaluator).evaluate;
  for (std::uint64_t r = 0; r < rows; ++r) {
    double x[sweep_max_inputs];
    double m[sweep_max_metrics];
    sweep_row_inputs(c, plan.values.data(), r, x);
    for (std::uint64_t j = 0; j < n; ++j) {
      x[c.axis_input[c.axis_count - 1]] = plan.values[c.axis_offset[c.axis_count - 1] + j];
      if (c.has_distributions) {
        sweep_apply_draws(c, x);
      }
      evaluate(c, x, m);
      row(r * n + j, m);
    }
  }
}

}  // namespace fleetcap

