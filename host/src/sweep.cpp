// The sweep engine: scenario parsing, the tiled walk of the grid on a backend, shards and merge.

#include "fleetcap/sweep.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "detail/json_fields.hpp"
#include "fleetcap/error.hpp"
#include "fleetcap/format.hpp"
#include "fleetcap/rules.hpp"
#include "fleetcap/training.hpp"
#include "kernels/sweep.cuh"
#include "kernels/sweep.hpp"
#include "kernels/tpp.cuh"

namespace fleetcap {

namespace {

struct evaluator_spec {
  sweep_evaluator kind;
  std::vector<std::string> inputs;   // input slot names, in slot order
  std::vector<double> defaults;      // NaN = must be given (fixed or axis)
  std::vector<std::string> metrics;  // metric names, in metric order
};

const std::map<std::string, evaluator_spec>& evaluators()
{
  static const std::map<std::string, evaluator_spec> e = {
      {"training",
       {sweep_evaluator::training,
        {"params", "tokens", "chips", "mfu", "part"},
        {NAN, NAN, NAN, 0.4, NAN},
        {"seconds", "days", "flops", "fits", "crosses_1e25", "crosses_1e26", "gpu_hours", "energy_mwh"}}},
      {"layout",
       {sweep_evaluator::layout,
        {"tp", "pp", "micro_batch", "interleave", "recompute", "sequence_parallel", "zero", "chips", "global_batch",
         "batch_policy", "cp"},
        {1, 1, 1, 1, 0, 0, 0, NAN, NAN, 0, 1},
        {"step_seconds", "mfu", "memory_bytes", "usable", "valid", "samples_per_second", "batch", "reason"}}},
      {"compliance",
       {sweep_evaluator::compliance,
        {"dense_tops", "bit_length", "die_area_mm2", "data_center", "a1_tpp_min", "b1_tpp_min", "b2_pd_min", "a2_pd_min"},
        {NAN, NAN, NAN, 1, NAN, NAN, NAN, NAN},
        {"tpp", "performance_density", "is_3a090_a", "is_3a090_b", "not_controlled", "exempt", "status"}}},
      // Inputs are the units of each part named in the scenario's "parts" (filled in below).
      {"capacity",
       {sweep_evaluator::capacity, {}, {}, {"units", "h100e", "bf16_flop_per_s", "tpp", "tdp_watts", "capex_usd", "domestic_share"}}},
  };
  return e;
}

// The values an input may take, where it has a domain narrower than "finite": the layout
// evaluator's sizes are positive whole numbers and its switches are small codes; training
// chips, parameters and tokens are positive; MFU is a fraction. An empty string means allowed.
std::string input_domain_problem(sweep_evaluator kind, const std::string& input, double v)
{
  const bool whole = v == std::floor(v);
  if (kind == sweep_evaluator::layout) {
    if (input == "tp" || input == "pp" || input == "micro_batch" || input == "interleave" || input == "chips" ||
        input == "global_batch" || input == "cp") {
      return v >= 1 && whole && v <= 1e15 ? "" : "expected a whole number from 1 to 1e15";
    }
    if (input == "recompute") {
      return whole && v >= 0 && v <= 2 ? "" : "expected 0 (none), 1 (selective) or 2 (full)";
    }
    if (input == "sequence_parallel" || input == "batch_policy") {
      return v == 0 || v == 1 ? "" : "expected 0 or 1";
    }
    if (input == "zero") {
      return whole && v >= 0 && v <= 3 ? "" : "expected a ZeRO stage 0 to 3";
    }
  }
  if (kind == sweep_evaluator::training) {
    if (input == "params" || input == "tokens" || input == "chips") {
      return v > 0 && v <= 1e30 ? "" : "expected a positive number up to 1e30";
    }
    if (input == "mfu") {
      return v > 0 && v <= 1 ? "" : "expected a fraction in (0, 1]";
    }
  }
  if (kind == sweep_evaluator::compliance && input == "bit_length") {
    return v >= 1 && whole && v <= 64 ? "" : "expected a whole bit length from 1 to 64";
  }
  if (kind == sweep_evaluator::compliance && (input == "dense_tops" || input == "die_area_mm2")) {
    return v > 0 && v <= 1e12 ? "" : "expected a positive number up to 1e12";
  }
  return "";
}

std::string join(const std::vector<std::string>& v)
{
  std::string out;
  for (const auto& s : v) {
    out += (out.empty() ? "" : ", ") + s;
  }
  return out;
}

int index_of(const std::vector<std::string>& names, const std::string& name)
{
  const auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

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

// A part named in a scenario: an unknown id is an error at its file and JSON pointer.
const part_spec& scenario_part(const std::vector<part_spec>& parts, const std::string& id, const std::string& file,
                               const std::string& pointer)
{
  try {
    return find_part(parts, id);
  } catch (const input_error& e) {
    throw input_error(file + ": " + pointer + ": " + e.what());
  }
}

std::uint64_t whole_count(const detail::json_object_reader& r, const nlohmann::json& j, const char* key)
{
  if (!j.contains(key)) {
    r.fail(key, "missing required field");
  }
  const auto& v = j.at(key);
  if (!v.is_number_integer() || v.get<long long>() <= 0) {
    r.fail(key, "expected a positive whole count, got " + detail::describe_json(v));
  }
  // The value table lives in memory (and on the device): 1e6 values per axis keeps it under
  // 8 MB each, while grids still reach 2^63 points through more axes.
  if (v.get<long long>() > 1000000) {
    r.fail(key, "at most 1,000,000 values per axis");
  }
  return static_cast<std::uint64_t>(v.get<long long>());
}

double finite_number(const detail::json_object_reader& r, const nlohmann::json& j, const char* key)
{
  if (!j.contains(key)) {
    r.fail(key, "missing required field");
  }
  const auto& v = j.at(key);
  if (!v.is_number() || !std::isfinite(v.get<double>())) {
    r.fail(key, "expected a finite number, got " + detail::describe_json(v));
  }
  return v.get<double>();
}

sweep_axis parse_axis(const nlohmann::json& j, const std::string& file, const std::string& pointer,
                      const evaluator_spec& ev, const std::vector<part_spec>& parts, std::vector<std::string>& part_table)
{
  const detail::json_object_reader r(j, file, pointer);
  r.allow_only({"name", "values", "linear", "log", "parts"});
  sweep_axis a;
  a.name = r.required_string("name");
  if (index_of(ev.inputs, a.name) < 0) {
    const auto near = closest_ids(ev.inputs, a.name, 1);
    r.fail("name", "unknown axis \"" + a.name + "\" for this evaluator (inputs: " + join(ev.inputs) + ")" +
                       (near.empty() ? "" : "; did you mean \"" + near[0] + "\"?"));
  }
  const int kinds = (j.contains("values") ? 1 : 0) + (j.contains("linear") ? 1 : 0) + (j.contains("log") ? 1 : 0) +
                    (j.contains("parts") ? 1 : 0);
  if (kinds != 1) {
    r.fail("name", "give exactly one of \"values\", \"linear\", \"log\" or \"parts\"");
  }
  if (a.name == "part" && !j.contains("parts")) {
    r.fail("name", "the part axis takes \"parts\": [ids]");
  }
  if (j.contains("parts")) {
    if (a.name != "part") {
      r.fail("parts", "only the \"part\" axis takes part ids");
    }
    const auto ids = r.string_array("parts", true);
    for (std::size_t i = 0; i < ids.size(); ++i) {
      scenario_part(parts, ids[i], file, pointer + "/parts/" + std::to_string(i));
      auto it = std::find(part_table.begin(), part_table.end(), ids[i]);
      if (it == part_table.end()) {
        FC_EXPECTS(part_table.size() < static_cast<std::size_t>(sweep_max_parts),
                   file + ": " + pointer + "/parts: at most " + std::to_string(sweep_max_parts) + " parts");
        part_table.push_back(ids[i]);
        it = part_table.end() - 1;
      }
      a.values.push_back(static_cast<double>(it - part_table.begin()));
      a.labels.push_back(ids[i]);
    }
  } else if (j.contains("values")) {
    const auto& v = j.at("values");
    if (!v.is_array() || v.empty()) {
      r.fail("values", "expected a non-empty array of numbers");
    }
    // The same 10^6 cap as a linear or log count: the value table lives in memory and on the device.
    if (v.size() > 1000000) {
      r.fail("values", "at most 1,000,000 values per axis, got " + std::to_string(v.size()));
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_number() || !std::isfinite(v[i].get<double>())) {
        r.fail("values", "entry " + std::to_string(i) + " is not a finite number");
      }
      a.values.push_back(v[i].get<double>());
    }
  } else {
    const bool log = j.contains("log");
    const std::string key = log ? "log" : "linear";
    const detail::json_object_reader rr(j.at(key), file, pointer + "/" + key);
    rr.allow_only({"from", "to", "count"});
    const double from = finite_number(rr, j.at(key), "from");
    const double to = finite_number(rr, j.at(key), "to");
    const std::uint64_t count = whole_count(rr, j.at(key), "count");
    if (to < from) {
      rr.fail("to", "the range is reversed (to < from)");
    }
    if (to == from && count > 1) {
      rr.fail("to", "the range is empty (to == from) but count > 1");
    }
    if (log && (from <= 0.0 || to <= 0.0)) {
      rr.fail("from", "a log range must be positive (it cannot pass through zero)");
    }
    for (std::uint64_t i = 0; i < count; ++i) {
      const double t = count == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(count - 1);
      a.values.push_back(log ? std::exp(std::log(from) + t * (std::log(to) - std::log(from))) : from + t * (to - from));
    }
  }
  return a;
}

// {"distribution": "normal", "mean": m, "sd": s} and the other shapes of sweep_distribution.
void parse_distribution(const nlohmann::json& j, const std::string& file, const std::string& pointer, int slot,
                        sweep_config& c)
{
  const detail::json_object_reader r(j, file, pointer);
  const auto kind = r.required_string("distribution");
  auto number = [&](const char* key) { return finite_number(r, j, key); };
  double a = 0, b = 0, cc = 0;
  sweep_distribution d = sweep_distribution::none;
  if (kind == "uniform") {
    r.allow_only({"distribution", "low", "high"});
    a = number("low");
    b = number("high");
    d = sweep_distribution::uniform;
    if (!(b > a)) {
      r.fail("high", "the range is empty or reversed");
    }
  } else if (kind == "normal" || kind == "lognormal") {
    r.allow_only({"distribution", kind == "normal" ? "mean" : "mu", kind == "normal" ? "sd" : "sigma"});
    a = number(kind == "normal" ? "mean" : "mu");
    b = number(kind == "normal" ? "sd" : "sigma");
    d = kind == "normal" ? sweep_distribution::normal : sweep_distribution::lognormal;
    if (!(b > 0)) {
      r.fail(kind == "normal" ? "sd" : "sigma", "expected a positive spread");
    }
  } else if (kind == "triangular" || kind == "pert") {
    r.allow_only({"distribution", "low", "mode", "high"});
    a = number("low");
    b = number("mode");
    cc = number("high");
    d = kind == "pert" ? sweep_distribution::pert : sweep_distribution::triangular;
    if (!(a <= b && b <= cc && a < cc)) {
      r.fail("mode", "expected low <= mode <= high with low < high");
    }
  } else {
    r.fail("distribution", "expected uniform, normal, lognormal, triangular or pert, got \"" + kind + "\"");
  }
  c.distribution[slot] = static_cast<int>(d);
  c.distribution_a[slot] = a;
  c.distribution_b[slot] = b;
  c.distribution_c[slot] = cc;
  c.fixed[slot] = d == sweep_distribution::triangular || d == sweep_distribution::pert ? b : a;
  c.has_distributions = 1;
}

int parse_op(const std::string& op, const detail::json_object_reader& r)
{
  if (op == "<") return static_cast<int>(sweep_op::less);
  if (op == "<=") return static_cast<int>(sweep_op::less_equal);
  if (op == ">") return static_cast<int>(sweep_op::greater);
  if (op == ">=") return static_cast<int>(sweep_op::greater_equal);
  if (op == "==") return static_cast<int>(sweep_op::equal);
  if (op == "!=") return static_cast<int>(sweep_op::not_equal);
  r.fail("op", "expected <, <=, >, >=, == or !=, got \"" + op + "\"");
}

int metric_index(const evaluator_spec& ev, const std::string& name, const detail::json_object_reader& r, const char* key)
{
  const int m = index_of(ev.metrics, name);
  if (m < 0) {
    r.fail(key, "unknown metric \"" + name + "\" (metrics: " + join(ev.metrics) + ")");
  }
  return m;
}

}  // namespace

std::pair<std::uint64_t, std::uint64_t> parse_shard(const std::string& text)
{
  // Digits only, each part below 2^63 (sscanf would wrap 2^64 to 2^64 - 1 and accept signs
  // and spaces); the echo is cut and printable so the error stays one line.
  std::string shown;
  for (char c : text.substr(0, 40)) {
    shown += (c >= 32 && c < 127) ? c : '?';
  }
  const auto slash = text.find('/');
  const auto digits = [](const std::string& t) {
    return !t.empty() && t.size() <= 18 && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  const bool ok = slash != std::string::npos && digits(text.substr(0, slash)) && digits(text.substr(slash + 1));
  const std::uint64_t k = ok ? std::stoull(text.substr(0, slash)) : 0;
  const std::uint64_t n = ok ? std::stoull(text.substr(slash + 1)) : 0;
  FC_EXPECTS(ok && n >= 1 && k < n, "--shard: expected K/N with 0 <= K < N (at most 18 digits each), got \"" + shown + "\"");
  return {k, n};
}

namespace {

// A capacity what-if never counts a missing figure as zero (issue 9): a metric the scenario
// uses (objective, filter, counts, histogram) needs the figure from every listed part, or the
// documented substitute of capacity.cpp (8-bit rate = TPP / 8; BF16 = FP16), which the result
// names in "substitutes".
void check_capacity_figures(sweep_plan& plan, sweep_part& sp, const part_spec& part, numeric_format precision, int tpp_format,
                            const detail::json_object_reader& r, std::size_t index)
{
  const sweep_config& c = plan.config;
  auto used = [&](int metric) {
    if (c.objective_metric == metric || c.filter_metric == metric || c.histogram_metric == metric) {
      return true;
    }
    for (int k = 0; k < c.predicate_count; ++k) {
      if (c.predicate_metric[k] == metric) {
        return true;
      }
    }
    return false;
  };
  const std::string where = "parts/" + std::to_string(index);
  auto missing = [&](int metric, const std::string& what) {
    if (used(metric)) {
      r.fail("parts", "part \"" + part.id + "\" (" + where + ") has no " + what + ", which metric \"" +
                          plan.metric_names[static_cast<std::size_t>(metric)] +
                          "\" needs; drop the part or use another metric");
    }
  };
  const bool has_tpp = tpp_format >= 0;
  if (!(sp.eight_bit_ops_per_s > 0.0)) {
    if (has_tpp) {
      sp.eight_bit_ops_per_s = sp.tpp / 8.0 * 1e12;
      plan.substitutes.push_back(part.id + ": no 8-bit figure; H100e from its TPP (an 8-bit rate of TPP / 8)");
    } else {
      missing(1, "8-bit figure and no TPP");
    }
  }
  if (!part.dense_peak_ops_per_s[static_cast<std::size_t>(precision)].known()) {
    const range fp16 = part.dense_peak_ops_per_s[static_cast<std::size_t>(numeric_format::fp16)];
    if (precision == numeric_format::bf16 && fp16.known()) {
      sp.peak_flop_per_s = fp16.mid;
      plan.substitutes.push_back(part.id + ": no BF16 figure; its FP16 peak is used");
    } else {
      missing(2, std::string("dense ") + format_name(precision) + " figure");
    }
  }
  if (!has_tpp) {
    missing(3, "TPP (no dense peak in any format)");
  }
  if (!part.tdp_watts.known()) {
    missing(4, "TDP (tdp_w)");
  }
  if (!part.price_usd.known()) {
    missing(5, "price (price_usd)");
  }
}

}  // namespace

sweep_plan parse_scenario(const catalog_file& file, const catalog_source& catalog, const std::vector<part_spec>& parts,
                          const transformer_shape* shape, const system_spec* system_override)
{
  const auto j = detail::parse_json(file.name, file.text);
  const detail::json_object_reader r(j, file.name, "");
  r.allow_only({"id", "description", "evaluator", "model", "shape", "system", "part", "precision", "fixed", "axes",
                "group_by", "objective", "filter", "count", "histogram", "samples", "seed", "parts", "domestic_country",
                "notes"});
  sweep_plan plan;
  plan.origin = file.name;
  plan.scenario = j;
  plan.digest = fnv1a(j.dump());
  plan.id = r.required_string("id");
  // The id names the result in every table and shard; the description and notes are prose, but
  // still held to their types (issue 12: they used to be accepted as anything).
  if (plan.id.size() > 64 || !detail::valid_id(plan.id)) {
    r.fail("id", detail::quoted(plan.id) + " is not a valid id (up to 64 lower-case letters, digits, '-', '_', '.')");
  }
  if (j.contains("description")) {
    r.required_string("description");
  }
  if (j.contains("notes")) {
    r.string_array("notes", false);
  }
  plan.evaluator = r.required_string("evaluator");
  const auto ev_it = evaluators().find(plan.evaluator);
  if (ev_it == evaluators().end()) {
    r.fail("evaluator", "unknown evaluator \"" + plan.evaluator + "\" (known: training, layout, compliance, capacity)");
  }
  evaluator_spec ev = ev_it->second;
  std::vector<std::string> part_table;
  if (ev.kind == sweep_evaluator::capacity) {
    // The capacity evaluator's inputs are the units of each listed part, zero by default.
    const auto listed = r.string_array("parts", true);
    FC_EXPECTS(listed.size() <= 12, file.name + ": /parts: at most 12 parts");
    for (const auto& id : listed) {
      scenario_part(parts, id, file.name, "/parts/" + std::to_string(part_table.size()));
      FC_EXPECTS(std::find(part_table.begin(), part_table.end(), id) == part_table.end(),
                 file.name + ": /parts: \"" + id + "\" is listed twice");
      part_table.push_back(id);
      ev.inputs.push_back(id);
      ev.defaults.push_back(0.0);
    }
  } else if (j.contains("parts")) {
    r.fail("parts", "only the capacity evaluator takes a parts list (use a \"part\" axis)");
  }
  plan.metric_names = ev.metrics;
  sweep_config& c = plan.config;
  c.evaluator = static_cast<int>(ev.kind);
  for (int i = 0; i < sweep_max_inputs; ++i) {
    c.fixed[i] = i < static_cast<int>(ev.defaults.size()) ? ev.defaults[static_cast<std::size_t>(i)] : 0.0;
  }
  const std::string precision_name = j.contains("precision") ? r.required_string("precision") : "bf16";
  const auto precision = parse_precision(precision_name);

  // Fixed inputs.
  if (j.contains("fixed")) {
    const detail::json_object_reader f(j.at("fixed"), file.name, "/fixed");
    for (const auto& item : j.at("fixed").items()) {
      const int slot = index_of(ev.inputs, item.key());
      if (slot < 0) {
        f.fail(item.key(), "not an input of evaluator " + plan.evaluator + " (inputs: " + join(ev.inputs) + ")");
      }
      if (item.key() == "part") {
        const auto id = f.required_string("part");
        scenario_part(parts, id, file.name, "/fixed/part");
        part_table.push_back(id);
        c.fixed[slot] = 0.0;
        continue;
      }
      if (item.value().is_object()) {
        parse_distribution(item.value(), file.name, "/fixed/" + item.key(), slot, c);
        continue;
      }
      if (!item.value().is_number() || !std::isfinite(item.value().get<double>())) {
        f.fail(item.key(), "expected a finite number or a distribution, got " + detail::describe_json(item.value()));
      }
      c.fixed[slot] = item.value().get<double>();
      const auto problem = input_domain_problem(ev.kind, item.key(), c.fixed[slot]);
      if (!problem.empty()) {
        f.fail(item.key(), problem + ", got " + detail::describe_json(item.value()));
      }
    }
  }

  // Axes.
  if (!j.contains("axes") || !j.at("axes").is_array() || j.at("axes").empty()) {
    r.fail("axes", "expected a non-empty array of axes");
  }
  std::vector<sweep_axis> declared;
  for (std::size_t i = 0; i < j.at("axes").size(); ++i) {
    declared.push_back(parse_axis(j.at("axes")[i], file.name, "/axes/" + std::to_string(i), ev, parts, part_table));
    if (declared.back().labels.empty()) {
      for (std::size_t k = 0; k < declared.back().values.size(); ++k) {
        const auto problem = input_domain_problem(ev.kind, declared.back().name, declared.back().values[k]);
        FC_EXPECTS(problem.empty(), file.name + ": /axes/" + std::to_string(i) + ": value " +
                                        detail::describe_json(declared.back().values[k]) + " of \"" +
                                        declared.back().name + "\": " + problem);
      }
    }
    for (std::size_t k = 0; k + 1 < declared.size(); ++k) {
      FC_EXPECTS(declared[k].name != declared.back().name,
                 file.name + ": /axes/" + std::to_string(i) + "/name: axis \"" + declared.back().name + "\" appears twice");
    }
  }
  FC_EXPECTS(declared.size() < static_cast<std::size_t>(sweep_max_axes),
             file.name + ": /axes: at most " + std::to_string(sweep_max_axes - 1) + " axes");
  // Group axes first, then the rest in declared order; a dummy innermost axis when all group.
  std::vector<std::string> group_by;
  if (j.contains("group_by")) {
    group_by = r.string_array("group_by", false);
  }
  for (std::size_t g = 0; g < group_by.size(); ++g) {
    const auto it = std::find_if(declared.begin(), declared.end(), [&](const sweep_axis& a) { return a.name == group_by[g]; });
    FC_EXPECTS(it != declared.end(), file.name + ": /group_by/" + std::to_string(g) + ": \"" + group_by[g].substr(0, 60) +
                                         "\" is not an axis");
    // A repeated entry would add the axis twice (multiplying the grid and overflowing the
    // fixed axis arrays of the kernel's config).
    FC_EXPECTS(std::find(group_by.begin(), group_by.begin() + static_cast<std::ptrdiff_t>(g), group_by[g]) ==
                   group_by.begin() + static_cast<std::ptrdiff_t>(g),
               file.name + ": /group_by/" + std::to_string(g) + ": \"" + group_by[g].substr(0, 60) + "\" is listed twice");
    plan.axes.push_back(*it);
  }
  for (const auto& a : declared) {
    if (std::find(group_by.begin(), group_by.end(), a.name) == group_by.end()) {
      plan.axes.push_back(a);
    }
  }
  // Monte Carlo: a "sample" axis, innermost, whose index keys every draw.
  if (j.contains("samples")) {
    const std::uint64_t n = whole_count(r, j, "samples");
    sweep_axis samples{"sample", {}, {}};
    for (std::uint64_t k = 0; k < n; ++k) {
      samples.values.push_back(static_cast<double>(k));
    }
    plan.axes.push_back(samples);
  }
  if (c.has_distributions && !j.contains("samples")) {
    r.fail("samples", "the scenario has distributions in \"fixed\": give \"samples\": N");
  }
  c.seed = 1;
  if (j.contains("seed")) {
    const auto& seed = j.at("seed");
    if (!seed.is_number_unsigned()) {
      r.fail("seed", "expected a non-negative whole number, got " + detail::describe_json(seed));
    }
    c.seed = seed.get<std::uint64_t>();
  }
  const bool dummy = plan.axes.size() == group_by.size();
  if (dummy) {
    plan.axes.push_back({"", {0.0}, {}});
  }
  c.axis_count = static_cast<int>(plan.axes.size());
  c.group_axis_count = static_cast<int>(group_by.size());

  // Sizes, the 2^63 limit, the value table.
  plan.total_points = 1;
  plan.group_count = 1;
  std::uint64_t offset = 0;
  for (std::size_t a = 0; a < plan.axes.size(); ++a) {
    const std::uint64_t n = plan.axes[a].values.size();
    FC_EXPECTS(plan.total_points <= (std::uint64_t{1} << 63) / n,
               file.name + ": /axes: the grid has more than 2^63 points and cannot be indexed");
    plan.total_points *= n;
    if (static_cast<int>(a) < c.group_axis_count) {
      plan.group_count *= n;
    }
    c.axis_input[a] = plan.axes[a].name.empty()       ? sweep_scratch_slot
                      : plan.axes[a].name == "sample" ? sweep_sample_slot
                                                      : index_of(ev.inputs, plan.axes[a].name);
    c.axis_size[a] = n;
    c.axis_offset[a] = offset;
    offset += n;
    plan.values.insert(plan.values.end(), plan.axes[a].values.begin(), plan.axes[a].values.end());
  }
  plan.rows_per_group = plan.total_points / plan.group_count / plan.axes.back().values.size();

  // Reductions.
  if (!j.contains("objective")) {
    r.fail("objective", "missing required field: {\"metric\": NAME, \"goal\": \"min\" or \"max\"}");
  }
  const detail::json_object_reader o(j.at("objective"), file.name, "/objective");
  o.allow_only({"metric", "goal"});
  c.objective_metric = metric_index(ev, o.required_string("metric"), o, "metric");
  const auto goal = o.required_string("goal");
  if (goal != "min" && goal != "max") {
    o.fail("goal", "expected min or max, got \"" + goal + "\"");
  }
  c.objective_max = goal == "max" ? 1 : 0;
  // filter: a metric name (kept where non-zero) or a predicate {"metric", "op", "value"}.
  c.filter_metric = -1;
  c.filter_op = static_cast<int>(sweep_op::not_equal);
  c.filter_value = 0.0;
  if (j.contains("filter")) {
    if (j.at("filter").is_object()) {
      const detail::json_object_reader f(j.at("filter"), file.name, "/filter");
      f.allow_only({"metric", "op", "value"});
      c.filter_metric = metric_index(ev, f.required_string("metric"), f, "metric");
      c.filter_op = parse_op(f.required_string("op"), f);
      c.filter_value = finite_number(f, j.at("filter"), "value");
    } else {
      c.filter_metric = metric_index(ev, r.required_string("filter"), r, "filter");
    }
  }
  c.predicate_count = 0;
  if (j.contains("count")) {
    const auto& counts = j.at("count");
    if (!counts.is_array() || counts.size() > static_cast<std::size_t>(sweep_max_predicates)) {
      r.fail("count", "expected an array of at most " + std::to_string(sweep_max_predicates) + " predicates");
    }
    for (std::size_t i = 0; i < counts.size(); ++i) {
      const detail::json_object_reader p(counts[i], file.name, "/count/" + std::to_string(i));
      p.allow_only({"name", "metric", "op", "value"});
      plan.predicate_names.push_back(p.required_string("name"));
      c.predicate_metric[i] = metric_index(ev, p.required_string("metric"), p, "metric");
      c.predicate_op[i] = parse_op(p.required_string("op"), p);
      c.predicate_value[i] = finite_number(p, counts[i], "value");
      ++c.predicate_count;
    }
  }
  c.histogram_metric = -1;
  c.quantile_edge_count = 0;
  std::fill(c.quantile_edges, c.quantile_edges + sweep_max_quantile_edges, HUGE_VAL);
  if (j.contains("histogram")) {
    const detail::json_object_reader h(j.at("histogram"), file.name, "/histogram");
    h.allow_only({"metric", "bins", "from", "to"});
    c.histogram_metric = metric_index(ev, h.required_string("metric"), h, "metric");
    const auto bins = whole_count(h, j.at("histogram"), "bins");
    if (bins > static_cast<std::uint64_t>(sweep_max_bins)) {
      h.fail("bins", "at most " + std::to_string(sweep_max_bins) + " bins");
    }
    c.histogram_bins = static_cast<int>(bins);
    // from/to: both or neither; without them each group's histogram spans a sample of the group.
    const bool from = j.at("histogram").contains("from"), to = j.at("histogram").contains("to");
    if (from != to) {
      h.fail(from ? "to" : "from", "give both \"from\" and \"to\", or neither (the range then comes from the data)");
    }
    plan.histogram_from_data = !from;
    if (from) {
      c.histogram_low = finite_number(h, j.at("histogram"), "from");
      c.histogram_high = finite_number(h, j.at("histogram"), "to");
      if (!(c.histogram_high > c.histogram_low)) {
        h.fail("to", "the histogram range is empty or reversed");
      }
      if (!std::isfinite(c.histogram_high - c.histogram_low)) {
        h.fail("to", "the histogram range is wider than a double can hold");
      }
    }
  }
  // The metrics the reductions read are the ones a result can show, so the kernel checks those
  // for non-finite values (issue 12); --rows, which prints every metric, checks the rest.
  c.checked_count = 0;
  const auto check = [&c](int metric) {
    if (metric >= 0 && std::find(c.checked_metric, c.checked_metric + c.checked_count, metric) == c.checked_metric + c.checked_count) {
      c.checked_metric[c.checked_count++] = metric;
    }
  };
  check(c.objective_metric);
  check(c.filter_metric);
  for (int p = 0; p < c.predicate_count; ++p) {
    check(c.predicate_metric[p]);
  }
  check(c.histogram_metric);

  // Evaluator tables.
  if (ev.kind == sweep_evaluator::training) {
    if (part_table.empty()) {
      r.fail("axes", "the training evaluator needs a part: \"fixed\": {\"part\": ID} or a \"part\" axis");
    }
  }
  if (ev.kind == sweep_evaluator::layout) {
    const auto systems = load_systems(catalog, parts);
    system_spec system;
    if (system_override != nullptr) {
      system = *system_override;
    } else if (j.contains("system")) {
      system = find_system(systems, r.required_string("system"));
    } else {
      const auto id = j.contains("part") ? r.required_string("part") : std::string();
      FC_EXPECTS(!id.empty(), file.name + ": /system: the layout evaluator needs \"system\" (or \"part\")");
      system = default_system(scenario_part(parts, id, file.name, "/part"));
    }
    const part_spec& part =
        j.contains("part") && system_override == nullptr ? scenario_part(parts, r.required_string("part"), file.name, "/part")
                                                         : find_part(parts, system.part);
    c.system = figures_for(system, part, precision);
    if (shape != nullptr) {
      c.shape = *shape;
    } else if (j.contains("model")) {
      c.shape = find_workload(load_workloads(catalog), r.required_string("model")).shape;
    } else {
      r.fail("model", "the layout evaluator needs \"model\": a workload id from data/workloads/");
    }
  }
  if (ev.kind == sweep_evaluator::compliance) {
    const auto rules = load_rules(catalog);
    const rule& base = find_rule(rules, "us-3a090-2023");
    c.rule = {base.parameter("a1_tpp_min"), base.parameter("a2_tpp_min"), base.parameter("a2_pd_min"),
              base.parameter("b1_tpp_min"), base.parameter("b1_tpp_max"), base.parameter("b1_pd_min"),
              base.parameter("b1_pd_max"),  base.parameter("b2_tpp_min"), base.parameter("b2_pd_min"),
              base.parameter("b2_pd_max"),  base.parameter("non_datacenter_tpp_min")};
    // The rule's own thresholds are the defaults of the threshold inputs.
    const double defaults[] = {c.rule.a1_tpp_min, c.rule.b1_tpp_min, c.rule.b2_pd_min, c.rule.a2_pd_min};
    for (int k = 0; k < 4; ++k) {
      if (std::isnan(c.fixed[4 + k])) {
        c.fixed[4 + k] = defaults[k];
      }
    }
  }
  // Every input without a default must be fixed or an axis.
  for (std::size_t s = 0; s < ev.inputs.size(); ++s) {
    const bool on_axis = std::any_of(declared.begin(), declared.end(), [&](const sweep_axis& a) { return a.name == ev.inputs[s]; });
    if (!on_axis && std::isnan(c.fixed[s]) && !(ev.inputs[s] == "part" && !part_table.empty())) {
      r.fail("fixed", "input \"" + ev.inputs[s] + "\" has no value: give it in \"fixed\" or as an axis");
    }
  }

  const std::string domestic = j.contains("domestic_country") ? r.required_string("domestic_country") : "CN";
  c.part_count = static_cast<int>(part_table.size());
  for (std::size_t p = 0; p < part_table.size(); ++p) {
    const auto& part = find_part(parts, part_table[p]);
    const auto& peak = part.dense_peak_ops_per_s[static_cast<std::size_t>(precision)];
    FC_EXPECTS(peak.known() || ev.kind == sweep_evaluator::capacity,
               file.name + ": part " + part.id + " has no dense " + precision_name + " peak");
    auto mid_or_zero = [](const range& x) { return x.known() ? x.mid : 0.0; };
    const auto figures = part.figures(1);
    int format = -1;
    const double tpp = total_processing_performance(figures, &format);
    const double fp8 = mid_or_zero(part.dense_peak_ops_per_s[static_cast<std::size_t>(numeric_format::fp8)]);
    const double int8 = mid_or_zero(part.dense_peak_ops_per_s[static_cast<std::size_t>(numeric_format::int8)]);
    c.parts[p] = {mid_or_zero(peak), mid_or_zero(part.memory_bytes), mid_or_zero(part.tdp_watts), tpp,
                  std::max(fp8, int8), mid_or_zero(part.price_usd), part.vendor_country == domestic ? 1 : 0};
    if (ev.kind == sweep_evaluator::capacity) {
      check_capacity_figures(plan, c.parts[p], part, precision, format, r, p);
    }
  }
  return plan;
}

sweep_plan load_scenario(const std::string& path_or_id, const catalog_source& catalog, const std::vector<part_spec>& parts)
{
  std::ifstream in(path_or_id, std::ios::binary);
  if (in.good()) {
    std::ostringstream text;
    text << in.rdbuf();
    return parse_scenario({path_or_id, text.str()}, catalog, parts);
  }
  std::vector<std::string> ids;
  for (const auto& f : catalog.json_files("data/scenarios")) {
    const auto slash = f.name.find_last_of('/');
    const auto stem = f.name.substr(slash + 1, f.name.size() - slash - 6);
    if (stem == path_or_id) {
      return parse_scenario(f, catalog, parts);
    }
    ids.push_back(stem);
  }
  const auto near = closest_ids(ids, path_or_id);
  throw input_error(path_or_id + ": no such file, and no catalogue scenario has this id" +
                    (near.empty() ? std::string() : " (closest: " + join(near) + ")"));
}

namespace {

sweep_accumulator run_rows(backend_kind backend, const sweep_plan& plan, const sweep_config& config, std::uint64_t first,
                           std::uint64_t count)
{
#if FLEETCAP_HAVE_CUDA
  if (backend == backend_kind::cuda) {
    return cuda_backend::sweep_rows(config, plan.values.data(), plan.values.size(), first, count);
  }
#else
  (void)backend;
#endif
  return cpu_backend::sweep_rows(config, plan.values.data(), plan.values.size(), first, count);
}

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

}  // namespace

namespace {

// Rows [first, end) of shard k of n: floor(total_rows x k / n) without overflowing 64 bits.
std::uint64_t shard_bound(std::uint64_t total_rows, std::uint64_t k, std::uint64_t shards)
{
  const std::uint64_t q = total_rows / shards, r = total_rows % shards;
  return q * k + r * k / shards;
}

}  // namespace

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
  const auto bound = [&](std::uint64_t k) { return shard_bound(total_rows, k, shards); };
  sweep_result out;
  out.shard = shard;
  out.shards = shards;
  out.first_row = bound(shard);
  out.end_row = bound(shard + 1);
  const std::uint64_t tile_rows = std::max<std::uint64_t>(1, tile_points / row_size);
  std::uint64_t done = 0;
  const std::uint64_t todo = (out.end_row - out.first_row) * row_size;
  std::uint64_t row = out.first_row;
  while (row < out.end_row) {
    const std::uint64_t group = row / plan.rows_per_group;
    const std::uint64_t group_end = std::min(out.end_row, (group + 1) * plan.rows_per_group);
    sweep_group_result g{group, sweep_empty(plan.config.objective_max), plan_group_bins(plan, group)};
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

nlohmann::json sweep_result_json(const sweep_plan& plan, const sweep_result& result)
{
  const auto& c = plan.config;
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& g : result.groups) {
    const auto& a = g.accumulator;
    nlohmann::json key = nlohmann::json::object();
    if (c.group_axis_count > 0) {
      const auto first_point = g.group * plan.rows_per_group * plan.axes.back().values.size();
      const auto coords = sweep_point_coordinates(plan, first_point);
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
      jg["arg" + best] = sweep_point_coordinates(plan, a.best_index);
      jg[worst] = a.worst;
      jg["arg" + worst] = sweep_point_coordinates(plan, a.worst_index);
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
  doc["content_digest"] = fnv1a(doc.dump());
  return doc;
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
  FC_EXPECTS(stated.is_string() && stated.get<std::string>() == fnv1a(body.dump()),
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
  const std::uint64_t first = shard_bound(total_rows, part.shard, part.shards);
  const std::uint64_t end = shard_bound(total_rows, part.shard + 1, part.shards);
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

void sweep_each_point(const sweep_plan& plan, const std::function<void(std::uint64_t, const double*)>& row)
{
  const std::uint64_t n = plan.axes.back().values.size();
  const std::uint64_t rows = plan.total_points / n;
  const auto& c = plan.config;
  for (std::uint64_t r = 0; r < rows; ++r) {
    double x[sweep_max_inputs];
    double m[sweep_max_metrics];
    sweep_row_inputs(c, plan.values.data(), r, x);
    for (std::uint64_t j = 0; j < n; ++j) {
      x[c.axis_input[c.axis_count - 1]] = plan.values[c.axis_offset[c.axis_count - 1] + j];
      if (c.has_distributions) {
        sweep_apply_draws(c, x);
      }
      evaluate_sweep_point(c, x, m);
      row(r * n + j, m);
    }
  }
}

}  // namespace fleetcap
