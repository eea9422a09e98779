// Every shipped catalogue file, through the loader that reads it, with three mutations: a
// duplicate key inside its deepest object, nesting far deeper than the limit, and the text cut
// in half. Each must be an input_error that names the file (issue 12: duplicate keys used to be
// accepted silently, last wins, in every loader; deep nesting overflowed the stack).

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "fleetcap/capex.hpp"
#include "fleetcap/catalog.hpp"
#include "fleetcap/fleet.hpp"
#include "fleetcap/rules.hpp"
#include "fleetcap/serving.hpp"
#include "fleetcap/sweep.hpp"
#include "fleetcap/training.hpp"
#include "test_util.hpp"

namespace fleetcap {
namespace {

// The built-in catalogue with one file's text replaced.
class mutated_catalog : public catalog_source {
 public:
  mutated_catalog(const catalog_source& base, std::string name, std::string text)
      : m_base(base), m_name(std::move(name)), m_text(std::move(text))
  {
  }
  std::vector<catalog_file> json_files(const std::string& folder) const override
  {
    auto files = m_base.json_files(folder);
    for (auto& f : files) {
      if (f.name == m_name) {
        f.text = m_text;
      }
    }
    return files;
  }
  std::string describe() const override { return "mutated built-in catalogue"; }

 private:
  const catalog_source& m_base;
  std::string m_name;
  std::string m_text;
};

std::string stem(const std::string& name)
{
  const auto base = name.substr(name.find_last_of('/') + 1);
  return base.substr(0, base.find('.'));
}

// Loads what `folder` holds the way the commands do.
void load_folder(const std::string& folder, const std::string& file, const catalog_source& source,
                 const std::vector<part_spec>& parts)
{
  if (folder == "specs") {
    load_specs(source);
  } else if (folder == "specs/systems") {
    load_systems(source, parts);
  } else if (folder == "specs/serving") {
    load_serving_profiles(source, parts);
  } else if (folder == "data/serving") {
    load_serving_measurements(source, load_workloads(source), parts);
  } else if (folder == "data/fleets") {
    load_fleets(source, parts);
  } else if (folder == "data/rules" || folder == "data/rules/groups") {
    load_rules(source);
  } else if (folder == "data/capex") {
    load_capex(source);
  } else if (folder == "data/scenarios") {
    load_scenario(stem(file), source, parts);
  } else if (file.find(".runs.json") != std::string::npos) {
    load_run_set(stem(file), source);
  } else {
    load_workloads(source);
  }
}

TEST(loader_bad_json, every_shipped_file_refuses_duplicate_keys_deep_nesting_and_truncation)
{
  const auto builtin = builtin_catalog();
  const auto parts = load_specs(*builtin);
  int files = 0;
  for (const char* folder : {"specs", "specs/systems", "specs/serving", "data/serving", "data/fleets", "data/rules", "data/rules/groups", "data/capex",
                             "data/scenarios", "data/workloads"}) {
    for (const auto& f : builtin->json_files(folder)) {
      ++files;
      const auto expect_refused = [&](const std::string& text, const std::string& fragment) {
        const mutated_catalog source(*builtin, f.name, text);
        const auto msg = test::input_error_message([&] { load_folder(folder, f.name, source, parts); });
        EXPECT_NE(msg.find(f.name), std::string::npos) << f.name << ": " << msg.substr(0, 300);
        EXPECT_NE(msg.find(fragment), std::string::npos) << f.name << ": " << msg.substr(0, 300);
        EXPECT_LT(msg.size(), 1000u) << f.name;
      };
      // A duplicate key inside the last object opened in the file (its deepest part).
      const auto last_object = f.text.rfind("{\n");  // an object opening a line, not a brace in prose
      ASSERT_NE(last_object, std::string::npos) << f.name;
      std::string dup = f.text;
      dup.insert(last_object + 1, "\"zz_dup\": 1, \"zz_dup\": 2, ");
      expect_refused(dup, "duplicate key \"zz_dup\"");
      // 100,000 nested arrays as the value of a new first key.
      std::string deep = f.text;
      deep.insert(f.text.find('{') + 1, "\"zz_deep\": " + std::string(100000, '[') + std::string(100000, ']') + ", ");
      expect_refused(deep, "nested deeper than");
      // The text cut in half: a syntax error with a line and column.
      expect_refused(f.text.substr(0, f.text.size() / 2), "line ");
    }
  }
  EXPECT_GE(files, 40);  // the catalogue as shipped: 14 parts, systems, fleets, rules, scenarios, runs
}

}  // namespace
}  // namespace fleetcap
