// Serving profiles (specs/serving/) and serving measurements (data/serving/): loading and
// validation; precisions and the kernel's figures for a part.

#include "fleetcap/serving.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "detail/json_fields.hpp"
#include "fleetcap/error.hpp"
#include "fleetcap/format.hpp"

namespace fleetcap {

namespace {

using detail::file_stem;

double positive(const detail::json_object_reader& r, const char* key, double scale = 1.0)
{
  return detail::required_positive(r, key, scale);
}

double fraction(const detail::json_object_reader& r, const char* key)
{
  const double x = positive(r, key);
  if (x > 1.0) {
    r.fail(key, "expected a fraction in (0, 1], got " + format_number(x, 3));
  }
  return x;
}

// Whole numbers here are counts of chips, tokens or sequences: at most 1e9.
double whole(const detail::json_object_reader& r, const char* key, const nlohmann::json& obj)
{
  const double x = detail::required_whole(r, key, obj);
  if (x > 1e9) {
    r.fail(key, "expected a whole number from 1 to 1e9, got " + obj.at(key).dump());
  }
  return x;
}

std::string unknown_id_message(const std::string& what, const std::string& id, const std::vector<std::string>& ids)
{
  const auto near = closest_ids(ids, id);
  return "unknown " + what + " id " + detail::quoted(id) + (near.empty() ? "" : " (closest: " + near[0] + ")");
}

}  // namespace

// ---- profiles -----------------------------------------------------------------------------------

serving_profile default_serving_profile(const part_spec& part)
{
  serving_profile p;
  p.id = "default-" + part.id;
  p.part = part.id;
  p.origin = "default";
  p.notes = {"No serving profile for this part: the project's uncalibrated defaults (decode reaches 75% of HBM "
             "bandwidth and 50% of peak, prefill 60% of peak, routed experts' GEMMs 30% of peak, 2 ms per decode step, 10 us per collective, 10% "
             "of memory reserved, at most 2,048 sequences per replica; 8 chips per node, 50 GB/s per chip "
             "scale-out)."};
  return p;
}

serving_profile parse_serving_profile(const catalog_file& file, const std::vector<part_spec>& parts)
{
  const auto j = detail::parse_json(file.name, file.text);
  const detail::json_object_reader r(j, file.name, "");
  r.allow_only({"id", "name", "part", "chips_per_node", "scale_out_gbps_per_chip", "efficiency", "calibrated_on", "notes",
                "sources"});
  serving_profile p;
  p.origin = file.name;
  p.id = r.required_string("id");
  if (p.id != file_stem(file.name)) {
    r.fail("id", "\"" + p.id + "\" does not match the file name (expected \"" + file_stem(file.name) + "\")");
  }
  r.required_string("name");
  p.part = r.required_string("part");
  std::vector<std::string> ids;
  bool known = false;
  for (const auto& part : parts) {
    known = known || part.id == p.part;
    ids.push_back(part.id);
  }
  if (!known) {
    r.fail("part", unknown_id_message("part", p.part, ids));
  }
  p.chips_per_node = whole(r, "chips_per_node", j);
  p.scale_out_bytes_per_s = positive(r, "scale_out_gbps_per_chip", 1e9);
  const auto eff = j.find("efficiency");
  if (eff == j.end()) {
    r.fail("efficiency", "missing required field");
  }
  if (!eff->is_object()) {
    r.fail("efficiency", "expected an object, got " + detail::describe_json(*eff));
  }
  const detail::json_object_reader e(*eff, file.name, "/efficiency");
  e.allow_only({"prefill_compute", "decode_compute", "expert_compute", "decode_bandwidth", "collective", "collective_latency_us",
                "step_overhead_ms", "memory_reserve", "max_batch"});
  p.prefill_compute = fraction(e, "prefill_compute");
  p.decode_compute = fraction(e, "decode_compute");
  p.expert_compute = fraction(e, "expert_compute");
  p.decode_bandwidth = fraction(e, "decode_bandwidth");
  p.collective = fraction(e, "collective");
  p.collective_latency_s = positive(e, "collective_latency_us", 1e-6);
  p.step_overhead_s = positive(e, "step_overhead_ms", 1e-3);
  p.memory_reserve = fraction(e, "memory_reserve");
  if (p.memory_reserve >= 1.0) {
    e.fail("memory_reserve", "expected a fraction below 1");
  }
  p.max_batch = whole(e, "max_batch", *eff);
  if (j.contains("calibrated_on")) {
    p.calibrated_on = r.string_array("calibrated_on", false);
  }
  p.notes = r.string_array("notes", false);
  p.sources = r.string_array("sources", true);
  return p;
}

std::vector<serving_profile> load_serving_profiles(const catalog_source& source, const std::vector<part_spec>& parts)
{
  std::vector<serving_profile> out;
  for (const auto& f : source.json_files("specs/serving")) {
    out.push_back(parse_serving_profile(f, parts));
    for (std::size_t i = 0; i + 1 < out.size(); ++i) {
      FC_EXPECTS(out[i].part != out.back().part, f.name + ": /part: " + out.back().part +
                                                     " already has a serving profile (" + out[i].origin + ")");
    }
  }
  return out;
}

serving_profile serving_profile_for(const std::vector<serving_profile>& profiles, const part_spec& part)
{
  for (const auto& p : profiles) {
    if (p.part == part.id) {
      return p;
    }
  }
  return default_serving_profile(part);
}

serving_profile load_serving_profile_file(const std::string& path, const std::vector<part_spec>& parts)
{
  std::ifstream in(path, std::ios::binary);
  FC_EXPECTS(in.good(), "--profile: " + path + ": no such file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_serving_profile({path, text.str()}, parts);
}

// ---- precisions and figures -----------------------------------------------------------------------

std::string serving_kv_precision(const std::string& precision, const std::string& kv)
{
  if (!kv.empty()) {
    return kv;
  }
  return precision == "fp8" || precision == "fp4" ? "fp8" : "bf16";
}

serving_precision_choice serving_precision_for(const part_spec& part, const std::string& precision,
                                               const std::string& kv_precision)
{
  serving_precision_choice c{};
  c.name = precision;
  c.bytes.activation_bytes = 2.0;  // BF16 activations between layers and in collectives
  if (precision == "bf16" || precision == "fp16") {
    c.compute = precision == "bf16" ? numeric_format::bf16 : numeric_format::fp16;
    c.bytes.weight_bytes = 2.0;
  } else if (precision == "fp8" || precision == "int8") {
    c.compute = precision == "fp8" ? numeric_format::fp8 : numeric_format::int8;
    c.bytes.weight_bytes = 1.0;
  } else if (precision == "fp4") {
    c.compute = numeric_format::fp4;
    c.bytes.weight_bytes = 0.5;
  } else if (precision == "int4") {
    // Weight-only INT4 (AWQ/GPTQ): weights stored in 4 bits, multiplied in 16-bit.
    c.compute = numeric_format::fp16;
    c.bytes.weight_bytes = 0.5;
  } else {
    throw input_error("--precision: expected bf16, fp16, fp8, int8, fp4 or int4, got " + detail::quoted(precision));
  }
  c.kv_name = serving_kv_precision(precision, kv_precision);
  if (c.kv_name == "fp8" || c.kv_name == "int8") {
    c.bytes.kv_bytes = 1.0;
  } else if (c.kv_name == "bf16" || c.kv_name == "fp16") {
    c.bytes.kv_bytes = 2.0;
  } else {
    throw input_error("--kv-precision: expected bf16, fp16, fp8 or int8, got " + detail::quoted(c.kv_name));
  }
  const auto& peak = part.dense_peak_ops_per_s[static_cast<std::size_t>(c.compute)];
  FC_EXPECTS(peak.known(), "--precision: " + part.id + " has no published dense " + format_name(c.compute) +
                               " peak, so " + precision + " serving cannot be costed (" + part.origin + ")");
  return c;
}

serving_figures serving_figures_for(const part_spec& part, const serving_profile& profile,
                                    const serving_precision_choice& precision)
{
  serving_figures f{};
  f.peak_flop_per_s = part.dense_peak_ops_per_s[static_cast<std::size_t>(precision.compute)].mid;
  // The attention core runs in BF16 (FlashAttention/FlashMLA kernels) whatever the weights.
  const auto& bf16 = part.dense_peak_ops_per_s[static_cast<std::size_t>(numeric_format::bf16)];
  const auto& fp16 = part.dense_peak_ops_per_s[static_cast<std::size_t>(numeric_format::fp16)];
  f.attention_peak_flop_per_s = bf16.known() ? bf16.mid : fp16.known() ? fp16.mid : f.peak_flop_per_s;
  FC_EXPECTS(part.memory_bytes.known(), part.id + ": memory capacity unknown (" + part.origin +
                                            "); serving needs it for the weights and the KV cache");
  FC_EXPECTS(part.memory_bandwidth_bytes_per_s.known(),
             part.id + ": memory bandwidth unknown (" + part.origin + "); decode is bound by it");
  f.memory_bytes = part.memory_bytes.mid;
  f.memory_bandwidth_bytes_per_s = part.memory_bandwidth_bytes_per_s.mid;
  // Bidirectional scale-up figures count both directions; a collective's time is set by one.
  f.scale_out_bytes_per_s = profile.scale_out_bytes_per_s;
  f.scale_up_bytes_per_s = part.scale_up_bandwidth_bytes_per_s.known() ? part.scale_up_bandwidth_bytes_per_s.mid / 2.0
                                                                        : profile.scale_out_bytes_per_s;
  f.chips_per_node = profile.chips_per_node;
  f.prefill_compute = profile.prefill_compute;
  f.decode_compute = profile.decode_compute;
  f.expert_compute = profile.expert_compute;
  f.decode_bandwidth = profile.decode_bandwidth;
  f.collective = profile.collective;
  f.collective_latency_s = profile.collective_latency_s;
  f.step_overhead_s = profile.step_overhead_s;
  f.memory_reserve = profile.memory_reserve;
  f.max_batch = profile.max_batch;
  return f;
}

// ---- measurements ---------------------------------------------------------------------------------

serving_measurement_set parse_serving_measurements(const catalog_file& file, const std::vector<workload>& workloads,
                                                   const std::vector<part_spec>& parts)
{
  const auto j = detail::parse_json(file.name, file.text);
  const detail::json_object_reader r(j, file.name, "");
  r.allow_only({"id", "name", "measurements", "notes", "sources"});
  serving_measurement_set set;
  set.origin = file.name;
  set.id = r.required_string("id");
  if (set.id != file_stem(file.name)) {
    r.fail("id", "\"" + set.id + "\" does not match the file name (expected \"" + file_stem(file.name) + "\")");
  }
  set.name = r.required_string("name");
  set.notes = r.string_array("notes", false);
  set.sources = r.string_array("sources", true);
  const auto rows = j.find("measurements");
  if (rows == j.end()) {
    r.fail("measurements", "missing required field");
  }
  if (!rows->is_array() || rows->empty()) {
    r.fail("measurements", "expected a non-empty array, got " + detail::describe_json(*rows));
  }
  std::vector<std::string> model_ids, part_ids;
  for (const auto& w : workloads) {
    model_ids.push_back(w.id);
  }
  for (const auto& p : parts) {
    part_ids.push_back(p.id);
  }
  const std::set<std::string> modes = {"offline", "server", "decode", "prefill", "end-to-end"};
  const std::set<std::string> metrics = {"output_tokens_per_s", "output_tokens_per_s_per_chip", "total_tokens_per_s",
                                         "tpot_ms",             "ttft_ms",                      "input_tokens_per_s_per_chip"};
  std::set<std::string> names;
  for (std::size_t i = 0; i < rows->size(); ++i) {
    const auto& row = rows->at(i);
    const std::string pointer = "/measurements/" + std::to_string(i);
    if (!row.is_object()) {
      throw input_error(file.name + ": " + pointer + ": expected an object, got " + detail::describe_json(row));
    }
    const detail::json_object_reader m(row, file.name, pointer);
    m.allow_only({"name", "model", "part", "chips", "precision", "tp", "ep", "pp", "input_len", "output_len",
                  "concurrency", "batch", "speculative_tokens", "mode", "metric", "value", "latency_constraint", "notes"});
    serving_measurement x;
    x.name = m.required_string("name");
    if (!names.insert(x.name).second) {
      m.fail("name", detail::quoted(x.name) + " is listed twice in this file");
    }
    x.model = m.required_string("model");
    if (std::find(model_ids.begin(), model_ids.end(), x.model) == model_ids.end()) {
      m.fail("model", unknown_id_message("workload", x.model, model_ids));
    }
    x.part = m.required_string("part");
    if (std::find(part_ids.begin(), part_ids.end(), x.part) == part_ids.end()) {
      m.fail("part", unknown_id_message("part", x.part, part_ids));
    }
    x.chips = whole(m, "chips", row);
    x.precision = m.required_string("precision");
    for (auto [key, slot] : {std::pair<const char*, double*>{"tp", &x.tp},
                             {"ep", &x.ep},
                             {"pp", &x.pp},
                             {"input_len", &x.input_len},
                             {"output_len", &x.output_len},
                             {"concurrency", &x.concurrency},
                             {"batch", &x.batch},
                             {"speculative_tokens", &x.speculative_tokens}}) {
      if (row.contains(key)) {
        *slot = whole(m, key, row);
      }
    }
    x.mode = m.required_string("mode");
    if (!modes.count(x.mode)) {
      m.fail("mode", "expected offline, server, decode, prefill or end-to-end, got " + detail::quoted(x.mode));
    }
    x.metric = m.required_string("metric");
    if (!metrics.count(x.metric)) {
      m.fail("metric", "unknown metric " + detail::quoted(x.metric));
    }
    x.value = positive(m, "value");
    if (row.contains("latency_constraint")) {
      x.latency_constraint = m.required_string("latency_constraint");
    }
    m.string_array("notes", true);
    set.measurements.push_back(std::move(x));
  }
  return set;
}

std::vector<serving_measurement_set> load_serving_measurements(const catalog_source& source,
                                                               const std::vector<workload>& workloads,
                                                               const std::vector<part_spec>& parts)
{
  std::vector<serving_measurement_set> out;
  for (const auto& f : source.json_files("data/serving")) {
    if (f.name.find(".measurements.json") == std::string::npos) {
      continue;
    }
    out.push_back(parse_serving_measurements(f, workloads, parts));
  }
  return out;
}

serving_measurement_set load_serving_measurement_set(const std::string& id_or_path, const catalog_source& source,
                                                     const std::vector<workload>& workloads,
                                                     const std::vector<part_spec>& parts)
{
  std::ifstream in(id_or_path, std::ios::binary);
  if (in.good() && id_or_path.find(".json") != std::string::npos) {
    std::ostringstream text;
    text << in.rdbuf();
    return parse_serving_measurements({id_or_path, text.str()}, workloads, parts);
  }
  std::vector<std::string> ids;
  for (const auto& f : source.json_files("data/serving")) {
    if (f.name.find(".measurements.json") == std::string::npos) {
      continue;
    }
    if (file_stem(f.name) == id_or_path) {
      return parse_serving_measurements(f, workloads, parts);
    }
    ids.push_back(file_stem(f.name));
  }
  throw input_error(id_or_path + ": no such file, and " + unknown_id_message("serving measurement set", id_or_path, ids));
}

}  // namespace fleetcap
