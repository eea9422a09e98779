#pragma once
/// @file
/// @brief Serving (LLM inference): per-part serving profiles (`specs/serving/`), published
/// serving measurements (`data/serving/`), the best configuration of a replica under latency
/// targets, and the calibration of a profile's efficiencies on measurements.

#include <optional>
#include <string>
#include <vector>

#include "fleetcap/catalog.hpp"
#include "fleetcap/training.hpp"
#include "kernels/serving_types.hpp"

namespace fleetcap {

/// @brief A part's serving efficiencies and node figures (`specs/serving/<part>.json`), or the
/// documented defaults for a part without one (`calibrated_on` then empty, `origin` "default").
struct serving_profile {
  std::string id;    ///< the file's name (the part id for the catalogue's profiles)
  std::string part;  ///< the part it describes
  double chips_per_node = 8;
  double scale_out_bytes_per_s = 50e9;  ///< per chip, one direction
  double prefill_compute = 0.6;
  double decode_compute = 0.5;
  double expert_compute = 0.3;
  double decode_bandwidth = 0.75;
  double collective = 0.7;
  double collective_latency_s = 10e-6;
  double step_overhead_s = 2e-3;
  double memory_reserve = 0.1;
  double max_batch = 2048;
  std::vector<std::string> calibrated_on;  ///< measurement set ids its efficiencies were fitted on
  std::vector<std::string> notes;
  std::vector<std::string> sources;
  std::string origin;
};

serving_profile parse_serving_profile(const catalog_file& file, const std::vector<part_spec>& parts);
std::vector<serving_profile> load_serving_profiles(const catalog_source& source, const std::vector<part_spec>& parts);
/// @brief The part's profile, or default_serving_profile(part) when it has none.
serving_profile serving_profile_for(const std::vector<serving_profile>& profiles, const part_spec& part);
serving_profile default_serving_profile(const part_spec& part);
/// @brief `--profile FILE` (what `calibrate --serving --out` wrote) or the catalogue's.
serving_profile load_serving_profile_file(const std::string& path, const std::vector<part_spec>& parts);

/// @brief The precisions `serve` takes and their bytes: bf16/fp16 (2), fp8/int8 (1), fp4/int4
/// (0.5 per weight). KV cache in FP8 for fp8/fp4 weights, else BF16, unless `kv` says.
struct serving_precision_choice {
  numeric_format compute;  ///< the peak the linear layers run at
  serving_precision bytes;
  std::string name;
  std::string kv_name;
};
/// @brief The KV-cache precision: `kv` when given, else fp8 for fp8/fp4 weights (the FP8 KV
/// cache of NVIDIA's ModelOpt FP8/FP4 checkpoints), else bf16.
std::string serving_kv_precision(const std::string& precision, const std::string& kv);
/// @brief @throws input_error for an unknown name, or a part without the needed dense peak.
serving_precision_choice serving_precision_for(const part_spec& part, const std::string& precision,
                                               const std::string& kv_precision = "");

/// @brief The kernel's serving figures for a part, its profile and a precision.
/// @throws input_error naming the part's missing figure (memory, bandwidth, peak).
serving_figures serving_figures_for(const part_spec& part, const serving_profile& profile,
                                    const serving_precision_choice& precision);

/// @brief One published serving figure (`data/serving/*.measurements.json`, format in its README).
struct serving_measurement {
  std::string name;
  std::string model;
  std::string part;
  double chips = 0;
  std::string precision;
  double tp = 0, ep = 0, pp = 0;  ///< 0: not stated
  double input_len = 0, output_len = 0;
  double batch = 0, concurrency = 0;
  double speculative_tokens = 0;  ///< drafted tokens verified per step (MTP/EAGLE steps); 0: none
  std::string mode;    ///< offline, server, decode, prefill, end-to-end
  std::string metric;  ///< output_tokens_per_s, output_tokens_per_s_per_chip, ...
  double value = 0;
  std::string latency_constraint;
};

struct serving_measurement_set {
  std::string id;
  std::string name;
  std::vector<serving_measurement> measurements;
  std::vector<std::string> notes;
  std::vector<std::string> sources;
  std::string origin;
};

/// @brief Parses one measurement file; models and parts must be known. @throws input_error.
serving_measurement_set parse_serving_measurements(const catalog_file& file, const std::vector<workload>& workloads,
                                                   const std::vector<part_spec>& parts);
/// @brief Every `data/serving/*.measurements.json` of the catalogue, sorted by id.
std::vector<serving_measurement_set> load_serving_measurements(const catalog_source& source,
                                                               const std::vector<workload>& workloads,
                                                               const std::vector<part_spec>& parts);
/// @brief A set by catalogue id or file path. @throws input_error.
serving_measurement_set load_serving_measurement_set(const std::string& id_or_path, const catalog_source& source,
                                                     const std::vector<workload>& workloads,
                                                     const std::vector<part_spec>& parts);

/// @brief What the model predicts for a measurement, or why it cannot.
struct serving_prediction {
  bool evaluated = false;
  std::string why_not;  ///< when not evaluated: the missing input
  double predicted = 0;
  serving_layout layout{};
  double replicas = 1;
};

/// @brief Predicts a measurement with the model of kernels/serving.cuh on `profile`.
serving_prediction predict_measurement(const serving_measurement& m, const workload& model, const part_spec& part,
                                       const serving_profile& profile);

/// @brief What `serve` asks: a model on a part at a precision, request lengths, latency targets.
struct serving_question {
  std::string precision = "fp8";
  std::string kv_precision;  ///< empty: follows the precision
  double input_len = 1024;
  double output_len = 1024;
  double ttft_limit_s = 0;  ///< 0: none
  double tpot_limit_s = 0;  ///< 0: none
  double max_chips = 64;    ///< largest replica tried
  bool disaggregated = false;
  double speculative_tokens = 0;  ///< MTP drafts per step; needs the model's published acceptance
};

/// @brief One configuration the search evaluated.
struct serving_option {
  serving_layout layout{};
  serving_memory memory{};
  decode_step step{};
  double ttft_s = 0;
  double tpot_s = 0;  ///< with prefill stalls unless disaggregated
  double output_tokens_per_s = 0;  ///< per replica
  double output_tokens_per_s_per_chip = 0;
  double prefill_tokens_per_s_per_chip = 0;  ///< of a prefill-only pool
  double decode_tokens_per_s_per_chip = 0;   ///< of a decode-only pool
};

/// @brief The search's answer: the best option, or why there is none.
struct serving_answer {
  std::optional<serving_option> best;
  std::string why_none;  ///< "does not fit", "TPOT target cannot be met (best x ms)", ...
  std::size_t options_tried = 0;
  std::size_t options_fitting = 0;
  double disaggregated_prefill_share = 0;  ///< chips in the prefill pool, as a share (when asked)
  double output_tokens_per_s_per_chip = 0;  ///< of the whole deployment (both pools when disaggregated)
};

/// @brief Searches replica sizes (powers of two up to max_chips), tensor parallelism (powers
/// of two dividing the chips and, for attention, the heads) and batches (powers of two and the
/// memory limit) for the most output tokens/s per chip meeting the targets.
serving_answer best_serving(const workload& model, const part_spec& part, const serving_profile& profile,
                            const serving_question& q);

/// @brief The fitted efficiencies, and the errors in-sample, leave-one-out, leave-one-model-out
/// and leave-one-set-out (mean absolute relative error over the evaluated rows; each held-out
/// row predicted by a refit without it, its model or its set).
struct serving_fit {
  serving_profile profile;
  std::size_t rows = 0;
  double in_sample = 0, in_sample_max = 0;
  double leave_one_out = 0;
  double leave_one_model_out = 0, leave_one_model_out_max = 0;
  double leave_one_set_out = 0, leave_one_set_out_max = 0;
  std::vector<std::pair<std::string, double>> per_model;  ///< leave-one-model-out error per model
  std::vector<std::pair<std::string, double>> per_set;    ///< leave-one-set-out error per set
};

/// @brief Fits one set of serving efficiencies (decode bandwidth, decode, prefill and expert
/// compute, step overhead, collective latency) jointly to the evaluated rows of `parts` in
/// `sets` by grid search; each part keeps its own spec-sheet figures and links.
serving_fit calibrate_serving(const std::vector<serving_measurement_set>& sets, const std::vector<workload>& workloads,
                              const std::vector<const part_spec*>& parts, const serving_profile& start);

}  // namespace fleetcap
