// Sweep scenarios: the JSON file (data/scenarios/README.md) parsed and checked into a plan the
// engine (sweep.cpp) runs: the evaluator and its inputs, axes, reductions and tables.

#include "fleetcap/sweep.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "detail/json_fields.hpp"
#include "detail/sweep_detail.hpp"
#include "fleetcap/error.hpp"
#include "fleetcap/format.hpp"
#include "fleetcap/rules.hpp"
#include "fleetcap/serving.hpp"
#include "fleetcap/training.hpp"
#include "fleetcap/sweep_evaluators.hpp"
#include "kernels/sweep.cuh"
#include "kernels/sweep.hpp"
#include "kernels/tpp.cuh"

namespace fleetcap {

namespace {

// An evaluator as the parser sees it: the registry's entry, with the capacity evaluator's inputs
// (one per listed part) added per scenario.
struct evaluator_spec {
  sweep_evaluator kind;              // its index; the built-in ones have names in the enum
  std::vector<std::string> inputs;   // input slot names, in slot order
  std::vector<double> defaults;      // NaN = must be given (fixed or axis)
  std::vector<sweep_input> domains;  // per slot
  std::vector<std::string> metrics;  // metric names, in metric order
};

evaluator_spec spec_of(const sweep_evaluator_entry& e, int index)
{
  evaluator_spec s{static_cast<sweep_evaluator>(index), {}, {}, e.inputs, e.metrics};
  for (const auto& in : e.inputs) {
    s.inputs.push_back(in.name);
    s.defaults.push_back(in.default_value);
  }
  return s;
}

// Empty when v is in the domain of the input called `input`, else the reason.
std::string input_domain_problem(const evaluator_spec& ev, const std::string& input, double v)
{
  for (std::size_t k = 0; k < ev.inputs.size(); ++k) {
    if (ev.inputs[k] == input) {
      return sweep_input_problem(ev.domains[k], v);
    }
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

// An axis of ids (parts, models) holds indices into the evaluator's table: the index of `id`,
// appended when new, the table holding at most `max` (its size in sweep_config).
double table_index(std::vector<std::string>& table, const std::string& id, int max, const std::string& where,
                   const char* what)
{
  auto it = std::find(table.begin(), table.end(), id);
  if (it == table.end()) {
    FC_EXPECTS(table.size() < static_cast<std::size_t>(max), where + ": at most " + std::to_string(max) + " " + what);
    table.push_back(id);
    it = table.end() - 1;
  }
  return static_cast<double>(it - table.begin());
}

sweep_axis parse_axis(const nlohmann::json& j, const std::string& file, const std::string& pointer,
                      const evaluator_spec& ev, const std::vector<part_spec>& parts, std::vector<std::string>& part_table,
                      const catalog_source& catalog, std::vector<std::string>& model_table)
{
  const detail::json_object_reader r(j, file, pointer);
  r.allow_only({"name", "values", "linear", "log", "parts", "models"});
  sweep_axis a;
  a.name = r.required_string("name");
  if (index_of(ev.inputs, a.name) < 0) {
    const auto near = closest_ids(ev.inputs, a.name, 1);
    r.fail("name", "unknown axis \"" + a.name + "\" for this evaluator (inputs: " + join(ev.inputs) + ")" +
                       (near.empty() ? "" : "; did you mean \"" + near[0] + "\"?"));
  }
  const int kinds = (j.contains("values") ? 1 : 0) + (j.contains("linear") ? 1 : 0) + (j.contains("log") ? 1 : 0) +
                    (j.contains("parts") ? 1 : 0) + (j.contains("models") ? 1 : 0);
  if (kinds != 1) {
    r.fail("name", "give exactly one of \"values\", \"linear\", \"log\", \"parts\" or \"models\"");
  }
  if (a.name == "part" && !j.contains("parts")) {
    r.fail("name", "the part axis takes \"parts\": [ids]");
  }
  if (a.name == "model" && !j.contains("models")) {
    r.fail("name", "the model axis takes \"models\": [workload ids]");
  }
  if (j.contains("models")) {
    if (a.name != "model") {
      r.fail("models", "only the \"model\" axis takes workload ids");
    }
    const auto ids = r.string_array("models", true);
    const auto workloads = load_workloads(catalog);
    for (std::size_t i = 0; i < ids.size(); ++i) {
      try {
        (void)find_workload(workloads, ids[i]);
      } catch (const input_error& e) {
        throw input_error(file + ": " + pointer + "/models/" + std::to_string(i) + ": " + e.what());
      }
      a.values.push_back(table_index(model_table, ids[i], sweep_max_models, file + ": " + pointer + "/models", "models"));
      a.labels.push_back(ids[i]);
    }
  } else if (j.contains("parts")) {
    if (a.name != "part") {
      r.fail("parts", "only the \"part\" axis takes part ids");
    }
    const auto ids = r.string_array("parts", true);
    for (std::size_t i = 0; i < ids.size(); ++i) {
      scenario_part(parts, ids[i], file, pointer + "/parts/" + std::to_string(i));
      a.values.push_back(table_index(part_table, ids[i], sweep_max_parts, file + ": " + pointer + "/parts", "parts"));
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

namespace {

// The state of one scenario being parsed, shared by the steps below (one job each).
struct scenario_parse {
  scenario_parse(const catalog_file& f, const catalog_source& cat, const std::vector<part_spec>& p)
      : file(f), catalog(cat), parts(p), j(detail::parse_json(f.name, f.text)), r(j, f.name, "")
  {
  }
  scenario_parse(const scenario_parse&) = delete;
  scenario_parse& operator=(const scenario_parse&) = delete;
  const catalog_file& file;
  const catalog_source& catalog;
  const std::vector<part_spec>& parts;
  const nlohmann::json j;
  const detail::json_object_reader r;  // reads j
  sweep_plan plan;
  evaluator_spec ev;
  std::vector<std::string> part_table;  // the parts the evaluator's table holds, by index
  std::vector<std::string> model_table; // the models the serving evaluator's table holds, by index
  std::vector<sweep_axis> declared;     // the axes in the file's order
  std::vector<std::string> group_by;
  std::string precision_name;
  numeric_format precision = numeric_format::bf16;
};

// The scenario's own fields, its evaluator and (capacity) its parts list, the inputs' defaults.
void parse_evaluator(scenario_parse& s)
{
  [[maybe_unused]] const auto& j = s.j;
  [[maybe_unused]] const auto& r = s.r;
  [[maybe_unused]] const auto& file = s.file;
  [[maybe_unused]] const auto& parts = s.parts;
  [[maybe_unused]] auto& plan = s.plan;
  [[maybe_unused]] auto& ev = s.ev;
  [[maybe_unused]] auto& part_table = s.part_table;
  [[maybe_unused]] auto& c = s.plan.config;
  r.allow_only({"id", "description", "evaluator", "model", "shape", "system", "part", "precision", "fixed", "axes",
                "group_by", "objective", "filter", "count", "histogram", "samples", "seed", "parts", "domestic_country",
                "notes"});
  plan.origin = file.name;
  plan.scenario = j;
  plan.digest = detail::fnv1a(j.dump());
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
  const sweep_evaluator_entry* entry = find_sweep_evaluator(plan.evaluator);
  if (entry == nullptr) {
    r.fail("evaluator", "unknown evaluator " + detail::quoted(plan.evaluator) + " (known: " + join(sweep_evaluator_names()) + ")");
  }
  const auto names = sweep_evaluator_names();
  ev = spec_of(*entry, static_cast<int>(std::find(names.begin(), names.end(), plan.evaluator) - names.begin()));
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
      ev.domains.push_back({"units", 0.0, 0.0, false, sweep_any, false, "expected a number of units >= 0"});
    }
  } else if (j.contains("parts")) {
    r.fail("parts", "only the capacity evaluator takes a parts list (use a \"part\" axis)");
  }
  plan.metric_names = ev.metrics;
  c.evaluator = static_cast<int>(ev.kind);
  for (int i = 0; i < sweep_max_inputs; ++i) {
    c.fixed[i] = i < static_cast<int>(ev.defaults.size()) ? ev.defaults[static_cast<std::size_t>(i)] : 0.0;
  }
  s.precision_name = j.contains("precision") ? r.required_string("precision") : "bf16";
  s.precision = parse_precision(s.precision_name);

}

// "fixed": numbers, distributions (Monte Carlo) and the part.
void parse_fixed(scenario_parse& s)
{
  [[maybe_unused]] const auto& j = s.j;
  [[maybe_unused]] const auto& r = s.r;
  [[maybe_unused]] const auto& file = s.file;
  [[maybe_unused]] const auto& parts = s.parts;
  [[maybe_unused]] auto& plan = s.plan;
  [[maybe_unused]] auto& ev = s.ev;
  [[maybe_unused]] auto& part_table = s.part_table;
  [[maybe_unused]] auto& c = s.plan.config;
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
      const auto problem = input_domain_problem(ev, item.key(), c.fixed[slot]);
      if (!problem.empty()) {
        f.fail(item.key(), problem + ", got " + detail::describe_json(item.value()));
      }
    }
  }

}

// The axes, group_by, the Monte Carlo sample axis, and the grid's sizes and value table.
void parse_grid(scenario_parse& s)
{
  [[maybe_unused]] const auto& j = s.j;
  [[maybe_unused]] const auto& r = s.r;
  [[maybe_unused]] const auto& file = s.file;
  [[maybe_unused]] const auto& parts = s.parts;
  [[maybe_unused]] auto& plan = s.plan;
  [[maybe_unused]] auto& ev = s.ev;
  [[maybe_unused]] auto& part_table = s.part_table;
  auto& declared = s.declared;
  auto& group_by = s.group_by;
  [[maybe_unused]] auto& c = s.plan.config;
  // Axes.
  if (!j.contains("axes") || !j.at("axes").is_array() || j.at("axes").empty()) {
    r.fail("axes", "expected a non-empty array of axes");
  }
  for (std::size_t i = 0; i < j.at("axes").size(); ++i) {
    declared.push_back(parse_axis(j.at("axes")[i], file.name, "/axes/" + std::to_string(i), ev, parts, part_table,
                                  s.catalog, s.model_table));
    if (declared.back().labels.empty()) {
      for (std::size_t k = 0; k < declared.back().values.size(); ++k) {
        const auto problem = input_domain_problem(ev, declared.back().name, declared.back().values[k]);
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

}

// The objective, filter, counts and histogram, and the metrics the kernel checks for NaN.
void parse_reductions(scenario_parse& s)
{
  [[maybe_unused]] const auto& j = s.j;
  [[maybe_unused]] const auto& r = s.r;
  [[maybe_unused]] const auto& file = s.file;
  [[maybe_unused]] const auto& parts = s.parts;
  [[maybe_unused]] auto& plan = s.plan;
  [[maybe_unused]] auto& ev = s.ev;
  [[maybe_unused]] auto& part_table = s.part_table;
  [[maybe_unused]] auto& c = s.plan.config;
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

}

// The serving evaluator's figures of a part: memory, links and its serving profile's
// efficiencies (serving_figures_for), with the dense peak of each weight width kept apart.
sweep_serving_part serving_part_of(const part_spec& part, const serving_profile& profile, const std::string& file)
{
  const auto peak = [&](numeric_format a, numeric_format b) {
    const auto& pa = part.dense_peak_ops_per_s[static_cast<std::size_t>(a)];
    const auto& pb = part.dense_peak_ops_per_s[static_cast<std::size_t>(b)];
    return pa.known() ? pa.mid : pb.known() ? pb.mid : 0.0;
  };
  sweep_serving_part out{};
  out.peak_16bit = peak(numeric_format::bf16, numeric_format::fp16);
  out.peak_8bit = peak(numeric_format::fp8, numeric_format::int8);
  out.peak_4bit = peak(numeric_format::fp4, numeric_format::fp4);
  // Any known peak stands in for the figures' own: the evaluator sets it per point.
  serving_precision_choice choice{};
  choice.compute = out.peak_16bit > 0 ? (part.dense_peak_ops_per_s[static_cast<std::size_t>(numeric_format::bf16)].known()
                                             ? numeric_format::bf16
                                             : numeric_format::fp16)
                   : out.peak_8bit > 0 ? (part.dense_peak_ops_per_s[static_cast<std::size_t>(numeric_format::fp8)].known()
                                              ? numeric_format::fp8
                                              : numeric_format::int8)
                                       : numeric_format::fp4;
  FC_EXPECTS(out.peak_16bit > 0 || out.peak_8bit > 0 || out.peak_4bit > 0,
             file + ": part " + part.id + " has no dense 16-, 8- or 4-bit peak to serve with");
  try {
    out.figures = serving_figures_for(part, profile, choice);
  } catch (const input_error& e) {
    throw input_error(file + ": part " + part.id + ": " + e.what());
  }
  return out;
}

// The serving evaluator's model table: a "model" axis, or the scenario's "model".
void set_up_serving(scenario_parse& s)
{
  auto& c = s.plan.config;
  if (s.model_table.empty()) {
    if (!s.j.contains("model")) {
      s.r.fail("model", "the serving evaluator needs \"model\" (a workload id) or a \"model\" axis with \"models\"");
    }
    s.model_table.push_back(s.r.required_string("model"));
    c.fixed[1] = 0.0;
  } else if (s.j.contains("model")) {
    s.r.fail("model", "give the model either here or as a \"model\" axis, not both");
  }
  if (s.part_table.empty()) {
    s.r.fail("axes", "the serving evaluator needs a part: \"fixed\": {\"part\": ID} or a \"part\" axis");
  }
  const auto workloads = load_workloads(s.catalog);
  c.serving_model_count = static_cast<int>(s.model_table.size());
  for (std::size_t m = 0; m < s.model_table.size(); ++m) {
    const auto* w = &workloads.front();
    try {
      w = &find_workload(workloads, s.model_table[m]);
    } catch (const input_error& e) {
      throw input_error(s.file.name + ": /model: " + e.what());
    }
    c.serving_models[m] = {w->shape, w->mla};
  }
}

// The evaluator's tables (parts, system and model, rule), and inputs that still have no value.
void set_up_tables(scenario_parse& s, const transformer_shape* shape, const system_spec* system_override)
{
  [[maybe_unused]] const auto& j = s.j;
  [[maybe_unused]] const auto& r = s.r;
  [[maybe_unused]] const auto& file = s.file;
  [[maybe_unused]] const auto& parts = s.parts;
  [[maybe_unused]] auto& plan = s.plan;
  [[maybe_unused]] auto& ev = s.ev;
  [[maybe_unused]] auto& part_table = s.part_table;
  const auto& declared = s.declared;
  const auto& catalog = s.catalog;
  const auto precision = s.precision;
  const auto& precision_name = s.precision_name;
  [[maybe_unused]] auto& c = s.plan.config;
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
  if (ev.kind == sweep_evaluator::serving) {
    set_up_serving(s);
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
  const bool s_model_table_empty = s.model_table.empty();
  for (std::size_t s = 0; s < ev.inputs.size(); ++s) {
    const bool on_axis = std::any_of(declared.begin(), declared.end(), [&](const sweep_axis& a) { return a.name == ev.inputs[s]; });
    if (!on_axis && std::isnan(c.fixed[s]) && !(ev.inputs[s] == "part" && !part_table.empty()) &&
        !(ev.inputs[s] == "model" && !s_model_table_empty)) {
      r.fail("fixed", "input \"" + ev.inputs[s] + "\" has no value: give it in \"fixed\" or as an axis");
    }
  }

  const auto serving_profiles =
      ev.kind == sweep_evaluator::serving ? load_serving_profiles(catalog, parts) : std::vector<serving_profile>{};
  const std::string domestic = j.contains("domestic_country") ? r.required_string("domestic_country") : "CN";
  c.part_count = static_cast<int>(part_table.size());
  for (std::size_t p = 0; p < part_table.size(); ++p) {
    const auto& part = find_part(parts, part_table[p]);
    const auto& peak = part.dense_peak_ops_per_s[static_cast<std::size_t>(precision)];
    FC_EXPECTS(peak.known() || ev.kind == sweep_evaluator::capacity || ev.kind == sweep_evaluator::serving,
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
    if (ev.kind == sweep_evaluator::serving) {
      c.serving_parts[p] = serving_part_of(part, serving_profile_for(serving_profiles, part), file.name);
    }
  }
}

}  // namespace

sweep_plan parse_scenario(const catalog_file& file, const catalog_source& catalog, const std::vector<part_spec>& parts,
                          const transformer_shape* shape, const system_spec* system_override)
{
  scenario_parse s(file, catalog, parts);
  parse_evaluator(s);
  parse_fixed(s);
  parse_grid(s);
  parse_reductions(s);
  set_up_tables(s, shape, system_override);
  return std::move(s.plan);
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

}  // namespace fleetcap
