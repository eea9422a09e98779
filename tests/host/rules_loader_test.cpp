// Rule files: the built-in ones load; bad ones fail with the file, the pointer and the problem.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>

#include "fleetcap/catalog.hpp"
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
                         "us-cbc-2026", "us-eo14110-2023", "eu-ai-act-2024", "cn-domestic-share-2025",
                         "us-nvidia-letter-2022"}) {
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
  const auto letter = select_rules(rules, "", date{2022, 9, 1});
  ASSERT_EQ(letter.size(), 1u);
  EXPECT_EQ(letter.front()->id, "us-nvidia-letter-2022");
  // The 2023 rule is kept on 1 Nov 2023 because it applied early to NVIDIA's parts.
  const auto early = select_rules(rules, "us-3a090-2023", date{2023, 11, 1});
  ASSERT_EQ(early.size(), 1u);
  EXPECT_TRUE(select_rules(rules, "us-3a090-2023", date{2023, 10, 22}).empty());
}

TEST(rules_loader, scopes_and_tier_table_resolve_country_groups)
{
  const auto rules = load_rules(*builtin_catalog());
  const auto& r2023 = find_rule(rules, "us-3a090-2023");
  EXPECT_EQ(r2023.scope.item_origin, std::vector<std::string>{"US"});
  EXPECT_TRUE(r2023.scope.destinations.contains("CN"));
  EXPECT_TRUE(r2023.scope.destinations.contains("MO"));
  EXPECT_TRUE(r2023.scope.destinations.contains("SA"));   // D:4
  EXPECT_FALSE(r2023.scope.destinations.contains("IL"));  // D:4, but also A:6
  EXPECT_FALSE(r2023.scope.destinations.contains("US"));
  EXPECT_TRUE(r2023.scope.owner_headquarters.contains("CN"));
  EXPECT_FALSE(r2023.scope.owner_headquarters.contains("HK"));
  const auto& diffusion = find_rule(rules, "us-diffusion-2025");
  // 90 FR 4544: Tier 1 = the US and 18 partners; Tier 3 = D:5 and Macau; Tier 2 = the rest.
  int tier1 = 0;
  for (const auto& [code, tier] : diffusion.country_tiers) {
    tier1 += tier == 1 ? 1 : 0;
  }
  EXPECT_EQ(tier1, 19);
  EXPECT_EQ(country_tier(diffusion, "US", "test"), 1);
  EXPECT_EQ(country_tier(diffusion, "TW", "test"), 1);
  EXPECT_EQ(country_tier(diffusion, "CN", "test"), 3);
  EXPECT_EQ(country_tier(diffusion, "MO", "test"), 3);
  EXPECT_EQ(country_tier(diffusion, "RU", "test"), 3);
  EXPECT_EQ(country_tier(diffusion, "MY", "test"), 2);
  EXPECT_EQ(country_tier(diffusion, "IN", "test"), 2);
  EXPECT_EQ(diffusion.country_tiers.size(), 249u);  // every ISO 3166-1 country
  // Every part id the rules name is a catalogue part.
  EXPECT_NO_THROW(check_rule_part_ids(rules, load_specs(*builtin_catalog())));
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
  // A sign or a blank where a digit belongs (sscanf's %d would take them).
  for (const char* bad : {"2023-+1-01", "2023- 1-01", "+023-01-01", "2023-01- 1", "2023-01-+1"}) {
    EXPECT_EQ(test::input_error_message([&] { parse_date(bad, "--as-of"); }),
              std::string("--as-of: expected a date YYYY-MM-DD, got \"") + bad + "\"");
  }
  j = rule_2023();
  j["in_force"] = "2023- 11-7";
  EXPECT_NE(reject(j).find("/in_force: expected a date YYYY-MM-DD"), std::string::npos);
  j = rule_2023();
  j["in_force"] = "2023-+1-17";
  EXPECT_EQ(reject(j), "data/rules/us-3a090-2023.json: /in_force: expected a date YYYY-MM-DD, got \"2023-+1-17\"");
  j = rule_2023();
  j["early_application"][0]["from"] = "2023-1 -23";
  EXPECT_NE(reject(j).find("/early_application/0/from: expected a date"), std::string::npos) << reject(j);
  // Issue 12: an empty date is not null (it read as "still in force"); jurisdiction and notes
  // are held to their types.
  j = rule_2023();
  j["no_longer_in_force"] = "";
  EXPECT_EQ(reject(j), "data/rules/us-3a090-2023.json: /no_longer_in_force: expected a non-empty string or null, got \"\"");
  j = rule_2023();
  j["jurisdiction"] = 3.5;
  EXPECT_EQ(reject(j), "data/rules/us-3a090-2023.json: /jurisdiction: expected a string, got 3.5");
  j = rule_2023();
  j["notes"] = 3.5;
  EXPECT_NE(reject(j).find("/notes: expected"), std::string::npos) << reject(j);
}

