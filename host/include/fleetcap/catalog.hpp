#pragma once
/// @file
/// @brief The catalogue: spec sheets (and later fleets, rules, workloads) from the copy built
/// into the binary or from a folder given with `--catalog DIR`.

#include <memory>
#include <string>
#include <vector>

#include "fleetcap/spec.hpp"

namespace fleetcap {

/// @brief One file of a catalogue: the name used in messages and its bytes.
struct catalog_file {
  std::string name;  ///< e.g. "specs/h20.json" (built in) or "/my/dir/specs/h20.json"
  std::string text;
};

/// @brief Where catalogue files come from.
class catalog_source {
 public:
  virtual ~catalog_source() = default;
  /// @brief All `*.json` files directly in `folder` (e.g. "specs"), sorted by name.
  virtual std::vector<catalog_file> json_files(const std::string& folder) const = 0;
  /// @brief Human description ("built-in catalogue", "catalogue at DIR").
  virtual std::string describe() const = 0;
};

/// @brief The catalogue embedded at build time.
std::unique_ptr<catalog_source> builtin_catalog();

/// @brief A catalogue folder with the same layout as the source tree (`specs/`, `data/`).
/// @throws input_error if the folder does not exist.
std::unique_ptr<catalog_source> directory_catalog(const std::string& root);

/// @brief `base` with the folder `root` laid over it (`--catalog DIR`): each file of `root`
/// (same layout) adds to the base's files of its folder, or replaces the base's file of the
/// same name, which every loader requires to be the id. So a what-if needs only the files it
/// changes or adds. Files are listed sorted by name, wherever they come from.
/// @throws input_error if the folder does not exist.
std::unique_ptr<catalog_source> overlay_catalog(std::unique_ptr<catalog_source> base, const std::string& root);

/// @brief Parses and validates one spec sheet.
/// @throws input_error naming the file, the JSON pointer and the problem.
part_spec parse_spec(const catalog_file& file);

/// @brief Loads every spec sheet, sorted by id.
/// @throws input_error on the first bad sheet, on duplicate ids, or when there are none.
std::vector<part_spec> load_specs(const catalog_source& source);

/// @brief The part with this id.
/// @throws input_error naming the unknown id and the closest known ids.
const part_spec& find_part(const std::vector<part_spec>& parts, const std::string& id);

/// @brief Up to `limit` known ids closest to `id` by edit distance.
std::vector<std::string> closest_ids(const std::vector<std::string>& known, const std::string& id,
                                     std::size_t limit = 3);

}  // namespace fleetcap
