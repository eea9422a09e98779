#pragma once
// Reading JSON objects field by field with messages that name the file, the JSON pointer and
// the problem. Shared by every loader (specs now; fleets, rules and scenarios later).

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "fleetcap/spec.hpp"

namespace fleetcap::detail {

class json_object_reader {
 public:
  // `pointer` is the JSON pointer of `object` within the file ("" for the root).
  json_object_reader(const nlohmann::json& object, std::string file, std::string pointer);

  // Rejects any key not in `allowed` (typos would otherwise be silently ignored).
  void allow_only(std::initializer_list<const char*> allowed) const;

  std::string required_string(const char* key) const;           // non-empty string
  std::string nullable_string(const char* key) const;           // non-empty string, or null ("")
  bool required_bool(const char* key) const;
  std::optional<bool> nullable_bool(const char* key) const;
  std::optional<int> nullable_integer(const char* key, int min, int max) const;
  // A positive finite number, a {"low","mid"?,"high"} range of them, or null (unknown). The
  // value is multiplied by `scale` (the unit conversion to SI). `optional_key` allows absence.
  range nullable_positive_range(const char* key, double scale, bool optional_key = false) const;
  std::vector<std::string> string_array(const char* key, bool non_empty) const;

  [[noreturn]] void fail(const std::string& key, const std::string& what) const;

 private:
  const nlohmann::json& field(const char* key) const;
  double positive_number(const nlohmann::json& value, const std::string& pointer) const;
  [[noreturn]] void fail_at(const std::string& pointer, const std::string& what) const;

  const nlohmann::json& m_object;
  std::string m_file;
  std::string m_pointer;
};

// The id a catalogue file must carry: its name without folders and from the first dot on
// ("data/workloads/dgxc-h100-bf16-2025.runs.json" -> "dgxc-h100-bf16-2025").
std::string file_stem(const std::string& name);

// A required single positive finite number (no range, no null), times `scale`.
double required_positive(const json_object_reader& r, const char* key, double scale = 1.0);

// A required positive whole number.
double required_whole(const json_object_reader& r, const char* key, const nlohmann::json& object);

// Parses text as JSON; on failure throws input_error "FILE: line L, column C: message".
nlohmann::json parse_json(const std::string& file, const std::string& text);

// A catalogue id: non-empty lower-case letters, digits, '-', '_', '.' (spec sheets, scenarios).
bool valid_id(const std::string& id);

// `text` as a quoted JSON string, cut to its first 48 characters (with the full length) when it
// is longer than 64: an error echoes enough to recognise a value, never all of a huge one, and
// never a raw control character or invalid UTF-8 byte.
std::string quoted(const std::string& text);

// A short description of a JSON value's type and, for scalars, its text ("a string \"x\"").
std::string describe_json(const nlohmann::json& value);

// A count or a grid coordinate (tp, pp, chips ...) as a JSON integer when it is a whole number
// that a double holds exactly (8, not 8.0), else as the number it is. One rule for every output.
nlohmann::json json_count(double x);

}  // namespace fleetcap::detail
