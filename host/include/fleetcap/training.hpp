#pragma once
/// @file
/// @brief Training-run estimates: systems (`specs/systems/`), workloads (`data/workloads/`),
/// calibration runs, and the checks a layout must pass.

#include <optional>
#include <string>
#include <vector>

#include "fleetcap/catalog.hpp"
#include "kernels/serving_types.hpp"
#include "kernels/training_types.hpp"

namespace fleetcap {

/// @brief A node/cluster description: which part, scale-up domain, links, efficiencies.
struct system_spec {
  std::string id;
  std::string name;
  std::string part;
  double chips_per_node = 8;
  range scale_up_bytes_per_s_bidir;  ///< unknown: the part's own
  double scale_out_bytes_per_s = 0;  ///< per chip, one direction
  double matmul_max = 0.75;
  double matmul_half_size = 1024;
  double scale_up_collective = 0.8;   ///< fraction of the scale-up link a collective reaches
  double scale_out_collective = 0.8;  ///< fraction of the scale-out link a collective reaches
  double dp_overlap = 0.5;
  double elementwise = 0.7;  ///< fraction of HBM bandwidth memory-bound kernels reach (not fitted)
  std::vector<std::string> calibrated_on;  ///< run set ids its efficiencies were fitted on
  std::vector<std::string> notes;
  std::vector<std::string> sources;
  std::string origin;
};

system_spec parse_system(const catalog_file& file, const std::vector<part_spec>& parts);
std::vector<system_spec> load_systems(const catalog_source& source, const std::vector<part_spec>& parts);
const system_spec& find_system(const std::vector<system_spec>& systems, const std::string& id);

/// @brief `--system ID|FILE`: a file when the argument names one (e.g. what `calibrate --out`
/// wrote), else a catalogue system id. @throws input_error.
system_spec load_system_argument(const catalog_source& source, const std::vector<part_spec>& parts,
                                 const std::string& id_or_path);

/// @brief A system for a part with no system file: 8 chips per node, the part's scale-up
/// link, 50 GB/s per chip scale-out (one 400 Gb/s NIC per chip), default efficiencies.
system_spec default_system(const part_spec& part);

/// @brief A published model: shape, parameters, tokens and the published figures.
struct workload {
  std::string id;
  std::string name;
  transformer_shape shape{};
  latent_attention mla{};        ///< DeepSeek's latent attention (shape/mla); all 0 for MHA/GQA
  range speculative_acceptance = range::unknown();  ///< of its draft (MTP) tokens (speculative/acceptance)
  double parameters = 0;
  double active_parameters = 0;  ///< 0 when dense
  double tokens = 0;
  std::vector<std::pair<std::string, double>> published;
  std::vector<std::string> notes;
  std::vector<std::string> sources;
  std::string origin;
};

std::vector<workload> load_workloads(const catalog_source& source);
const workload& find_workload(const std::vector<workload>& workloads, const std::string& id);

/// @brief A measured run for calibration.
struct measured_run {
  std::string name;
  transformer_shape shape{};
  parallel_layout layout{};
  double gpus = 0;
  double tflops_per_gpu = 0;  ///< measured, Megatron's FLOP count per GPU; 0 if step time given
  double step_seconds = 0;    ///< measured step time; 0 if TFLOP/s given
};

struct run_set {
  std::string id;
  std::string system;
  std::string precision = "bf16";  ///< the precision the runs trained in (their peak)
  std::vector<measured_run> runs;
  std::vector<std::string> sources;
  std::string origin;
};

run_set load_run_set(const std::string& path_or_id, const catalog_source& source);

/// @brief The ids of every run set in the catalogue (`data/workloads/*.runs.json`), sorted.
std::vector<std::string> run_set_ids(const catalog_source& source);

/// @brief A run file for `train --config`: a model (workload id or shape), a layout, a system
/// (id or file), optionally a precision and the tokens. Chips = tp x cp x pp x dp.
struct run_config {
  std::string model;  ///< workload id; empty when `shape` is given inline
  std::optional<transformer_shape> shape;
  parallel_layout layout{};
  std::string system;
  std::string precision = "bf16";
  double tokens = 0;  ///< 0 = not given
  std::string origin;
};

/// @brief Parses a run file. @throws input_error (file, pointer, problem).
run_config load_run_config(const std::string& path);

/// @brief Checks a shape on its own. @throws input_error naming the flag/field.
void check_shape(const transformer_shape& m, const std::string& where);
/// @brief Checks a layout against a shape and a chip count: tp x pp x dp = chips, heads
/// divisible by tp, layers by pp x interleave, global batch by micro-batch x dp, ZeRO 2/3
/// only without pipeline parallelism (DeepSpeed).
void check_layout(const transformer_shape& m, const parallel_layout& l, double chips, const std::string& where);

/// @brief The kernel's system figures for a system, its part and a precision.
system_figures figures_for(const system_spec& system, const part_spec& part, numeric_format precision);

/// @brief "none", "selective" or "full" for a recompute_mode value (the names run files use).
const char* recompute_name(int recompute);

/// @brief Parses "bf16", "fp8", ... @throws input_error.
numeric_format parse_precision(const std::string& text);

}  // namespace fleetcap