TEST(rules_loader_bad_input, scope)
{
  auto j = rule_2023();
  j.erase("scope");
  EXPECT_NE(reject(j).find("data/rules/us-3a090-2023.json: /scope: missing required field"), std::string::npos);
  j = rule_2023();
  j["scope"]["destinations"]["include"][1] = "D:9";
  EXPECT_NE(reject(j).find("data/rules/us-3a090-2023.json: /scope/destinations/include/1: unknown country group "
                           "\"D:9\" (did you mean"),
            std::string::npos)
      << reject(j);
  j = rule_2023();
  j["scope"]["owner_headquarters"]["exclude"] = json::array({"chna"});
  EXPECT_NE(reject(j).find("/scope/owner_headquarters/exclude/0: unknown country group \"chna\" (did you mean "
                           "\"china\"?)"),
            std::string::npos)
      << reject(j);
  j = rule_2023();
  j["scope"]["destinations"] = 5;
  EXPECT_EQ(reject(j), "data/rules/us-3a090-2023.json: /scope/destinations: expected null or an object {\"include\": "
                       "[...], \"exclude\": [...]}, got 5");
  j = rule_2023();
  j["scope"]["item_origin"] = "US";
  EXPECT_NE(reject(j).find("/scope/item_origin: expected null or a non-empty array of ISO 3166-1 alpha-2 codes"),
            std::string::npos);
  j = rule_2023();
  j["scope"]["item_origin"] = json::array({"usa"});
  EXPECT_NE(reject(j).find("/scope/item_origin/0: expected an ISO 3166-1 alpha-2 code"), std::string::npos);
  j = rule_2023();
  j["scope"]["other_origin"] = "exempt";
  EXPECT_NE(reject(j).find("/scope/other_origin: expected \"not_applicable\" or \"undetermined\""), std::string::npos);
  j = rule_2023();
  j["scope"]["destinations"]["include"] = json::array();
  EXPECT_NE(reject(j).find("/scope/destinations/include: expected a non-empty array"), std::string::npos);
  j = rule_2023();
  j["scope"].erase("owner_headquarters");
  EXPECT_NE(reject(j).find("/scope/owner_headquarters: missing required field"), std::string::npos);
  j = rule_2023();
  j["scope"]["destination"] = nullptr;
  EXPECT_NE(reject(j).find("/scope/destination: unknown field"), std::string::npos);
}

json diffusion() { return json::parse(test::read_source_file("data/rules/us-diffusion-2025.json")); }

TEST(rules_loader_bad_input, tier_table)
{
  const std::string file = "data/rules/us-diffusion-2025.json";
  auto j = diffusion();
  j.erase("country_tiers");
  EXPECT_NE(reject(j, file).find(file + ": /country_tiers: missing required field"), std::string::npos);
  j = diffusion();
  j["country_tiers"]["2"].push_back("CN");  // CN is also tier 3 (D:5)
  EXPECT_EQ(reject(j, file), file + ": /country_tiers/3/0: country \"CN\" is in tier 2 and tier 3");
  j = diffusion();
  j["country_tiers"]["3"][0] = "D:6";
  EXPECT_NE(reject(j, file).find("/country_tiers/3/0: unknown country group \"D:6\""), std::string::npos);
  j = diffusion();
  j["country_tiers"]["1"] = "US";
  EXPECT_NE(reject(j, file).find("/country_tiers/1: expected a non-empty array"), std::string::npos);
  auto r2023 = rule_2023();
  r2023["country_tiers"] = diffusion()["country_tiers"];
  EXPECT_NE(reject(r2023).find("/country_tiers: only a us_diffusion_2025 rule has a tier table"), std::string::npos);

  // A tier table that lacks a country an inventory uses: the rule file, the pointer, and who used it.
  j = diffusion();
  auto& tier2 = j["country_tiers"]["2"];
  tier2.erase(std::find(tier2.begin(), tier2.end(), "MY"));
  const auto r = parse_rule({file, j.dump()});
  EXPECT_EQ(test::input_error_message([&] { country_tier(r, "MY", "data/fleets/x.json: /entries/2/location"); }),
            file + ": /country_tiers: no tier for country \"MY\" (used by data/fleets/x.json: /entries/2/location); "
                   "every country an inventory or option names must be in tier 1, 2 or 3");
}

TEST(rules_loader_bad_input, named_parts_and_early_application)
{
  auto j = json::parse(test::read_source_file("data/rules/us-nvidia-letter-2022.json"));
  const std::string file = "data/rules/us-nvidia-letter-2022.json";
  j["named_parts"][1] = "a100-pcie";
  const std::vector<rule> letter = {parse_rule({file, j.dump()})};
  const auto parts = load_specs(*builtin_catalog());
  EXPECT_NE(test::input_error_message([&] { check_rule_part_ids(letter, parts); })
                .find(file + ": /named_parts/1: unknown part id \"a100-pcie\" (closest: a100-pcie-40gb"),
            std::string::npos);
  j.erase("named_parts");
  EXPECT_NE(reject(j, file).find("/named_parts: missing required field"), std::string::npos);
  auto e = rule_2023();
  e["early_application"][0]["from"] = "2023-11-17";
  EXPECT_NE(reject(e).find("/early_application/0/from: 2023-11-17 is not before in_force 2023-11-17"), std::string::npos);
  e = rule_2023();
  e["early_application"][0]["parts"] = json::array();
  EXPECT_NE(reject(e).find("/early_application/0/parts: expected a non-empty array of strings"), std::string::npos);
  auto eu = json::parse(test::read_source_file("data/rules/eu-ai-act-2024.json"));
  eu["entry_into_force"] = "2025-09-01";
  EXPECT_NE(reject(eu, "data/rules/eu-ai-act-2024.json").find("/entry_into_force: 2025-09-01 is after in_force 2025-08-02"),
            std::string::npos);
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
    std::vector<catalog_file> json_files(const std::string& folder) const override
    {
      if (folder == "data/rules/groups") {
        return {{"x/data/rules/groups/country-groups.json",
                 test::read_source_file("data/rules/groups/country-groups.json")}};
      }
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
