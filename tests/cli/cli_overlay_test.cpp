// What-ifs without copying the catalogue (issue 13): --catalog DIR lays files over the built-in
// catalogue by id (adds, replaces), --rule ID:PARAM=VALUE changes a rule's threshold for one
// run, and every output that uses a changed rule says so. Figures: the H20's TPP is 2,368 and
// its PD 2.91 (tests/validation/published_tpp_test.cpp), under 3A090.b.1's 2,400 TPP line of the
// 2023 rule (88 FR 73458) and over a line moved to 2,000.

#include <gtest/gtest.h>

#include <map>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli_run.hpp"
#include "test_util.hpp"

namespace fleetcap {
namespace {

namespace fs = std::filesystem;
using test::expect_bad_input;
using test::run_fleetcap;

// A catalogue folder holding only what a test writes into it.
class overlay_dir {
 public:
  explicit overlay_dir(const std::string& name) : m_root(fs::temp_directory_path() / ("fleetcap_overlay_" + name))
  {
    fs::remove_all(m_root);
  }
  ~overlay_dir() { fs::remove_all(m_root); }
  void write(const std::string& relative, const nlohmann::json& j) const
  {
    fs::create_directories((m_root / relative).parent_path());
    std::ofstream(m_root / relative) << j.dump(2);
  }
  std::string root() const { return m_root.string(); }

