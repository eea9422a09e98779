#include "detail/json_fields.hpp"

#include <cstdint>
#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "fleetcap/catalog.hpp"
#include "fleetcap/error.hpp"

namespace fleetcap::detail {

namespace {

std::string escape_pointer_token(const std::string& key)
{
  // RFC 6901: "~" becomes "~0" and "/" becomes "~1".
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

bool valid_id(const std::string& id)
{
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
}

std::string quoted(const std::string& text)
{
  const auto dump = [](const std::string& t) {
    return nlohmann::json(t).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  if (text.size() <= 64) {
    return dump(text);
  }
  return dump(text.substr(0, 48)) + "... (" + std::to_string(text.size()) + " characters)";
}

std::string describe_json(const nlohmann::json& value)
{
  switch (value.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::boolean: return std::string("a boolean ") + value.dump();
    case nlohmann::json::value_t::string: return "a string " + quoted(value.get_ref<const std::string&>());
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float: return value.dump();
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::object: return "an object";
    default: return "an unsupported value";
  }
}

namespace {

std::string line_and_column(const std::string& text, std::size_t offset)
{
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < std::min(offset, text.size()); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// The key whose value starts at `offset`: the last "key": before it.
std::string key_before(const std::string& text, std::size_t offset)
{
  const auto colon = text.rfind(':', offset);
  if (colon == std::string::npos) {
    return {};
  }
  const auto close = text.rfind('"', colon);
  if (close == std::string::npos || close == 0) {
    return {};
  }
  const auto open = text.rfind('"', close - 1);
  return open == std::string::npos ? std::string() : text.substr(open + 1, close - open - 1);
}

}  // namespace

namespace {

// nlohmann keeps the last of two equal keys without a word; a file with `"id"` twice would
// load whichever came last. The parser callback tracks the keys of every open object and
// refuses a repeat, naming its JSON pointer; it also caps the nesting depth.
class duplicate_key_check {
public:
  explicit duplicate_key_check(const std::string& file) : m_file(file) {}

  bool operator()(int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed)
  {
    using event_t = nlohmann::json::parse_event_t;
    // No fleetcap file nests deeper than a few levels; a deep one would overflow the stack in
    // the recursive copies and dumps after parsing.
    if (depth > max_depth) {
      throw input_error(m_file + ": " + pointer() + ": nested deeper than " + std::to_string(max_depth) + " levels");
    }
    switch (event) {
      case event_t::object_start: m_frames.push_back({true, {}, {}, 0}); break;
      case event_t::array_start: m_frames.push_back({false, {}, {}, 0}); break;
      case event_t::key: {
        auto& top = m_frames.back();
        top.key = parsed.get<std::string>();
        if (!top.keys.insert(top.key).second) {
          throw input_error(m_file + ": " + pointer() + ": duplicate key \"" + top.key.substr(0, 60) +
                            "\" (a key may appear once per object)");
        }
        break;
      }
      case event_t::object_end:
      case event_t::array_end:
        m_frames.pop_back();
        value_done();
        break;
      case event_t::value: value_done(); break;
    }
    return true;
  }

private:
  static constexpr int max_depth = 64;

  struct frame {
    bool object;
    std::set<std::string> keys;
    std::string key;
    std::size_t index;
  };

  void value_done()
  {
    if (!m_frames.empty() && !m_frames.back().object) {
      ++m_frames.back().index;
    }
  }

  std::string pointer() const
  {
    std::string out;
    for (const auto& f : m_frames) {
      out += "/" + (f.object ? escape_pointer_token(f.key) : std::to_string(f.index));
    }
    return out;
  }

  const std::string& m_file;
  std::vector<frame> m_frames;
};

}  // namespace

nlohmann::json parse_json(const std::string& file, const std::string& text)
{
  try {
    return nlohmann::json::parse(text, duplicate_key_check(file));
  } catch (const nlohmann::json::out_of_range& e) {
    // nlohmann reports a literal too large for a double ("1e999") as out_of_range 406, with
    // the literal but no position: find it so the message can say where.
    std::string what = e.what();
    const auto quote = what.find('\'');
    const auto end_quote = what.rfind('\'');
    if (e.id == 406 && quote != std::string::npos && end_quote > quote) {
      const std::string literal = what.substr(quote + 1, end_quote - quote - 1);
      const auto at = text.find(literal);
      const std::string key = key_before(text, at);
      throw input_error(file + ": " + line_and_column(text, at) +
                        (key.empty() ? "" : " (field \"" + key + "\")") + ": number " + literal +
                        " is not finite (too large for a double)");
    }
    throw input_error(file + ": malformed JSON: " + what);
  } catch (const nlohmann::json::parse_error& e) {
    // Turn the byte offset into a line and column a person can find.
    const std::size_t end = e.byte == 0 ? 0 : e.byte - 1;
    std::string what = e.what();
    // nlohmann's text starts "[json.exception.parse_error.101] parse error at line ..., column ...: "
    const auto colon = what.find(": ", what.find("parse error"));
    std::string reason = colon == std::string::npos ? what : what.substr(colon + 2);
    // "...; last read: '<the token so far>'" can hold a whole long string: keep its end, which is
    // where the parser stopped.
    const auto last_read = reason.find("; last read: '");
    const std::size_t keep = 48;
    if (last_read != std::string::npos && reason.size() > last_read + 14 + keep + 1) {
      reason = reason.substr(0, last_read + 14) + "..." + reason.substr(reason.size() - keep - 1);
    }
    throw input_error(file + ": malformed JSON at " + line_and_column(text, end) + ": " + reason);
  }
}

json_object_reader::json_object_reader(const nlohmann::json& object, std::string file,
                                       std::string pointer)
    : m_object(object), m_file(std::move(file)), m_pointer(std::move(pointer))
{
  if (!m_object.is_object()) {
    fail_at(m_pointer.empty() ? "/" : m_pointer, "expected an object, got " + describe_json(m_object));
  }
}

void json_object_reader::fail_at(const std::string& pointer, const std::string& what) const
{
  throw input_error(m_file + ": " + pointer + ": " + what);
}

void json_object_reader::fail(const std::string& key, const std::string& what) const
{
  fail_at(m_pointer + "/" + escape_pointer_token(key), what);
}

void json_object_reader::allow_only(std::initializer_list<const char*> allowed) const
{
  std::vector<std::string> known(allowed.begin(), allowed.end());
  for (const auto& item : m_object.items()) {
    bool ok = false;
    for (const auto& k : known) {
      ok = ok || k == item.key();
    }
    if (!ok) {
      const auto near = closest_ids(known, item.key(), 1);
      fail(item.key(), "unknown field" + (near.empty() ? std::string() : " (did you mean \"" + near[0] + "\"?)"));
    }
  }
}

const nlohmann::json& json_object_reader::field(const char* key) const
{
  const auto it = m_object.find(key);
  if (it == m_object.end()) {
    fail(key, "missing required field");
  }
  return *it;
}

std::string json_object_reader::required_string(const char* key) const
{
  const auto& v = field(key);
  if (!v.is_string()) {
    fail(key, "expected a string, got " + describe_json(v));
  }
  auto s = v.get<std::string>();
  if (s.empty()) {
    fail(key, "expected a non-empty string");
  }
  return s;
}

std::string json_object_reader::nullable_string(const char* key) const
{
  const auto& v = field(key);
  if (v.is_null()) {
    return {};
  }
  if (!v.is_string()) {
    fail(key, "expected a string or null, got " + describe_json(v));
  }
  // "" is not a way to say null: an empty date or id would otherwise read as "none" (issue 12).
  if (v.get_ref<const std::string&>().empty()) {
    fail(key, "expected a non-empty string or null, got \"\"");
  }
  return v.get<std::string>();
}

bool json_object_reader::required_bool(const char* key) const
{
  const auto& v = field(key);
  if (!v.is_boolean()) {
    fail(key, "expected true or false, got " + describe_json(v));
  }
  return v.get<bool>();
}

std::optional<bool> json_object_reader::nullable_bool(const char* key) const
{
  const auto& v = field(key);
  if (v.is_null()) {
    return std::nullopt;
  }
  if (!v.is_boolean()) {
    fail(key, "expected true, false or null, got " + describe_json(v));
  }
  return v.get<bool>();
}

std::optional<int> json_object_reader::nullable_integer(const char* key, int min, int max) const
{
  const auto& v = field(key);
  if (v.is_null()) {
    return std::nullopt;
  }
  if (!v.is_number_integer()) {
    fail(key, "expected an integer or null, got " + describe_json(v));
  }
  const auto n = v.get<long long>();
  if (n < min || n > max) {
    fail(key, "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) +
                  ", got " + std::to_string(n));
  }
  return static_cast<int>(n);
}

double json_object_reader::positive_number(const nlohmann::json& value,
                                           const std::string& pointer) const
{
  if (!value.is_number()) {
    fail_at(pointer, "expected a positive number, got " + describe_json(value));
  }
  const double x = value.get<double>();
  if (!std::isfinite(x)) {
    fail_at(pointer, "expected a finite positive number, got " + value.dump());
  }
  if (!(x > 0.0)) {
    fail_at(pointer, "expected a positive number, got " + value.dump());
  }
  return x;
}

range json_object_reader::nullable_positive_range(const char* key, double scale,
                                                  bool optional_key) const
{
  const auto it = m_object.find(key);
  if (it == m_object.end()) {
    if (optional_key) {
      return range::unknown();
    }
    fail(key, "missing required field (use null when unknown)");
  }
  const auto& v = *it;
  const std::string pointer = m_pointer + "/" + escape_pointer_token(key);
  if (v.is_null()) {
    return range::unknown();
  }
  if (v.is_number()) {
    return range::exact(positive_number(v, pointer) * scale);
  }
  if (!v.is_object()) {
    fail_at(pointer, "expected a positive number, a {\"low\", \"high\"} range or null, got " +
                         describe_json(v));
  }
  json_object_reader r(v, m_file, pointer);
  r.allow_only({"low", "mid", "high"});
  const double low = positive_number(r.field("low"), pointer + "/low");
  const double high = positive_number(r.field("high"), pointer + "/high");
  if (low > high) {
    fail_at(pointer, "low " + r.field("low").dump() + " is above high " + r.field("high").dump());
  }
  double mid = 0.5 * (low + high);
  if (v.contains("mid")) {
    mid = positive_number(v.at("mid"), pointer + "/mid");
    if (mid < low || mid > high) {
      fail_at(pointer + "/mid", "mid " + v.at("mid").dump() + " is outside [low, high]");
    }
  }
  return range{low * scale, mid * scale, high * scale};
}

std::vector<std::string> json_object_reader::string_array(const char* key, bool non_empty) const
{
  const auto& v = field(key);
  if (!v.is_array()) {
    fail(key, "expected an array of strings, got " + describe_json(v));
  }
  if (non_empty && v.empty()) {
    fail(key, "expected at least one entry");
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string() || v[i].get<std::string>().empty()) {
      fail_at(m_pointer + "/" + escape_pointer_token(key) + "/" + std::to_string(i),
              "expected a non-empty string, got " + describe_json(v[i]));
    }
    out.push_back(v[i].get<std::string>());
  }
  return out;
}

std::string file_stem(const std::string& name)
{
  const auto slash = name.find_last_of('/');
  std::string base = slash == std::string::npos ? name : name.substr(slash + 1);
  const auto dot = base.find('.');
  return dot == std::string::npos ? base : base.substr(0, dot);
}

double required_positive(const json_object_reader& r, const char* key, double scale)
{
  const auto v = r.nullable_positive_range(key, scale);
  if (!v.known()) {
    r.fail(key, "expected a positive number, got null");
  }
  if (!v.exact_value()) {
    r.fail(key, "expected a single number, not a range");
  }
  return v.mid;
}

double required_whole(const json_object_reader& r, const char* key, const nlohmann::json& object)
{
  const double x = required_positive(r, key);
  if (std::floor(x) != x) {
    r.fail(key, "expected a whole number, got " + object.at(key).dump());
  }
  return x;
}

nlohmann::json json_count(double x)
{
  if (std::isfinite(x) && x == std::floor(x) && std::fabs(x) <= 9007199254740992.0) {  // 2^53
    return static_cast<std::int64_t>(x);
  }
  return x;
}

}  // namespace fleetcap::detail
