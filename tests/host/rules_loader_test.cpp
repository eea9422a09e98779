// Rule files: the built-in ones load; bad ones fail with the file, the pointer and the problem.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fleetcap/rules.hpp"
#include "test_util.hpp"

namespace fleetcap {
namespace {

using nlohmann::json;

json rule_2023() { return json::parse(test::read_source_file("data/rules/us-3a090-2023.json")); }

std::string reject(const json& j, const std::string& file = "data/rules/us-3a090-2023.json")
{
  return test::input_error_message([&] { parse_rule({file, j.dump()}); });
}

TEST(rules_loader, builtin_rules_load_with_citations_and_dates)
{
  const auto rules = load_rules(*builtin_catalog());
  for (const char* id : {"us-3a090-2022", "us-3a090-2023", "us-hbm-2024", "us-diffusion-2025", "us-h20-licence-2025",
                         "us-cbc-2026", "us-eo14110-2023", "eu-ai-act-2024", "cn-domestic-share-2025"}) {
    const auto& r = find_rule(rules, id);
    EXPECT_FALSE(r.citation.empty()) << id;
    EXPECT_FALSE(r.sources.empty()) << id;
  }
  const auto& diffusion = find_rule(rules, "us-diffusion-2025");
  EXPECT_TRUE(diffusion.in_force_on(date{2025, 3, 1}));
  EXPECT_FALSE(diffusion.in_force_on(date{2025, 5, 13}));  // rescinded 13 May 2025
  EXPECT_FALSE(find_rule(rules, "us-3a090-2023").in_force_on(date{2023, 11, 16}));
  EXPECT_TRUE(find_rule(rules, "us-3a090-2023").in_force_on(date{2023, 11, 17}));
}

TEST(rules_loader, as_of_selects_the_rules_in_force)
{
  const auto rules = load_rules(*builtin_catalog());
  const auto in_2023 = select_rules(rules, "", date{2023, 1, 1});
  ASSERT_EQ(in_2023.size(), 1u);
  EXPECT_EQ(in_2023.front()->id, "us-3a090-2022");
}

TEST(rules_loader_bad_input, missing_threshold)
{
  auto j = rule_2023();
  j["parameters"].erase("b2_pd_min");
  EXPECT_NE(reject(j).find("data/rules/us-3a090-2023.json: /parameters/b2_pd_min: missing threshold"), std::string::npos)
      << reject(j);
}

TEST(rules_loader_bad_input, lower_bound_above_upper_bound)
{
  auto j = rule_2023();
  j["parameters"]["b1_pd_min"] = 6;
  EXPECT_EQ(reject(j), "data/rules/us-3a090-2023.json: /parameters/b1_pd_min: lower bound b1_pd_min = 6 is not below "
                       "b1_pd_max = 5.92");
}

TEST(rules_loader_bad_input, bad_dates)
{
  auto j = rule_2023();
  j["in_force"] = "2023-13-01";
  EXPECT_EQ(reject(j), "data/rules/us-3a090-2023.json: /in_force: expected a date YYYY-MM-DD, got \"2023-13-01\"");
  j["in_force"] = "17 Nov 2023";
  EXPECT_NE(reject(j).find("expected a date YYYY-MM-DD"), std::string::npos);
  j = rule_2023();
  j["no_longer_in_force"] = "2020-01-01";
  EXPECT_EQ(reject(j), "data/rules/us-3a090-2023.json: /no_longer_in_force: 2020-01-01 is not after in_force 2023-11-17");
  EXPECT_NE(test::input_error_message([] { parse_date("2023-02-29", "--as-of"); }).find("--as-of"), std::string::npos);
  EXPECT_NO_THROW(parse_date("2024-02-29", "--as-of"));
}

TEST(rules_loader_bad_input, unknown_kind_and_parameter)
{
  auto j = rule_2023();
  j["kind"] = "us_3a090_2030";
  EXPECT_NE(reject(j).find("/kind: unknown rule kind \"us_3a090_2030\""), std::string::npos);
  j = rule_2023();
  j["parameters"]["a1_tpp_minimum"] = 1;
  EXPECT_NE(reject(j).find("/parameters/a1_tpp_minimum: not a parameter of kind us_3a090_2023 (did you mean "
                           "\"a1_tpp_min\"?)"),
            std::string::npos)
      << reject(j);
}

TEST(rules_loader_bad_input, thresholds_are_positive_numbers)
{
  auto j = rule_2023();
  j["parameters"]["a1_tpp_min"] = -4800;
  EXPECT_EQ(reject(j), "data/rules/us-3a090-2023.json: /parameters/a1_tpp_min: expected a positive number, got -4800");
  j["parameters"]["a1_tpp_min"] = "4800";
  EXPECT_NE(reject(j).find("/parameters/a1_tpp_min: expected a positive number"), std::string::npos);
}

TEST(rules_loader_bad_input, unknown_rule_ids)
{
  const auto rules = load_rules(*builtin_catalog());
  const auto msg = test::input_error_message([&] { select_rules(rules, "us-3a090-2032", std::nullopt); });
  EXPECT_NE(msg.find("unknown rule id \"us-3a090-2032\" (closest: us-3a090-2022, us-3a090-2023"), std::string::npos)
      << msg;
  class one_rule : public catalog_source {
   public:
    std::vector<catalog_file> json_files(const std::string&) const override
    {
      auto j = json::parse(test::read_source_file("data/rules/us-cbc-2026.json"));
      j["based_on"] = "us-3a090-2099";
      return {{"x/data/rules/us-cbc-2026.json", j.dump()}};
    }
    std::string describe() const override { return "one rule"; }
  };
  EXPECT_NE(test::input_error_message([] { load_rules(one_rule()); })
                .find("x/data/rules/us-cbc-2026.json: /based_on: unknown rule id \"us-3a090-2099\""),
            std::string::npos);
}

}  // namespace
}  // namespace fleetcap
