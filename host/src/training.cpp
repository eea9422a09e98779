// Systems, workloads and calibration runs: loading and validation; layout checks.

#include "fleetcap/training.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "detail/json_fields.hpp"
#include "fleetcap/error.hpp"
#include "fleetcap/format.hpp"

namespace fleetcap {

namespace {

std::string stem_of(const std::string& name) { return detail::file_stem(name); }

double positive(const detail::json_object_reader& r, const char* key, double scale = 1.0)
{
  return detail::required_positive(r, key, scale);
}

double whole(const detail::json_object_reader& r, const char* key, const nlohmann::json& obj)
{
  return detail::required_whole(r, key, obj);
}

// A count that may be 0 (shared experts, dense layers): a whole number 0 .. 1e6 (1.0 as
// `train --json` prints it is whole too).
double count_or_zero(const detail::json_object_reader& r, const char* key, const nlohmann::json& obj)
{
  const auto& v = obj.at(key);
  if (!v.is_number()) {
    r.fail(key, "expected a whole number from 0 to 1000000, got " + v.dump());
  }
  const double x = v.get<double>();
  if (!(x >= 0.0 && x <= 1e6 && std::floor(x) == x)) {
    r.fail(key, "expected a whole number from 0 to 1000000, got " + v.dump());
  }
  return x;
}

transformer_shape parse_shape_json(const nlohmann::json& j, const std::string& file, const std::string& pointer)
{
  const detail::json_object_reader r(j, file, pointer);
  r.allow_only({"layers", "hidden", "heads", "kv_heads", "ffn", "seq", "vocab", "mlp", "experts", "top_k",
                "tied_embeddings", "shared_experts", "dense_layers", "dense_ffn", "head_dim", "mla"});
  transformer_shape m{};
  m.layers = whole(r, "layers", j);
  m.hidden = whole(r, "hidden", j);
  m.heads = whole(r, "heads", j);
  m.kv_heads = whole(r, "kv_heads", j);
  m.ffn = whole(r, "ffn", j);
  m.seq = whole(r, "seq", j);
  m.vocab = whole(r, "vocab", j);
  const auto mlp = r.required_string("mlp");
  if (mlp == "gelu") {
    m.mlp = static_cast<int>(mlp_kind::gelu);
  } else if (mlp == "swiglu") {
    m.mlp = static_cast<int>(mlp_kind::swiglu);
  } else {
    r.fail("mlp", "expected gelu or swiglu, got \"" + mlp + "\"");
  }
  m.experts = whole(r, "experts", j);
  m.top_k = whole(r, "top_k", j);
  m.tied_embeddings = r.required_bool("tied_embeddings") ? 1 : 0;
  // Optional MoE details; shared_experts and dense_layers may be 0.
  m.shared_experts = j.contains("shared_experts") ? count_or_zero(r, "shared_experts", j) : 0.0;
  m.dense_layers = j.contains("dense_layers") ? count_or_zero(r, "dense_layers", j) : 0.0;
  m.dense_ffn = j.contains("dense_ffn") ? whole(r, "dense_ffn", j) : 0.0;
  m.head_dim = j.contains("head_dim") ? whole(r, "head_dim", j) : 0.0;
  check_shape(m, file + ": " + pointer);
  return m;
}

// DeepSeek's multi-head latent attention, named as in the released config.json.
latent_attention parse_latent_attention(const nlohmann::json& j, const std::string& file, const std::string& pointer)
{
  if (!j.is_object()) {
    throw input_error(file + ": " + pointer + ": expected an object, got " + detail::describe_json(j));
  }
  const detail::json_object_reader r(j, file, pointer);
  r.allow_only({"kv_lora_rank", "qk_rope_head_dim", "qk_nope_head_dim", "v_head_dim"});
  latent_attention a{};
  a.kv_rank = whole(r, "kv_lora_rank", j);
  a.rope_dim = whole(r, "qk_rope_head_dim", j);
  a.qk_nope_dim = whole(r, "qk_nope_head_dim", j);
  a.v_dim = whole(r, "v_head_dim", j);
  return a;
}

parallel_layout parse_layout_json(const nlohmann::json& j, const std::string& file, const std::string& pointer)
{
  const detail::json_object_reader r(j, file, pointer);
  r.allow_only({"tp", "pp", "dp", "micro_batch", "global_batch", "interleave", "recompute", "sequence_parallel", "zero",
                "cp", "first_stage_layers", "last_stage_layers", "ep", "ep_overlap", "fused_attention"});
  parallel_layout l{};
  l.tp = whole(r, "tp", j);
  l.pp = whole(r, "pp", j);
  l.dp = whole(r, "dp", j);
  l.micro_batch = whole(r, "micro_batch", j);
  l.global_batch = whole(r, "global_batch", j);
  l.interleave = whole(r, "interleave", j);
  const auto rc = r.required_string("recompute");
  if (rc == "none") {
    l.recompute = static_cast<int>(recompute_mode::none);
  } else if (rc == "selective") {
    l.recompute = static_cast<int>(recompute_mode::selective);
  } else if (rc == "full") {
    l.recompute = static_cast<int>(recompute_mode::full);
  } else {
    r.fail("recompute", "expected none, selective or full, got \"" + rc + "\"");
  }
  l.sequence_parallel = r.required_bool("sequence_parallel") ? 1 : 0;
  const auto zero = r.nullable_integer("zero", 0, 3);
  if (!zero) {
    r.fail("zero", "expected 0, 1, 2 or 3");
  }
  l.zero = *zero;
  l.cp = j.contains("cp") ? whole(r, "cp", j) : 1.0;
  l.first_stage_layers = j.contains("first_stage_layers") ? whole(r, "first_stage_layers", j) : 0.0;
  l.last_stage_layers = j.contains("last_stage_layers") ? whole(r, "last_stage_layers", j) : 0.0;
  l.ep = j.contains("ep") ? whole(r, "ep", j) : 1.0;
  l.ep_overlap = j.contains("ep_overlap") && r.required_bool("ep_overlap") ? 1 : 0;
  l.fused_attention = j.contains("fused_attention") && r.required_bool("fused_attention") ? 1 : 0;
  return l;
}

std::string n0(double x) { return format_number(x, 0); }

}  // namespace

void check_shape(const transformer_shape& m, const std::string& where)
{
  FC_EXPECTS(m.head_dim > 0.0 || std::fmod(m.hidden, m.heads) == 0.0,
             where + ": hidden " + n0(m.hidden) + " is not divisible by heads " + n0(m.heads) +
                 " (give head_dim when the heads are sized on their own)");
  FC_EXPECTS(m.kv_heads <= m.heads && std::fmod(m.heads, m.kv_heads) == 0.0,
             where + ": heads " + n0(m.heads) + " is not a multiple of kv_heads " + n0(m.kv_heads));
  FC_EXPECTS(m.top_k <= m.experts, where + ": top_k " + n0(m.top_k) + " exceeds experts " + n0(m.experts));
  const bool moe = m.experts > 1.0;
  FC_EXPECTS(moe || (m.shared_experts == 0.0 && m.dense_layers == 0.0 && m.dense_ffn == 0.0),
             where + ": shared_experts, dense_layers and dense_ffn describe a mixture of experts; they need experts > 1");
  FC_EXPECTS(m.dense_layers < m.layers, where + ": dense_layers " + n0(m.dense_layers) + " leaves no MoE layer of the " +
                                            n0(m.layers) + " layers");
}

void check_layout(const transformer_shape& m, const parallel_layout& l, double chips, const std::string& where)
{
  const double cp = l.cp > 1.0 ? l.cp : 1.0;
  const std::string split = cp > 1.0 ? "tp x cp x pp" : "tp x pp";
  FC_EXPECTS(l.dp == std::floor(l.dp) && l.dp >= 1.0,
             where + ": chips " + n0(chips) + " are not divisible by " + split + " = " + n0(l.tp * cp * l.pp));
  FC_EXPECTS(l.tp * cp * l.pp * l.dp == chips,
             where + ": " + split + " x dp = " + n0(l.tp) + " x " + (cp > 1.0 ? n0(cp) + " x " : "") + n0(l.pp) +
                 " x " + n0(l.dp) + " = " + n0(l.tp * cp * l.pp * l.dp) + ", not the chip count " + n0(chips));
  FC_EXPECTS(std::fmod(m.heads, l.tp) == 0.0,
             where + ": heads " + n0(m.heads) + " are not divisible by tp " + n0(l.tp));
  // Expert parallelism splits the routed experts over ep of the dp x cp ranks (Megatron-Core).
  const double ep = l.ep > 1.0 ? l.ep : 1.0;
  FC_EXPECTS(ep == 1.0 || m.experts > 1.0, where + ": ep " + n0(ep) + " needs a mixture-of-experts model (experts > 1)");
  FC_EXPECTS(std::fmod(m.experts, ep) == 0.0,
             where + ": ep " + n0(ep) + " does not divide the " + n0(m.experts) + " routed experts");
  FC_EXPECTS(std::fmod(l.dp * cp, ep) == 0.0,
             where + ": ep " + n0(ep) + " does not divide dp x cp = " + n0(l.dp * cp) +
                 " (expert-parallel ranks are taken from the data-parallel ones)");
  FC_EXPECTS(l.ep_overlap == 0 || ep > 1.0, where + ": ep_overlap needs expert parallelism (ep > 1)");
  // Load-balanced context parallelism cuts the sequence into 2 cp chunks (Llama 3 sec. 3.3.2).
  FC_EXPECTS(cp == 1.0 || std::fmod(m.seq, 2.0 * cp) == 0.0,
             where + ": sequence " + n0(m.seq) + " is not divisible by 2 x cp = " + n0(2.0 * cp));
  const bool uneven = l.first_stage_layers > 0.0 || l.last_stage_layers > 0.0;
  if (uneven) {
    FC_EXPECTS(l.first_stage_layers > 0.0 && l.last_stage_layers > 0.0,
               where + ": give both first_stage_layers and last_stage_layers (or neither, for an even split)");
    FC_EXPECTS(l.pp >= 2.0, where + ": first/last stage layers need pp >= 2");
    FC_EXPECTS(l.interleave == 1.0, where + ": uneven stages are modelled without interleaving (interleave 1)");
    const double rest = m.layers - l.first_stage_layers - l.last_stage_layers;
    if (l.pp == 2.0) {
      FC_EXPECTS(rest == 0.0, where + ": with pp 2, first + last stage layers must be the " + n0(m.layers) + " layers");
    } else {
      FC_EXPECTS(rest >= l.pp - 2.0 && std::fmod(rest, l.pp - 2.0) == 0.0,
                 where + ": the " + n0(rest) + " layers left for the " + n0(l.pp - 2.0) +
                     " middle stages do not divide evenly");
    }
  } else {
    FC_EXPECTS(std::fmod(m.layers, l.pp * l.interleave) == 0.0,
               where + ": layers " + n0(m.layers) + " are not divisible by pp x interleave = " + n0(l.pp * l.interleave) +
                   " (give first/last stage layers for an uneven split)");
  }
  FC_EXPECTS(std::fmod(l.global_batch, l.micro_batch * l.dp) == 0.0,
             where + ": global batch " + n0(l.global_batch) + " is not divisible by micro-batch x dp = " +
                 n0(l.micro_batch * l.dp));
  FC_EXPECTS(l.interleave == 1.0 || l.pp > 1.0, where + ": interleave > 1 needs pp > 1");
  FC_EXPECTS(l.sequence_parallel == 0 || l.tp > 1.0, where + ": sequence parallelism needs tp > 1");
  // DeepSpeed: "ZeRO-2 and ZeRO-3 are incompatible with pipeline parallelism"; ZeRO-1 (and
  // Megatron's distributed optimizer) works with it.
  FC_EXPECTS(l.zero <= 1 || l.pp == 1.0, where + ": ZeRO stage " + std::to_string(l.zero) +
                                             " does not combine with pipeline parallelism (pp " + n0(l.pp) +
                                             "); use ZeRO 0 or 1");
}

const char* recompute_name(int recompute)
{
  static const char* const names[] = {"none", "selective", "full"};
  return recompute >= 0 && recompute <= 2 ? names[recompute] : "none";
}

numeric_format parse_precision(const std::string& text)
{
  for (int f = 0; f < format_count; ++f) {
    if (text == format_name(static_cast<numeric_format>(f))) {
      return static_cast<numeric_format>(f);
    }
  }
  throw input_error("--precision: expected one of fp64, fp32, tf32, bf16, fp16, fp8, int8, fp4, got \"" + text + "\"");
}

system_spec parse_system(const catalog_file& file, const std::vector<part_spec>& parts)
{
  const auto j = detail::parse_json(file.name, file.text);
  const detail::json_object_reader r(j, file.name, "");
  r.allow_only({"id", "name", "part", "chips_per_node", "scale_up_bandwidth_gbps", "scale_out_gbps_per_chip",
                "efficiency", "calibrated_on", "notes", "sources"});
  system_spec s;
  s.origin = file.name;
  s.id = r.required_string("id");
  if (s.id != stem_of(file.name)) {
    r.fail("id", "\"" + s.id + "\" does not match the file name (expected \"" + stem_of(file.name) + "\")");
  }
  s.name = r.required_string("name");
  s.part = r.required_string("part");
  bool known = false;
  std::vector<std::string> ids;
  for (const auto& p : parts) {
    known = known || p.id == s.part;
    ids.push_back(p.id);
  }
  if (!known) {
    const auto near = closest_ids(ids, s.part);
    r.fail("part", "unknown part id " + detail::quoted(s.part) + (near.empty() ? "" : " (closest: " + near[0] + ")"));
  }
  s.chips_per_node = whole(r, "chips_per_node", j);
  s.scale_up_bytes_per_s_bidir = r.nullable_positive_range("scale_up_bandwidth_gbps", 1e9, true);
  s.scale_out_bytes_per_s = positive(r, "scale_out_gbps_per_chip", 1e9);
  const auto eff = j.find("efficiency");
  if (eff == j.end()) {
    r.fail("efficiency", "missing required field");
  }
  const detail::json_object_reader e(*eff, file.name, "/efficiency");
  if (eff->is_object() && eff->contains("collective")) {
    e.fail("collective", "split into scale_up_collective and scale_out_collective (one efficiency per link)");
  }
  e.allow_only({"matmul_max", "matmul_half_size", "scale_up_collective", "scale_out_collective", "dp_overlap",
                "elementwise"});
  s.matmul_max = positive(e, "matmul_max");
  s.matmul_half_size = eff->contains("matmul_half_size") && eff->at("matmul_half_size") == 0 ? 0.0
                                                                                                : positive(e, "matmul_half_size");
  s.scale_up_collective = positive(e, "scale_up_collective");
  s.scale_out_collective = positive(e, "scale_out_collective");
  if (eff->contains("elementwise")) {
    s.elementwise = positive(e, "elementwise");
  }
  if (!eff->contains("dp_overlap")) {
    e.fail("dp_overlap", "missing required field");
  }
  s.dp_overlap = eff->at("dp_overlap").is_number() ? eff->at("dp_overlap").get<double>() : -1.0;
  if (!(s.dp_overlap >= 0.0 && s.dp_overlap <= 1.0)) {
    e.fail("dp_overlap", "expected a fraction in [0, 1], got " + eff->at("dp_overlap").dump());
  }
  for (const auto& [key, v] : {std::pair<const char*, double>{"matmul_max", s.matmul_max},
                               {"scale_up_collective", s.scale_up_collective},
                               {"scale_out_collective", s.scale_out_collective},
                               {"elementwise", s.elementwise}}) {
    if (v > 1.0) {
      e.fail(key, "expected a fraction in (0, 1], got " + format_number(v, 3));
    }
  }
  if (j.contains("calibrated_on")) {
    s.calibrated_on = r.string_array("calibrated_on", false);
  }
  s.notes = r.string_array("notes", false);
  s.sources = r.string_array("sources", true);
  return s;
}

std::vector<system_spec> load_systems(const catalog_source& source, const std::vector<part_spec>& parts)
{
  std::vector<system_spec> out;
  for (const auto& f : source.json_files("specs/systems")) {
    out.push_back(parse_system(f, parts));
  }
  return out;
}

const system_spec& find_system(const std::vector<system_spec>& systems, const std::string& id)
{
  std::vector<std::string> ids;
  for (const auto& s : systems) {
    if (s.id == id) {
      return s;
    }
    ids.push_back(s.id);
  }
  const auto near = closest_ids(ids, id);
  std::string msg = "--system: unknown system id " + detail::quoted(id);
  if (!near.empty()) {
    msg += " (closest: " + near[0] + ")";
  }
  throw input_error(msg);
}

system_spec load_system_argument(const catalog_source& source, const std::vector<part_spec>& parts,
                                 const std::string& id_or_path)
{
  const bool looks_like_path = id_or_path.find('/') != std::string::npos ||
                               (id_or_path.size() > 5 && id_or_path.compare(id_or_path.size() - 5, 5, ".json") == 0);
  std::ifstream in(id_or_path, std::ios::binary);
  if (looks_like_path) {
    FC_EXPECTS(in.good(), "--system: " + id_or_path + ": no such file");
    std::ostringstream text;
    text << in.rdbuf();
    return parse_system({id_or_path, text.str()}, parts);
  }
  return find_system(load_systems(source, parts), id_or_path);
}

system_spec default_system(const part_spec& part)
{
  system_spec s;
  s.id = "default-" + part.id;
  s.name = "generic 8-chip nodes of " + part.id;
  s.part = part.id;
  s.chips_per_node = 8;
  s.scale_up_bytes_per_s_bidir = range::unknown();
  s.scale_out_bytes_per_s = 50e9;
  s.notes = {"No system file: 8 chips per node, the part's scale-up link, one 400 Gb/s NIC per chip, default "
             "efficiencies (uncalibrated)."};
  return s;
}

system_figures figures_for(const system_spec& system, const part_spec& part, numeric_format precision)
{
  system_figures f{};
  const auto& peak = part.dense_peak_ops_per_s[static_cast<std::size_t>(precision)];
  FC_EXPECTS(peak.known(), "--precision: " + part.id + " has no published dense " + format_name(precision) +
                               " peak (" + part.origin + ")");
  f.peak_flop_per_s = peak.mid;
  // FP8 and FP4 recipes keep the attention core in BF16 (attention_core_flop_per_token).
  const auto& bf16 = part.dense_peak_ops_per_s[static_cast<std::size_t>(numeric_format::bf16)];
  const bool narrow = precision == numeric_format::fp8 || precision == numeric_format::fp4;
  f.attention_peak_flop_per_s = narrow && bf16.known() ? bf16.mid : peak.mid;
  FC_EXPECTS(part.memory_bytes.known(), part.id + ": memory capacity unknown (" + part.origin + ")");
  f.memory_bytes = part.memory_bytes.mid;
  FC_EXPECTS(part.memory_bandwidth_bytes_per_s.known(),
             part.id + ": memory bandwidth unknown (" + part.origin + "); the step model needs it");
  f.memory_bandwidth_bytes_per_s = part.memory_bandwidth_bytes_per_s.mid;
  const range up = system.scale_up_bytes_per_s_bidir.known() ? system.scale_up_bytes_per_s_bidir
                                                             : part.scale_up_bandwidth_bytes_per_s;
  // Bidirectional figures count both directions; a collective's time is set by one.
  f.scale_up_bytes_per_s = up.known() ? up.mid / 2.0 : system.scale_out_bytes_per_s;
  f.scale_out_bytes_per_s = system.scale_out_bytes_per_s;
  f.chips_per_node = system.chips_per_node;
  f.matmul_max = system.matmul_max;
  f.matmul_half_size = system.matmul_half_size;
  f.scale_up_collective = system.scale_up_collective;
  f.scale_out_collective = system.scale_out_collective;
  f.dp_overlap = system.dp_overlap;
  f.elementwise = system.elementwise;
  return f;
}

std::vector<workload> load_workloads(const catalog_source& source)
{
  std::vector<workload> out;
  for (const auto& f : source.json_files("data/workloads")) {
    if (f.name.find(".runs.json") != std::string::npos) {
      continue;  // calibration run sets, loaded by load_run_set
    }
    const auto j = detail::parse_json(f.name, f.text);
    const detail::json_object_reader r(j, f.name, "");
    r.allow_only({"id", "name", "shape", "speculative", "parameters", "active_parameters", "tokens", "published", "notes",
                  "sources"});
    workload w;
    w.origin = f.name;
    w.id = r.required_string("id");
    if (w.id != stem_of(f.name)) {
      r.fail("id", "\"" + w.id + "\" does not match the file name");
    }
    w.name = r.required_string("name");
    if (!j.contains("shape")) {
      r.fail("shape", "missing required field");
    }
    w.shape = parse_shape_json(j.at("shape"), f.name, "/shape");
    if (j.at("shape").contains("mla")) {
      w.mla = parse_latent_attention(j.at("shape").at("mla"), f.name, "/shape/mla");
    }
    if (j.contains("speculative")) {
      const auto& sp = j.at("speculative");
      if (!sp.is_object()) {
        r.fail("speculative", "expected an object, got " + detail::describe_json(sp));
      }
      const detail::json_object_reader sr(sp, f.name, "/speculative");
      sr.allow_only({"acceptance"});
      w.speculative_acceptance = sr.nullable_positive_range("acceptance", 1.0);
      if (!w.speculative_acceptance.known() || w.speculative_acceptance.high >= 1.0) {
        sr.fail("acceptance", "expected a probability (or a range of them) in (0, 1)");
      }
    }
    w.parameters = positive(r, "parameters");
    const auto active = r.nullable_positive_range("active_parameters", 1.0);
    w.active_parameters = active.known() ? active.mid : 0.0;
    w.tokens = positive(r, "tokens");
    if (!j.contains("published") || !j.at("published").is_object()) {
      r.fail("published", "expected an object of published numbers");
    }
    const detail::json_object_reader p(j.at("published"), f.name, "/published");
    for (const auto& item : j.at("published").items()) {
      w.published.emplace_back(item.key(), positive(p, item.key().c_str()));
    }
    w.notes = r.string_array("notes", false);
    w.sources = r.string_array("sources", true);
    out.push_back(std::move(w));
  }
  return out;
}

const workload& find_workload(const std::vector<workload>& workloads, const std::string& id)
{
  std::vector<std::string> ids;
  for (const auto& w : workloads) {
    if (w.id == id) {
      return w;
    }
    ids.push_back(w.id);
  }
  const auto near = closest_ids(ids, id);
  std::string msg = "--model: unknown workload " + detail::quoted(id);
  if (!near.empty()) {
    msg += " (closest: " + near[0] + ")";
  }
  throw input_error(msg + "; the files are in data/workloads/");
}

run_config load_run_config(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  FC_EXPECTS(in.good(), "--config: " + path + ": no such file");
  std::ostringstream text;
  text << in.rdbuf();
  const auto j = detail::parse_json(path, text.str());
  const detail::json_object_reader r(j, path, "");
  r.allow_only({"model", "layout", "system", "precision", "tokens", "notes"});
  if (j.contains("notes")) {
    r.string_array("notes", false);
  }
  run_config c;
  c.origin = path;
  if (!j.contains("model")) {
    r.fail("model", "missing required field (a workload id or a shape object)");
  }
  if (j.at("model").is_string()) {
    c.model = j.at("model").get<std::string>();
  } else {
    c.shape = parse_shape_json(j.at("model"), path, "/model");
  }
  if (!j.contains("layout")) {
    r.fail("layout", "missing required field");
  }
  c.layout = parse_layout_json(j.at("layout"), path, "/layout");
  c.system = r.required_string("system");
  if (j.contains("precision")) {
    c.precision = r.required_string("precision");
  }
  if (j.contains("tokens")) {
    c.tokens = positive(r, "tokens");
  }
  return c;
}

std::vector<std::string> run_set_ids(const catalog_source& source)
{
  std::vector<std::string> ids;
  for (const auto& f : source.json_files("data/workloads")) {
    if (f.name.size() > 10 && f.name.compare(f.name.size() - 10, 10, ".runs.json") == 0) {
      ids.push_back(stem_of(f.name));
    }
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

run_set load_run_set(const std::string& path_or_id, const catalog_source& source)
{
  catalog_file file;
  std::ifstream in(path_or_id, std::ios::binary);
  if (in.good()) {
    std::ostringstream text;
    text << in.rdbuf();
    file = {path_or_id, text.str()};
  } else {
    bool found = false;
    for (const auto& f : source.json_files("data/workloads")) {
      if (stem_of(f.name) == path_or_id) {
        file = f;
        found = true;
      }
    }
    FC_EXPECTS(found, path_or_id + ": no such file, and no catalogue run set has this id");
  }
  const auto j = detail::parse_json(file.name, file.text);
  const detail::json_object_reader r(j, file.name, "");
  r.allow_only({"id", "system", "precision", "runs", "notes", "sources"});
  if (j.contains("notes")) {
    r.string_array("notes", false);  // prose, but still an array of strings (issue 12)
  }
  run_set set;
  set.origin = file.name;
  set.id = r.required_string("id");
  set.system = r.required_string("system");
  if (j.contains("precision")) {
    set.precision = r.required_string("precision");
    try {
      parse_precision(set.precision);
    } catch (const input_error&) {
      r.fail("precision", "expected one of fp64, fp32, tf32, bf16, fp16, fp8, int8, fp4, got \"" +
                              set.precision.substr(0, 20) + "\"");
    }
  }
  set.sources = r.string_array("sources", true);
  if (!j.contains("runs") || !j.at("runs").is_array() || j.at("runs").empty()) {
    r.fail("runs", "expected a non-empty array of runs");
  }
  const auto& runs = j.at("runs");
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const std::string ptr = "/runs/" + std::to_string(i);
    const detail::json_object_reader rr(runs[i], file.name, ptr);
    rr.allow_only({"name", "shape", "layout", "gpus", "measured", "notes"});
    if (runs[i].contains("notes")) {
      rr.string_array("notes", false);
    }
    measured_run run;
    run.name = rr.required_string("name");
    if (!runs[i].contains("shape")) {
      rr.fail("shape", "missing required field");
    }
    if (!runs[i].contains("layout")) {
      rr.fail("layout", "missing required field");
    }
    run.shape = parse_shape_json(runs[i].at("shape"), file.name, ptr + "/shape");
    run.layout = parse_layout_json(runs[i].at("layout"), file.name, ptr + "/layout");
    run.gpus = whole(rr, "gpus", runs[i]);
    check_layout(run.shape, run.layout, run.gpus, file.name + ": " + ptr);
    if (!runs[i].contains("measured")) {
      rr.fail("measured", "missing required field");
    }
    const detail::json_object_reader m(runs[i].at("measured"), file.name, ptr + "/measured");
    m.allow_only({"tflops_per_gpu", "step_seconds"});
    const auto tf = m.nullable_positive_range("tflops_per_gpu", 1e12, true);
    const auto st = m.nullable_positive_range("step_seconds", 1.0, true);
    if (tf.known() == st.known()) {
      m.fail("tflops_per_gpu", "give exactly one of tflops_per_gpu or step_seconds");
    }
    run.tflops_per_gpu = tf.known() ? tf.mid : 0.0;
    run.step_seconds = st.known() ? st.mid : 0.0;
    set.runs.push_back(run);
  }
  return set;
}

}  // namespace fleetcap
