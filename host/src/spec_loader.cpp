// Spec-sheet loading and validation (specs/<id>.json); the format is documented in
// specs/README.md and specs/schema.json.

#include <algorithm>
#include <map>

#include "detail/json_fields.hpp"
#include "fleetcap/catalog.hpp"
#include "fleetcap/error.hpp"

namespace fleetcap {

namespace {

// JSON key, format, unit scale to SI. Integer formats are quoted in TOPS, floating ones in
// TFLOPS; both are 1e12 operations per second.
struct peak_field {
  const char* key;
  numeric_format format;
  bool optional_key;
};

constexpr peak_field peak_fields[] = {
    {"fp64_dense_tflops", numeric_format::fp64, false},
    {"fp64_tensor_dense_tflops", numeric_format::fp64_tensor, false},
    {"fp32_dense_tflops", numeric_format::fp32, false},
    {"tf32_dense_tflops", numeric_format::tf32, false},
    {"bf16_dense_tflops", numeric_format::bf16, false},
    {"fp16_dense_tflops", numeric_format::fp16, false},
    {"fp8_dense_tflops", numeric_format::fp8, false},
    {"int8_dense_tops", numeric_format::int8, false},
    {"fp4_dense_tflops", numeric_format::fp4, false},
    {"int4_dense_tops", numeric_format::int4, true},
    {"int16_dense_tops", numeric_format::int16, true},
};

constexpr double tera = 1e12;
constexpr double giga = 1e9;

std::string file_stem(const std::string& name)
{
  const auto slash = name.find_last_of('/');
  std::string base = slash == std::string::npos ? name : name.substr(slash + 1);
  const auto dot = base.rfind(".json");
  return dot == std::string::npos ? base : base.substr(0, dot);
}

std::size_t edit_distance(const std::string& a, const std::string& b)
{
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0u : 1u)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

part_spec parse_spec(const catalog_file& file)
{
  const auto json = detail::parse_json(file.name, file.text);
  const detail::json_object_reader r(json, file.name, "");
  r.allow_only({"id", "name", "vendor", "vendor_country", "architecture", "launch_year",
                "data_center", "fp64_dense_tflops", "fp64_tensor_dense_tflops",
                "fp32_dense_tflops", "tf32_dense_tflops", "bf16_dense_tflops",
                "fp16_dense_tflops", "fp8_dense_tflops", "int8_dense_tops", "fp4_dense_tflops",
                "int4_dense_tops", "int16_dense_tops", "memory_gb", "memory_type",
                "memory_bandwidth_tbps", "scale_up", "scale_up_bandwidth_gbps", "host_interface",
                "tdp_w", "logic_die_count", "logic_die_area_mm2", "logic_die_non_planar",
                "process", "price_usd", "confidence", "notes", "sources"});

  part_spec p;
  p.origin = file.name;
  p.id = r.required_string("id");
  if (!detail::valid_id(p.id)) {
    r.fail("id", "\"" + p.id + "\" is not a valid id (use lower-case letters, digits, '-', '_', '.')");
  }
  if (p.id != file_stem(file.name)) {
    r.fail("id", "\"" + p.id + "\" does not match the file name (expected \"" +
                     file_stem(file.name) + "\")");
  }
  p.name = r.required_string("name");
  p.vendor = r.required_string("vendor");
  p.vendor_country = r.required_string("vendor_country");
  if (p.vendor_country.size() != 2 ||
      !std::all_of(p.vendor_country.begin(), p.vendor_country.end(),
                   [](char c) { return c >= 'A' && c <= 'Z'; })) {
    r.fail("vendor_country", "expected an ISO 3166-1 alpha-2 code such as \"US\", got \"" +
                                 p.vendor_country + "\"");
  }
  p.architecture = r.nullable_string("architecture");
  p.launch_year = r.nullable_integer("launch_year", 1990, 2100);
  p.data_center = r.required_bool("data_center");

  for (const auto& f : peak_fields) {
    p.dense_peak_ops_per_s[static_cast<std::size_t>(f.format)] =
        r.nullable_positive_range(f.key, tera, f.optional_key);
  }
  p.memory_bytes = r.nullable_positive_range("memory_gb", giga);
  p.memory_type = r.nullable_string("memory_type");
  p.memory_bandwidth_bytes_per_s = r.nullable_positive_range("memory_bandwidth_tbps", tera);
  p.scale_up = r.nullable_string("scale_up");
  p.scale_up_bandwidth_bytes_per_s = r.nullable_positive_range("scale_up_bandwidth_gbps", giga);
  p.host_interface = r.nullable_string("host_interface");
  p.tdp_watts = r.nullable_positive_range("tdp_w", 1.0);
  p.logic_die_count = r.nullable_integer("logic_die_count", 1, 64);
  p.logic_die_area_m2 = r.nullable_positive_range("logic_die_area_mm2", 1e-6);
  p.logic_die_non_planar = r.nullable_bool("logic_die_non_planar");
  p.process = r.nullable_string("process");
  p.price_usd = r.nullable_positive_range("price_usd", 1.0);
  p.confidence = r.required_string("confidence");
  p.notes = r.string_array("notes", false);
  p.sources = r.string_array("sources", true);
  return p;
}

std::vector<part_spec> load_specs(const catalog_source& source)
{
  const auto files = source.json_files("specs");
  FC_EXPECTS(!files.empty(), source.describe() + ": specs/: no spec sheets (*.json) found");
  std::vector<part_spec> parts;
  std::map<std::string, std::string> seen;  // id -> file
  for (const auto& f : files) {
    auto p = parse_spec(f);
    const auto [it, inserted] = seen.emplace(p.id, f.name);
    FC_EXPECTS(inserted, f.name + ": /id: duplicate id \"" + p.id + "\" (also in " + it->second + ")");
    parts.push_back(std::move(p));
  }
  std::sort(parts.begin(), parts.end(),
            [](const part_spec& a, const part_spec& b) { return a.id < b.id; });
  return parts;
}

std::vector<std::string> closest_ids(const std::vector<std::string>& known, const std::string& id,
                                     std::size_t limit)
{
  std::vector<std::pair<std::size_t, std::string>> scored;
  for (const auto& k : known) {
    // A substring match ("h100" in "h100-sxm") counts as close whatever the length gap.
    const bool contains = !id.empty() && k.find(id) != std::string::npos;
    scored.emplace_back(contains ? 0 : edit_distance(k, id), k);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  const std::size_t cutoff = std::max<std::size_t>(3, id.size() / 2);
  for (const auto& [d, k] : scored) {
    if (out.size() == limit || d > cutoff) {
      break;
    }
    out.push_back(k);
  }
  return out;
}

const part_spec& find_part(const std::vector<part_spec>& parts, const std::string& id)
{
  std::vector<std::string> ids;
  for (const auto& p : parts) {
    if (p.id == id) {
      return p;
    }
    ids.push_back(p.id);
  }
  const auto near = closest_ids(ids, id);
  std::string msg = "unknown part id " + detail::quoted(id);
  if (!near.empty()) {
    msg += " (closest: ";
    for (std::size_t i = 0; i < near.size(); ++i) {
      msg += (i ? ", " : "") + near[i];
    }
    msg += ")";
  }
  msg += "; `fleetcap specs list` shows every id";
  throw input_error(msg);
}

}  // namespace fleetcap