 private:
  fs::path m_root;
};

nlohmann::json source_json(const std::string& relative) { return nlohmann::json::parse(test::read_source_file(relative)); }

std::string verdict_of(const nlohmann::json& comply, const std::string& rule)
{
  for (const auto& v : comply.at("verdicts")) {
    if (v.at("rule") == rule) {
      return v.at("status").get<std::string>();
    }
  }
  return "(no verdict)";
}

TEST(cli_overlay, a_folder_adds_parts_and_replaces_them_by_id)
{
  const auto builtin = nlohmann::json::parse(run_fleetcap({"specs", "list", "--json"}).out);
  overlay_dir dir("parts");
  auto added = source_json("specs/h20.json");
  added["id"] = "h20-what-if";
  added["name"] = "H20 with a doubled FP8 peak (what-if)";
  dir.write("specs/h20-what-if.json", added);
  auto replaced = source_json("specs/h100-sxm.json");
  replaced["name"] = "H100 SXM (overlay)";
  dir.write("specs/h100-sxm.json", replaced);
  // The folder comes before the subcommand: one folder per --catalog, never the command.
  const auto r = run_fleetcap({"--catalog", dir.root(), "specs", "list", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto list = nlohmann::json::parse(r.out);
  EXPECT_EQ(list.size(), builtin.size() + 1);
  int h20s = 0;
  for (const auto& p : list) {
    h20s += p.at("id") == "h20" || p.at("id") == "h20-what-if";
    if (p.at("id") == "h100-sxm") {
      EXPECT_EQ(p.at("name"), "H100 SXM (overlay)");
    }
  }
  EXPECT_EQ(h20s, 2);
}

TEST(cli_overlay, later_folders_override_earlier_ones_and_errors_name_the_overlay_file)
{
  overlay_dir first("first"), second("second");
  auto a = source_json("specs/h20.json");
  a["name"] = "first";
  first.write("specs/h20.json", a);
  a["name"] = "second";
  second.write("specs/h20.json", a);
  const auto r = run_fleetcap({"specs", "show", "h20", "--json", "--catalog", first.root(), "--catalog", second.root()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out).at("name"), "second");
  a["bf16_dense_tflops"] = -1;
  second.write("specs/h20.json", a);
  expect_bad_input(run_fleetcap({"specs", "list", "--catalog", first.root(), "--catalog", second.root()}),
                     second.root() + "/specs/h20.json: /bf16_dense_tflops: expected a positive number");
}

TEST(cli_overlay, an_added_rule_becomes_a_report_column)
{
  overlay_dir dir("rule");
  auto rule = source_json("data/rules/us-3a090-2023.json");
  rule["id"] = "us-3a090-what-if";
  rule["parameters"]["b1_tpp_min"] = 2000;
  dir.write("data/rules/us-3a090-what-if.json", rule);
  const auto r = run_fleetcap({"report", "--json", "--catalog", dir.root()});
  ASSERT_EQ(r.code, 0) << r.err;
  bool seen = false;
  const auto report = nlohmann::json::parse(r.out);
  for (const auto& p : report.at("parts")) {
    if (p.at("part") == "h20") {
      seen = true;
      // Verdicts are a list, as in comply (one shape everywhere).
      std::map<std::string, std::string> status;
      for (const auto& v : p.at("verdicts")) {
        status[v.at("rule").get<std::string>()] = v.at("status").get<std::string>();
      }
      EXPECT_EQ(status["us-3a090-2023"], "not_controlled");
      EXPECT_EQ(status["us-3a090-what-if"], "3A090.b");
    }
  }
  EXPECT_TRUE(seen);
}

TEST(cli_rule_override, moves_a_threshold_and_every_output_says_so)
{
  const auto published = run_fleetcap({"comply", "--part", "h20", "--rules", "us-3a090-2023", "--json"});
  ASSERT_EQ(published.code, 0) << published.err;
  EXPECT_EQ(verdict_of(nlohmann::json::parse(published.out), "us-3a090-2023"), "not_controlled");
  EXPECT_FALSE(nlohmann::json::parse(published.out).contains("what_if"));

  const auto r = run_fleetcap({"comply", "--part", "h20", "--rules", "us-3a090-2023", "--json", "--rule",
                          "us-3a090-2023:b1_tpp_min=2000"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(verdict_of(j, "us-3a090-2023"), "3A090.b");
  ASSERT_EQ(j.at("what_if").size(), 1u);
  EXPECT_EQ(j.at("what_if")[0].at("rule"), "us-3a090-2023");
  EXPECT_EQ(j.at("what_if")[0].at("parameter"), "b1_tpp_min");
  EXPECT_EQ(j.at("what_if")[0].at("value"), 2000.0);
  EXPECT_EQ(j.at("what_if")[0].at("published"), 2400.0);

  const auto text = run_fleetcap({"comply", "--part", "h20", "--rules", "us-3a090-2023", "--rule", "us-3a090-2023:b1_tpp_min=2000"});
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_NE(text.out.find("What-if (--rule): us-3a090-2023 b1_tpp_min = 2000 (published: 2400)"), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("us-3a090-2023 (what-if)"), std::string::npos) << text.out;

  const auto report = run_fleetcap({"report", "--rule", "us-3a090-2023:b1_tpp_min=2000"});
  ASSERT_EQ(report.code, 0) << report.err;
  EXPECT_NE(report.out.find("What-if (--rule): us-3a090-2023 b1_tpp_min = 2000"), std::string::npos);
  EXPECT_NE(report.out.find("us-3a090-2023 (what-if)"), std::string::npos);
  // us-cbc-2026 classifies with the 2023 rule (based_on): its column follows the what-if.
  EXPECT_NE(report.out.find("us-cbc-2026 (on a what-if)"), std::string::npos);
  const auto report_json = nlohmann::json::parse(run_fleetcap({"report", "--json", "--rule", "us-3a090-2023:b1_tpp_min=2000"}).out);
  EXPECT_EQ(report_json.at("what_if")[0].at("published"), 2400.0);
  bool cbc = false;
  for (const auto& f : report_json.at("what_if_based_on")) {
    cbc = cbc || (f.at("rule") == "us-cbc-2026" && f.at("based_on") == "us-3a090-2023");
  }
  EXPECT_TRUE(cbc);
}

TEST(cli_rule_override, paired_bounds_move_together)
{
  // a.1 at 3,000 needs b.1's upper bound (4,800, "less than" a.1's line) moved with it.
  expect_bad_input(run_fleetcap({"comply", "--part", "h20", "--rule", "us-3a090-2023:a1_tpp_min=3000"}),
                     "lower bound b1_tpp_max = 4800 is above a1_tpp_min = 3000");
  for (const auto& args : {std::vector<std::string>{"--rule", "us-3a090-2023:a1_tpp_min=3000,b1_tpp_max=3000"},
                           std::vector<std::string>{"--rule", "us-3a090-2023:a1_tpp_min=3000", "--rule",
                                                    "us-3a090-2023:b1_tpp_max=3000"}}) {
    std::vector<std::string> argv = {"comply", "--part", "b200", "--rules", "us-3a090-2023", "--json"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = run_fleetcap(argv);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out).at("what_if").size(), 2u);
  }
}

TEST(cli_rule_override, bad_overrides_exit_2_naming_the_option)
{
  const std::vector<std::string> comply = {"comply", "--part", "h20"};
  const auto with = [&](const std::string& text) {
    auto argv = comply;
    argv.push_back("--rule");
    argv.push_back(text);
    return run_fleetcap(argv);
  };
  expect_bad_input(with("us-3a090-2032:b1_tpp_min=2000"), "unknown rule id \"us-3a090-2032\" (closest: us-3a090-2022");
  expect_bad_input(with("us-3a090-2023:b1_tpp=2000"), "rule us-3a090-2023 has no parameter \"b1_tpp\" (its parameters: ");
  for (const char* bad : {"abc", "-5", "0", "inf", "nan", "1e999", "2000x", ""}) {
    SCOPED_TRACE(bad);
    expect_bad_input(with(std::string("us-3a090-2023:b1_tpp_min=") + bad), "--rule");
  }
  for (const char* bad : {"us-3a090-2023", "us-3a090-2023:", ":b1_tpp_min=2000", "us-3a090-2023:b1_tpp_min",
                          "us-3a090-2023:=5", "us-3a090-2023:b1_tpp_min=2000,"}) {
    expect_bad_input(with(bad), "expected RULE_ID:PARAMETER=VALUE");
  }
  // Commands that read no rule refuse it rather than ignore it.
  expect_bad_input(run_fleetcap({"sweep", "h20-design-space", "--rule", "us-3a090-2023:b1_tpp_min=2000"}),
                     "--rule applies to comply, report and train, not to sweep");
  expect_bad_input(run_fleetcap({"specs", "list", "--rule", "us-3a090-2023:b1_tpp_min=2000"}), "not to specs list");
}

}  // namespace
}  // namespace fleetcap
