// Threshold tests: verdicts pinned for every catalogue part under the 2022 and 2023 rules,
// and each threshold's boundary on the side the rule text puts it.

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "fleetcap/catalog.hpp"
#include "fleetcap/compliance.hpp"
#include "fleetcap/rules.hpp"
#include "kernels/capacity.cuh"
#include "kernels/compliance.cuh"
#include "test_util.hpp"

namespace fleetcap {
namespace {

class catalogue_verdicts : public ::testing::Test {
 protected:
  static void SetUpTestSuite()
  {
    const auto source = builtin_catalog();
    parts = new std::vector<part_spec>(load_specs(*source));
    rules = new std::vector<rule>(load_rules(*source));
    metrics = new std::vector<part_metrics_range>(evaluate_parts(backend_kind::cpu, *parts));
  }
  static void TearDownTestSuite()
  {
    delete parts;
    delete rules;
    delete metrics;
  }
  // The technical test alone: the rule with its item-origin scope lifted, so a foreign-made
  // part shows where its figures would put it.
  static verdict_status status_of(const std::string& part, const std::string& rule_id)
  {
    rule technical = find_rule(*rules, rule_id);
    technical.scope.item_origin.clear();
    return verdict_on(part, technical, {}).status;
  }
  static rule_verdict verdict_on(const std::string& part, const rule& r, const compliance_subject& subject,
                                 const date& today = date{2026, 1, 1})
  {
    const auto& p = find_part(*parts, part);
    const std::size_t i = static_cast<std::size_t>(&p - parts->data());
    return comply_part(p, (*metrics)[i], *rules, {&r}, today, subject).front();
  }
  static rule_verdict verdict_on(const std::string& part, const std::string& rule_id,
                                 const compliance_subject& subject = {}, const date& today = date{2026, 1, 1})
  {
    return verdict_on(part, find_rule(*rules, rule_id), subject, today);
  }
  static std::vector<part_spec>* parts;
  static std::vector<rule>* rules;
  static std::vector<part_metrics_range>* metrics;
};

std::vector<part_spec>* catalogue_verdicts::parts = nullptr;
std::vector<rule>* catalogue_verdicts::rules = nullptr;
std::vector<part_metrics_range>* catalogue_verdicts::metrics = nullptr;

using vs = verdict_status;

// Expected outcomes from FACTS.md part 2.3 (and the rule texts R1, R2): the H800 and A800 were
// cut to 400 GB/s to stay outside the 2022 rule and are caught by the 2023 rule's a.1; the H20
// and L20 sit under both b-clauses; the PCIe parts reach 600 GB/s through the NVLink bridge.
TEST_F(catalogue_verdicts, every_part_under_the_2022_rule)
{
  const std::map<std::string, vs> expected = {
      {"h100-sxm", vs::eccn_3a090_a},       {"h100-pcie", vs::eccn_3a090_a},   {"h800-sxm", vs::not_controlled},
      {"h20", vs::not_controlled},          {"a100-sxm4-80gb", vs::eccn_3a090_a}, {"a100-pcie-40gb", vs::eccn_3a090_a},
      {"a800-sxm4-80gb", vs::not_controlled}, {"l20", vs::not_controlled},     {"h200-sxm", vs::eccn_3a090_a},
      {"b200", vs::eccn_3a090_a},           {"ascend-910b", vs::undetermined},  // HCCS bandwidth unpublished
      {"ascend-910c", vs::undetermined},    {"mlu370-x8", vs::not_controlled}, {"mlu590", vs::undetermined}};
  for (const auto& [part, status] : expected) {
    EXPECT_EQ(status_name(status_of(part, "us-3a090-2022")), std::string(status_name(status))) << part;
  }
}

TEST_F(catalogue_verdicts, every_part_under_the_2023_rule)
{
  const std::map<std::string, vs> expected = {
      {"h100-sxm", vs::eccn_3a090_a},       {"h100-pcie", vs::eccn_3a090_a},    {"h800-sxm", vs::eccn_3a090_a},
      {"h20", vs::not_controlled},          {"a100-sxm4-80gb", vs::eccn_3a090_a}, {"a100-pcie-40gb", vs::eccn_3a090_a},
      {"a800-sxm4-80gb", vs::eccn_3a090_a}, {"l20", vs::not_controlled},        {"h200-sxm", vs::eccn_3a090_a},
      {"b200", vs::eccn_3a090_a},           {"ascend-910b", vs::eccn_3a090_a},  {"ascend-910c", vs::eccn_3a090_a},
      {"mlu370-x8", vs::undetermined},  // TPP 2,048 reaches b.2/a.2 but no die area is published
      {"mlu590", vs::undetermined}};
  for (const auto& [part, status] : expected) {
    EXPECT_EQ(status_name(status_of(part, "us-3a090-2023")), std::string(status_name(status))) << part;
  }
}

TEST_F(catalogue_verdicts, h20_reason_shows_the_numbers)
{
  const auto& p = find_part(*parts, "h20");
  const std::size_t i = static_cast<std::size_t>(&p - parts->data());
  const auto v = comply_part(p, (*metrics)[i], *rules, {&find_rule(*rules, "us-3a090-2023")}, date{2026, 1, 1},
                             {"CN", "CN", "test"});
  EXPECT_EQ(v.front().reason, "TPP 2,368 < 2,400 and PD 2.91 < 3.2");
}

// --- scope: origin, destination, headquarters (issue 9, "Verdicts outside a rule's scope") --

TEST_F(catalogue_verdicts, us_rules_do_not_govern_chinese_made_chips)
{
  // Was case_by_case for the Ascend 910B/910C under the H200-class policy, and 3A090.a under the
  // 2023 rule: a US export rule reaches a Chinese-made chip only as a foreign direct product.
  for (const char* part : {"ascend-910b", "ascend-910c", "mlu370-x8", "mlu590"}) {
    for (const char* id : {"us-3a090-2022", "us-3a090-2023", "us-cbc-2026", "us-h20-licence-2025", "us-diffusion-2025"}) {
      const auto v = verdict_on(part, id);
      EXPECT_EQ(status_name(v.status), std::string("not_applicable")) << part << " " << id;
      EXPECT_EQ(v.clause, "scope: item origin") << part << " " << id;
      EXPECT_EQ(v.reason.rfind("not a US-origin item; FDP rule not evaluated (vendor country CN", 0), 0u) << v.reason;
    }
  }
  EXPECT_NE(verdict_on("ascend-910b", "us-cbc-2026").reason.find("by its figures alone: case_by_case"), std::string::npos);
}

TEST_F(catalogue_verdicts, other_origin_can_be_undetermined)
{
  rule r = find_rule(*rules, "us-3a090-2023");
  r.scope.other_origin_undetermined = true;
  EXPECT_EQ(verdict_on("ascend-910b", r, {}).status, vs::undetermined);
}

TEST_F(catalogue_verdicts, china_export_licence_does_not_reach_a_us_owner_in_the_us)
{
  // Was licence_required for Microsoft's H20s: the April 2025 letter covers exports to China and
  // D:5 and companies headquartered there.
  const auto us = verdict_on("h20", "us-h20-licence-2025", {"US", "US", "test"});
  EXPECT_EQ(us.status, vs::not_applicable);
  EXPECT_EQ(us.reason, "outside the rule's scope: destination US is not in china, D:5; owner's headquarters US is not "
                       "in china, D:5");
  EXPECT_EQ(verdict_on("h20", "us-h20-licence-2025", {"CN", "CN", "test"}).status, vs::licence_required);
  EXPECT_EQ(verdict_on("h20", "us-h20-licence-2025", {"HK", "US", "test"}).status, vs::licence_required);
  // A Chinese-headquartered owner is caught wherever the chips are (the headquarters clause).
  EXPECT_EQ(verdict_on("h20", "us-h20-licence-2025", {"MY", "CN", "test"}).status, vs::licence_required);
  // 2023 rule: Malaysia is in none of D:1/D:4/D:5, a US owner is not headquartered in D:5.
  EXPECT_EQ(verdict_on("h100-sxm", "us-3a090-2023", {"MY", "US", "test"}).status, vs::not_applicable);
  EXPECT_EQ(verdict_on("h100-sxm", "us-3a090-2023", {"MY", "CN", "test"}).status, vs::eccn_3a090_a);
  EXPECT_EQ(verdict_on("h100-sxm", "us-3a090-2023", {"SA", "SA", "test"}).status, vs::eccn_3a090_a);  // D:4
  EXPECT_EQ(verdict_on("h100-sxm", "us-3a090-2023", {"IL", "IL", "test"}).status, vs::not_applicable);  // D:4 but A:6
}

TEST_F(catalogue_verdicts, scope_not_given_keeps_the_technical_test_and_says_so)
{
  const auto v = verdict_on("h20", "us-h20-licence-2025");
  EXPECT_EQ(v.status, vs::licence_required);
  EXPECT_NE(v.reason.find("scope not checked (destination not given"), std::string::npos) << v.reason;
  EXPECT_NE(v.reason.find("owner's headquarters not given"), std::string::npos) << v.reason;
  const auto zz = verdict_on("h100-sxm", "us-3a090-2023", {"ZZ", "US", "test"});
  EXPECT_EQ(zz.status, vs::eccn_3a090_a);
  EXPECT_NE(zz.reason.find("destination not published (ZZ)"), std::string::npos) << zz.reason;
}

TEST_F(catalogue_verdicts, diffusion_verdicts_follow_the_tier_of_the_destination)
{
  EXPECT_EQ(verdict_on("h100-sxm", "us-diffusion-2025", {"US", "US", "test"}).reason, "Tier 1 country: no cap");
  EXPECT_EQ(verdict_on("h100-sxm", "us-diffusion-2025", {"US", "US", "test"}).status, vs::not_applicable);
  EXPECT_EQ(verdict_on("h100-sxm", "us-diffusion-2025", {"MY", "US", "test"}).status, vs::licence_required);
  EXPECT_EQ(verdict_on("h100-sxm", "us-diffusion-2025", {"MO", "US", "test"}).status, vs::licence_required);
  EXPECT_NE(verdict_on("h100-sxm", "us-diffusion-2025", {"CN", "CN", "test"}).reason.find("presumption of denial"),
            std::string::npos);
  EXPECT_EQ(verdict_on("h100-sxm", "us-diffusion-2025", {"ZZ", "CN", "test"}).status, vs::undetermined);
}

TEST_F(catalogue_verdicts, missing_tier_for_a_destination_is_an_input_error)
{
  const auto msg = test::input_error_message([] { verdict_on("h100-sxm", "us-diffusion-2025", {"XK", "US", "--destination"}); });
  EXPECT_NE(msg.find("data/rules/us-diffusion-2025.json: /country_tiers: no tier for country \"XK\" (used by "
                     "--destination)"),
            std::string::npos)
      << msg;
}

// --- dates (issue 9, "Dates") ---------------------------------------------------------------

TEST_F(catalogue_verdicts, the_2023_rule_applied_to_nvidia_parts_from_23_october_2023)
{
  // Was not controlled on 2023-11-01: the USG brought the licence requirement forward for the
  // A100, A800, H100, H800 and L40S on 23 Oct 2023 (NVIDIA 8-K of 24 Oct 2023).
  const auto& r = find_rule(*rules, "us-3a090-2023");
  for (const char* part : {"h800-sxm", "a800-sxm4-80gb", "h100-sxm", "a100-sxm4-80gb"}) {
    EXPECT_TRUE(r.in_force_for(date{2023, 10, 23}, part)) << part;
    EXPECT_FALSE(r.in_force_for(date{2023, 10, 22}, part)) << part;
  }
  EXPECT_FALSE(r.in_force_for(date{2023, 11, 1}, "h20"));
  EXPECT_TRUE(r.in_force_for(date{2023, 11, 17}, "h20"));
  const auto v = verdict_on("h800-sxm", "us-3a090-2023", {"CN", "CN", "test"}, date{2023, 11, 1});
  EXPECT_TRUE(v.in_force);
  EXPECT_EQ(v.status, vs::eccn_3a090_a);
  EXPECT_NE(v.reason.find("applied to this part from 2023-10-23"), std::string::npos) << v.reason;
}

TEST_F(catalogue_verdicts, the_august_2022_letter_named_the_a100_and_h100)
{
  const auto& r = find_rule(*rules, "us-nvidia-letter-2022");
  EXPECT_TRUE(r.in_force_on(date{2022, 8, 26}));
  EXPECT_FALSE(r.in_force_on(date{2022, 8, 25}));
  for (const char* part : {"a100-sxm4-80gb", "a100-pcie-40gb", "h100-sxm", "h100-pcie"}) {
    EXPECT_EQ(verdict_on(part, "us-nvidia-letter-2022", {"CN", "CN", "test"}, date{2022, 9, 1}).status,
              vs::licence_required)
        << part;
  }
  EXPECT_EQ(verdict_on("a100-sxm4-80gb", "us-nvidia-letter-2022", {"RU", "RU", "test"}).status, vs::licence_required);
  EXPECT_EQ(verdict_on("a100-sxm4-80gb", "us-nvidia-letter-2022", {"DE", "DE", "test"}).status, vs::not_applicable);
  EXPECT_EQ(verdict_on("h800-sxm", "us-nvidia-letter-2022", {"CN", "CN", "test"}).status, vs::not_applicable);
}

TEST_F(catalogue_verdicts, eu_ai_act_obligations_apply_from_2_august_2025)
{
  const auto& eu = find_rule(*rules, "eu-ai-act-2024");
  ASSERT_TRUE(eu.entry_into_force.has_value());
  EXPECT_EQ(eu.entry_into_force->str(), "2024-08-01");
  EXPECT_FALSE(eu.in_force_on(date{2025, 8, 1}));  // was in force from 2024-08-01
  EXPECT_TRUE(eu.in_force_on(date{2025, 8, 2}));
  const auto v = comply_training(2e25, false, {&eu}, date{2025, 8, 1});
  EXPECT_FALSE(v.front().in_force);
}

TEST_F(catalogue_verdicts, later_rules_on_the_china_parts)
{
  // April 2025 letter: the H20 itself (4.0 TB/s) needs a licence; the L20 does not.
  EXPECT_EQ(status_of("h20", "us-h20-licence-2025"), vs::licence_required);
  EXPECT_EQ(status_of("l20", "us-h20-licence-2025"), vs::not_controlled);
  // January 2026: the H200 is inside the case-by-case envelope, the B200 outside (FACTS R8).
  EXPECT_EQ(status_of("h200-sxm", "us-cbc-2026"), vs::case_by_case);
  EXPECT_EQ(status_of("b200", "us-cbc-2026"), vs::licence_required);
  EXPECT_EQ(status_of("h20", "us-cbc-2026"), vs::not_applicable);
}

TEST_F(catalogue_verdicts, multi_die_parts_say_so)
{
  const auto& p = find_part(*parts, "b200");
  const std::size_t i = static_cast<std::size_t>(&p - parts->data());
  const auto v = comply_part(p, (*metrics)[i], *rules, {&find_rule(*rules, "us-3a090-2023")}, date{2026, 1, 1});
  EXPECT_NE(v.front().reason.find("aggregated over 2 logic dies"), std::string::npos) << v.front().reason;
}

// --- boundaries: "or more" (>=), "less than" (<), "greater than" (>) -----------------------

rule_3a090_2023_params rule_2023()
{
  return {4800, 1600, 5.92, 2400, 4800, 1.6, 5.92, 1600, 3.2, 5.92, 4800};
}

part_compliance_inputs part(double tpp, double pd, bool data_center = true)
{
  return {tpp, pd, 900e9, 3.35e12, data_center ? 1 : 0};
}

vs classify(double tpp, double pd, bool data_center = true)
{
  return static_cast<vs>(classify_3a090_2023(part(tpp, pd, data_center), rule_2023()).status);
}

TEST(threshold_boundaries, a1_is_4800_or_more)
{
  EXPECT_EQ(classify(4800, 1.0), vs::eccn_3a090_a);
  EXPECT_EQ(classify(std::nextafter(4800.0, 0.0), 1.0), vs::not_controlled);
}

TEST(threshold_boundaries, a2_is_1600_or_more_with_pd_592_or_more)
{
  EXPECT_EQ(classify(1600, 5.92), vs::eccn_3a090_a);
  EXPECT_EQ(classify(1600, std::nextafter(5.92, 0.0)), vs::eccn_3a090_b);  // then b.2: 3.2 <= PD < 5.92
  EXPECT_EQ(classify(std::nextafter(1600.0, 0.0), 5.92), vs::not_controlled);
}

TEST(threshold_boundaries, b1_is_2400_to_below_4800_and_pd_16_to_below_592)
{
  EXPECT_EQ(classify(2400, 1.6), vs::eccn_3a090_b);
  EXPECT_EQ(classify(std::nextafter(2400.0, 0.0), 1.6), vs::not_controlled);
  EXPECT_EQ(classify(2400, std::nextafter(1.6, 0.0)), vs::not_controlled);
  EXPECT_EQ(classify(std::nextafter(4800.0, 0.0), 1.6), vs::eccn_3a090_b);
}

TEST(threshold_boundaries, b2_is_pd_32_or_more)
{
  EXPECT_EQ(classify(1600, 3.2), vs::eccn_3a090_b);
  EXPECT_EQ(classify(1600, std::nextafter(3.2, 0.0)), vs::not_controlled);
}

TEST(threshold_boundaries, note2_exempts_non_datacenter_parts_below_4800_only)
{
  EXPECT_EQ(classify(4799, 10.0, false), vs::exempt);
  EXPECT_EQ(classify(4800, 10.0, false), vs::eccn_3a090_a);
  EXPECT_EQ(classify(4799, 10.0, true), vs::eccn_3a090_a);  // a.2 for a data-centre part
}

TEST(threshold_boundaries, io_of_2022_is_600_gbytes_or_more)
{
  const rule_3a090_2022_params r{600e9, 4800};
  part_compliance_inputs p = part(4800, 1.0);
  p.io_bidirectional_bytes_per_s = 600e9;
  EXPECT_EQ(static_cast<vs>(classify_3a090_2022(p, r).status), vs::eccn_3a090_a);
  p.io_bidirectional_bytes_per_s = std::nextafter(600e9, 0.0);
  EXPECT_EQ(static_cast<vs>(classify_3a090_2022(p, r).status), vs::not_controlled);
  p.io_bidirectional_bytes_per_s = 600e9;
  p.tpp = std::nextafter(4800.0, 0.0);
  EXPECT_EQ(static_cast<vs>(classify_3a090_2022(p, r).status), vs::not_controlled);
}

TEST(threshold_boundaries, training_lines_are_strictly_greater_than)
{
  // EU AI Act Art. 51(2) "greater than 10^25"; EO 14110 4.2(b)(i) "greater than 10^26".
  EXPECT_EQ(static_cast<vs>(compare_to_threshold(1e25, 1e25, true).status), vs::below_threshold);
  EXPECT_EQ(static_cast<vs>(compare_to_threshold(std::nextafter(1e25, 1e30), 1e25, true).status), vs::above_threshold);
  EXPECT_EQ(static_cast<vs>(compare_to_threshold(1e26, 1e26, true).status), vs::below_threshold);
  EXPECT_EQ(static_cast<vs>(compare_to_threshold(std::nextafter(1e26, 1e30), 1e26, true).status), vs::above_threshold);
}

TEST(threshold_boundaries, cluster_line_is_1e20_or_more)
{
  EXPECT_EQ(static_cast<vs>(compare_to_threshold(1e20, 1e20, false).status), vs::above_threshold);
  EXPECT_EQ(static_cast<vs>(compare_to_threshold(std::nextafter(1e20, 0.0), 1e20, false).status), vs::below_threshold);
}

TEST(threshold_boundaries, cbc_envelope_is_less_than_21000_and_6500_gbps)
{
  const rule_cbc_2026_params r{21000, 6500e9};
  const verdict base{static_cast<int>(vs::eccn_3a090_a), 0};
  part_compliance_inputs p = part(std::nextafter(21000.0, 0.0), 1.0);
  p.memory_bandwidth_bytes_per_s = std::nextafter(6500e9, 0.0);
  EXPECT_EQ(static_cast<vs>(classify_cbc_2026(p, base, r).status), vs::case_by_case);
  p.tpp = 21000;
  EXPECT_EQ(static_cast<vs>(classify_cbc_2026(p, base, r).status), vs::licence_required);
  p.tpp = 20000;
  p.memory_bandwidth_bytes_per_s = 6500e9;
  EXPECT_EQ(static_cast<vs>(classify_cbc_2026(p, base, r).status), vs::licence_required);
}

TEST(threshold_boundaries, diffusion_cap_binds_tier_2_only_and_fits_up_to_the_cap)
{
  EXPECT_EQ(static_cast<vs>(classify_diffusion_country(tier_1, 20e9, 790e6).status), vs::not_applicable);
  EXPECT_EQ(classify_diffusion_country(tier_1, 20e9, 790e6).clause, static_cast<int>(verdict_clause::tier1_no_cap));
  EXPECT_EQ(static_cast<vs>(classify_diffusion_country(tier_3, 0, 790e6).status), vs::licence_required);
  EXPECT_EQ(static_cast<vs>(classify_diffusion_country(tier_2, 790e6, 790e6).status), vs::below_threshold);
  EXPECT_EQ(static_cast<vs>(classify_diffusion_country(tier_2, std::nextafter(790e6, 1e12), 790e6).status),
            vs::above_threshold);
  EXPECT_EQ(static_cast<vs>(classify_diffusion_country(tier_unpublished, 1, 790e6).status), vs::undetermined);
}

TEST(threshold_boundaries, diffusion_part_verdict_by_tier)
{
  const verdict a{static_cast<int>(vs::eccn_3a090_a), 0};
  const verdict b{static_cast<int>(vs::eccn_3a090_b), 0};
  EXPECT_EQ(static_cast<vs>(classify_diffusion_part(a, tier_1).status), vs::not_applicable);
  EXPECT_EQ(static_cast<vs>(classify_diffusion_part(a, tier_2).status), vs::licence_required);
  EXPECT_EQ(static_cast<vs>(classify_diffusion_part(a, tier_3).status), vs::licence_required);
  EXPECT_EQ(static_cast<vs>(classify_diffusion_part(a, tier_not_given).status), vs::licence_required);
  EXPECT_EQ(static_cast<vs>(classify_diffusion_part(b, tier_2).status), vs::not_applicable);
}

TEST(threshold_boundaries, unknown_pd_is_undetermined_only_where_it_matters)
{
  EXPECT_EQ(classify(1599, NAN), vs::not_controlled);
  EXPECT_EQ(classify(2048, NAN), vs::undetermined);
  EXPECT_EQ(classify(5000, NAN), vs::eccn_3a090_a);
}

// Diffusion-rule figures (getcoai; broadberry): 790,000,000 TPP = 49,901 H100e and
// 26,900,000 TPP = 1,699 H100e.
TEST(h100_equivalents, diffusion_caps_convert)
{
  const double cap = h100e_per_unit(static_cast<int>(h100e_basis::tpp), 790e6, 0, 0);
  EXPECT_EQ(std::round(cap), 49901.0);
  EXPECT_EQ(std::round(h100e_per_unit(static_cast<int>(h100e_basis::tpp), 26.9e6, 0, 0)), 1699.0);
  // One catalogue H100 SXM (TPP 15,832) is one H100e within 0.01 %.
  EXPECT_NEAR(h100e_per_unit(static_cast<int>(h100e_basis::tpp), 15832, 0, 0), 1.0, 1e-4);
}

}  // namespace
}  // namespace fleetcap
