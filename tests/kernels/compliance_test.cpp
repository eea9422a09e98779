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
  static verdict_status status_of(const std::string& part, const std::string& rule_id)
  {
    const auto& p = find_part(*parts, part);
    const std::size_t i = static_cast<std::size_t>(&p - parts->data());
    const auto v = comply_part(p, (*metrics)[i], *rules, {&find_rule(*rules, rule_id)}, date{2026, 1, 1});
    return v.front().status;
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
  const auto v = comply_part(p, (*metrics)[i], *rules, {&find_rule(*rules, "us-3a090-2023")}, date{2026, 1, 1});
  EXPECT_EQ(v.front().reason, "TPP 2,368 < 2,400 and PD 2.91 < 3.2");
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
