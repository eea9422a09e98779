#pragma once
// Human tables and the JSON form of spec sheets, shared by the commands that print them.

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>
#include <vector>

#include "detail/json_fields.hpp"
#include "fleetcap/compliance.hpp"
#include "fleetcap/part_metrics.hpp"
#include "fleetcap/rules.hpp"
#include "fleetcap/spec.hpp"

namespace fleetcap::cli {

// A plain-text table: left-aligned text columns, right-aligned numeric ones.
class text_table {
 public:
  // `right_aligned[i]` says whether column i is numeric.
  text_table(std::vector<std::string> header, std::vector<bool> right_aligned);
  void add_row(std::vector<std::string> cells);
  void print(std::ostream& out) const;
  // GitHub-flavoured Markdown table.
  void print_markdown(std::ostream& out) const;

 private:
  std::vector<std::string> m_header;
  std::vector<bool> m_right;
  std::vector<std::vector<std::string>> m_rows;
};

// The list table of `specs list` and `report`: one row per part.
void print_spec_table(std::ostream& out, const std::vector<part_spec>& parts,
                      const std::vector<part_metrics_range>& metrics);

// JSON of one part in SI units; `detail` adds the descriptive fields, notes and sources.
nlohmann::json spec_to_json(const part_spec& part, const part_metrics_range& metrics, bool detail);

// A figure that is not known, in every JSON result: {"unknown": true}, never null or 0.
nlohmann::json json_unknown();

// A range as a JSON number (its mid), or json_unknown() when it is not known.
nlohmann::json json_mid(const range& r);

// A number, or json_unknown() when it is NaN or infinite (not computable from what is known).
nlohmann::json json_number_or_unknown(double x);

// The text of a JSON result (indented, one trailing newline), the one way a command prints or
// writes JSON. The backstop of the non-finite policy (issue 12): a NaN, an infinity or a null
// anywhere in the document is a bug or an unrepresentable input, never printed; it throws
// input_error naming the value's JSON pointer. Invalid UTF-8 (a file name in another
// encoding) is written as U+FFFD instead of failing.
std::string json_text(const nlohmann::json& j);

// Rule parameters set by --rule (a what-if), so no output passes a what-if off as the published
// rule: the text is one line per changed parameter ("" when none); the JSON key "what_if" is
// [{"rule", "parameter", "value", "published"}], set only when some parameter was changed, and
// "what_if_based_on" [{"rule", "based_on"}] lists the rules that classify with a changed one.
std::string what_if_text(const std::vector<rule>& rules);
void add_what_if(nlohmann::json& j, const std::vector<rule>& rules);
// A rule's id as tables show it: "ID (what-if)" when --rule changed it, "ID (on a what-if)"
// when it classifies with a changed rule.
std::string rule_label(const rule& r);
// A count (tp, pp, dp, micro-batch, chips ...) as a JSON integer when it is one (8, not 8.0):
// the library's rule, shared with the sweep results' coordinates.
using detail::json_count;
// Verdicts in the one shape every command prints: [{rule, status, clause, reason, in_force}].
nlohmann::json verdicts_json(const std::vector<rule_verdict>& verdicts);

}  // namespace fleetcap::cli
