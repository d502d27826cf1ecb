#include "services/routing/domain/routing_config.h"

#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"
#include "libs/common/files.h"

namespace cs::routing {
namespace {

using cs::common::v1::GRADE_A;
using cs::common::v1::GRADE_B;
using cs::common::v1::GRADE_C;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// StartsWith for absl::string_view (Status::message()) and std::string.
MATCHER_P(MsgStartsWith, prefix, absl::StrCat("starts with \"", prefix, "\"")) {
  return absl::StartsWith(arg, prefix);
}

const std::set<std::string> kCalendars = {"default", "always"};

const std::string& ShippedText() {
  static const std::string* text = [] {
    absl::StatusOr<std::string> t =
        ReadFileToString(CS_SOURCE_DIR "/deploy/config/routing.textproto");
    EXPECT_TRUE(t.ok()) << t.status();
    return new std::string(t.ok() ? *t : "");
  }();
  return *text;
}

// "routing.textproto:<line>:<col>" of the first occurrence of `needle`.
std::string At(const std::string& text, const std::string& needle) {
  const size_t pos = text.find(needle);
  EXPECT_NE(pos, std::string::npos) << needle;
  int line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < pos; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return absl::StrCat("routing.textproto:", line, ":", pos - line_start + 1);
}

// The shipped text with `from` (which must occur) replaced by `to`.
std::string Shipped(const std::string& from, const std::string& to) {
  const std::string& text = ShippedText();
  EXPECT_NE(text.find(from), std::string::npos) << from;
  return absl::StrReplaceAll(text, {{from, to}});
}

absl::Status Parse(const std::string& text) {
  return ParseRoutingConfig(text, "routing.textproto", kCalendars).status();
}

TEST(RoutingConfigTest, ShippedFileParses) {
  absl::StatusOr<LoadedConfig> loaded = LoadRoutingConfigFile(
      CS_SOURCE_DIR "/deploy/config/routing.textproto", kCalendars);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const LoadedConfig& c = *loaded;
  EXPECT_EQ(c.version, 1);
  EXPECT_EQ(c.sla.version, 1);
  EXPECT_EQ(c.sla.default_calendar, "default");
  EXPECT_DOUBLE_EQ(c.sla.default_warning_fraction, 0.8);
  EXPECT_EQ(c.grading.grade_a_min_affected, 100);
  EXPECT_EQ(c.grading.grade_b_min_affected, 10);
  ASSERT_EQ(c.grading.major_loss.size(), 1u);
  EXPECT_EQ(c.grading.major_loss[0].currency_code, "CNY");
  EXPECT_THAT(c.grading.upgrade_customer_types,
              ElementsAre(cs::ticket::v1::CUSTOMER_TYPE_VIP));
  ASSERT_EQ(c.grading.rules.size(), 1u);
  EXPECT_EQ(c.grading.rules[0].min_grade, GRADE_B);
  ASSERT_EQ(c.departments.size(), 3u);
  EXPECT_EQ(c.departments[0].department, "技术支持部");
  EXPECT_THAT(c.departments[0].collaborating_departments,
              ElementsAre("客服部"));
  EXPECT_EQ(c.departments[1].department, "产品部");
  EXPECT_EQ(c.departments[2].department, "客服部");
  EXPECT_EQ(c.skills.category_levels, 1);
  EXPECT_TRUE(c.skills.relax_when_unstaffed);
  EXPECT_THAT(
      c.sla.ticket_clocks.start_on_create,
      ElementsAre(v1::CLOCK_KIND_FIRST_RESPONSE, v1::CLOCK_KIND_RESOLUTION));
  EXPECT_EQ(c.sla.calendar_rules.size(), 2u);
  EXPECT_EQ(c.sla.policies.size(), 31u);
  EXPECT_TRUE(c.sla.ticket_clocks.follow_up);
  EXPECT_TRUE(c.sla.ticket_clocks.record_completeness);

  // Department routing with the shipped rules.
  absl::StatusOr<DepartmentDecision> d =
      RouteDepartment(GRADE_A, {"支付"}, c.departments);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->reason, "grade A → 技术支持部 + 客服部");
}

TEST(RoutingConfigTest, MissingFile) {
  EXPECT_EQ(LoadRoutingConfigFile("/nonexistent/routing.textproto", kCalendars)
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

TEST(RoutingConfigTest, SyntaxErrorNamesLineAndColumn) {
  const std::string text =
      "version: 1\n"
      "grading {\n"
      "  grade_a_min_affected_customers: lots\n"
      "}\n";
  const absl::Status s = Parse(text);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), MsgStartsWith("routing.textproto:3:35: "));
  EXPECT_THAT(s.message(), HasSubstr("lots"));

  // Unknown field: reported where the parser stops, just after its name.
  const std::string misspelt =
      Shipped("default_calendar: \"default\"", "default_calender: \"default\"");
  const absl::Status unknown = Parse(misspelt);
  EXPECT_THAT(unknown.message(),
              MsgStartsWith(At(misspelt, ": \"default\"      #") + ": "));
  EXPECT_THAT(unknown.message(), HasSubstr("default_calender"));

  const absl::Status bad_enum = Parse(Shipped(
      "grades: GRADE_B target: \"30m\"", "grades: GRADE_D target: \"30m\""));
  EXPECT_THAT(bad_enum.message(), HasSubstr("GRADE_D"));
  EXPECT_THAT(bad_enum.message(), MsgStartsWith("routing.textproto:"));
}

TEST(RoutingConfigTest, BadTargetNamesPolicyAndLine) {
  const std::string text =
      Shipped("target: \"2h\" description: \"售后邮件 ≤2 小时\"",
              "target: \"2x\" description: \"售后邮件 ≤2 小时\"");
  const absl::Status s = Parse(text);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            At(text, "target: \"2x\"") +
                ": sla_policies[8] (name \"after_sale_email_first_response\"): "
                "target: \"2x\" is not a duration (use e.g. \"15m\", \"2h\", "
                "\"1h30m\", \"3d\")");
  const std::vector<FieldViolation> v = FieldViolationsOf(s);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "sla_policies[8].target");
}

TEST(RoutingConfigTest, RulesMayOnlyNameDepartmentsOfTheFile) {
  const DepartmentDirectory without_product =
      *DepartmentDirectory::Parse("客服部\n技术支持部\n");
  const std::string& text = ShippedText();
  const absl::Status s =
      ParseRoutingConfig(text, "routing.textproto", kCalendars, without_product)
          .status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()),
              MsgStartsWith(At(text, "department: \"产品部\"")));
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("\"产品部\" is not in the departments file (known: "
                        "客服部, 技术支持部)"));
  const std::vector<FieldViolation> v = FieldViolationsOf(s);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "departments[1].department");

  const DepartmentDirectory without_first_line =
      *DepartmentDirectory::Parse("技术支持部\n产品部\n");
  const std::vector<FieldViolation> collaborating =
      FieldViolationsOf(ParseRoutingConfig(text, "routing.textproto",
                                           kCalendars, without_first_line)
                            .status());
  std::vector<std::string> fields;
  for (const FieldViolation& f : collaborating) fields.push_back(f.field);
  EXPECT_THAT(fields, ElementsAre("departments[0].collaborating_departments[0]",
                                  "departments[1].collaborating_departments[0]",
                                  "departments[2].department"));
}

TEST(RoutingConfigTest, UnknownCalendar) {
  const std::string text =
      Shipped("calendar: \"always\" description: \"受理确认 ≤10 分钟\"",
              "calendar: \"24x7\" description: \"受理确认 ≤10 分钟\"");
  const absl::Status s = Parse(text);
  EXPECT_EQ(s.message(),
            At(text, "calendar: \"24x7\"") +
                ": sla_policies[24] (name \"complaint_acknowledge\"): "
                "calendar: unknown calendar \"24x7\" (known: always, default)");
  const absl::Status d = Parse(
      Shipped("default_calendar: \"default\"", "default_calendar: \"office\""));
  EXPECT_THAT(d.message(),
              HasSubstr("default_calendar: unknown calendar \"office\""));
  const absl::Status r =
      ParseRoutingConfig(ShippedText(), "routing.textproto", {"default"})
          .status();
  EXPECT_THAT(
      r.message(),
      HasSubstr("calendar_rules[0].calendar: unknown calendar \"always\""));
}

TEST(RoutingConfigTest, WarningFractionMustBeInsideZeroOne) {
  for (const char* bad : {"0", "1", "1.5", "-0.2"}) {
    const std::string text =
        Shipped("default_warning_fraction: 0.8",
                absl::StrCat("default_warning_fraction: ", bad));
    EXPECT_THAT(Parse(text).message(),
                MsgStartsWith(At(text, "default_warning_fraction") +
                              ": default_warning_fraction: must be in (0, 1)"))
        << bad;
  }
  const std::string text =
      Shipped("target: \"4h\" description: \"售中紧急 ≤4 小时\"",
              "target: \"4h\" warning_fraction: 1.0");
  EXPECT_THAT(
      Parse(text).message(),
      HasSubstr("sla_policies[13] (name \"in_sale_urgent_resolution\"): "
                "warning_fraction: must be in (0, 1), got 1"));
  // Unset: 0.8.
  absl::StatusOr<LoadedConfig> ok =
      ParseRoutingConfig(Shipped("default_warning_fraction: 0.8", ""),
                         "routing.textproto", kCalendars);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_DOUBLE_EQ(ok->sla.default_warning_fraction, 0.8);
}

TEST(RoutingConfigTest, AmbiguousPoliciesAreRejected) {
  // A second pre-sale phone first-response policy.
  const std::string text = ShippedText() +
                           "sla_policies { name: \"pre_sale_phone_vip\" kind: "
                           "CLOCK_KIND_FIRST_RESPONSE\n"
                           "  stages: STAGE_PRE_SALE channels: [CHANNEL_PHONE, "
                           "CHANNEL_EMAIL] target: \"5m\" }\n";
  const absl::Status s = Parse(text);
  EXPECT_EQ(
      s.message(),
      At(text, "sla_policies { name: \"pre_sale_phone_vip\"") +
          ": sla_policies[31] (name \"pre_sale_phone_vip\"): ambiguous with "
          "sla_policies[3] (name \"pre_sale_phone_first_response\"): both are "
          "FIRST_RESPONSE policies conditioned on stages + channels and both "
          "match e.g. "
          "stage PRE_SALE, channel PHONE, grade A; make one more "
          "specific or disjoint");
  // Naming grades too makes it more specific: accepted.
  const std::string narrower =
      ShippedText() +
      "sla_policies { name: \"pre_sale_phone_a\" kind: "
      "CLOCK_KIND_FIRST_RESPONSE\n"
      "  stages: STAGE_PRE_SALE channels: CHANNEL_PHONE grades: GRADE_A "
      "target: \"5m\" }\n";
  absl::StatusOr<LoadedConfig> ok =
      ParseRoutingConfig(narrower, "routing.textproto", kCalendars);
  ASSERT_TRUE(ok.ok()) << ok.status();
  absl::StatusOr<ClockPolicy> p = MatchPolicy(
      ok->sla, v1::CLOCK_KIND_FIRST_RESPONSE, cs::common::v1::STAGE_PRE_SALE,
      cs::common::v1::CHANNEL_PHONE, GRADE_A);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->name, "pre_sale_phone_a");
}

TEST(RoutingConfigTest, GradeThresholdsMustBeConsistent) {
  std::string text = Shipped("grade_a_min_affected_customers: 100",
                             "grade_a_min_affected_customers: 10");
  EXPECT_EQ(
      Parse(text).message(),
      At(text, "grade_a_min_affected_customers") +
          ": grading.grade_a_min_affected_customers: must be greater than "
          "grade_b_min_affected_customers (10), got 10");
  text = Shipped("grade_b_min_affected_customers: 10",
                 "grade_b_min_affected_customers: 0");
  EXPECT_THAT(
      Parse(text).message(),
      MsgStartsWith(
          At(text, "grade_b_min_affected_customers") +
          ": grading.grade_b_min_affected_customers: must be ≥ 1, got 0"));
  text = Shipped("upgrade_customer_types: \"VIP\"",
                 "upgrade_customer_types: \"GOLD\"");
  EXPECT_THAT(Parse(text).message(),
              HasSubstr("grading.upgrade_customer_types[0]: \"GOLD\" is not a "
                        "customer type"));
  text = Shipped("currency_code: \"CNY\"", "currency_code: \"rmb\"");
  EXPECT_THAT(Parse(text).message(),
              HasSubstr("grading.major_loss_thresholds[0].currency_code: "
                        "\"rmb\" is not an ISO 4217 code"));
  text = Shipped("min_grade: GRADE_B\n", "\n");
  EXPECT_THAT(Parse(text).message(),
              HasSubstr("grading.rules[0] (name \"complaint_at_least_b\"): "
                        "min_grade: is required"));
}

TEST(RoutingConfigTest, EveryGradeNeedsADepartment) {
  std::string text = Shipped("department: \"产品部\"", "department: \"\"");
  absl::Status s = Parse(text);
  EXPECT_THAT(s.message(), HasSubstr("departments[1].department: is required"));
  EXPECT_THAT(s.message(), HasSubstr("departments: no department for grade B"));

  text = Shipped("grades: GRADE_C\n  department: \"客服部\"",
                 "grades: GRADE_A\n  department: \"客服部\"");
  s = Parse(text);
  EXPECT_THAT(s.message(),
              HasSubstr("departments[2]: grade A with category (none) is "
                        "already routed by departments[0]"));
  EXPECT_THAT(s.message(), HasSubstr("no department for grade C"));
}

TEST(RoutingConfigTest, UncoveredCasesAreReported) {
  // Without the grade-C first-response fallback, C tickets on most channels
  // have no first-response target.
  const std::string text = Shipped(
      "sla_policies { name: \"first_response_grade_c\" kind: "
      "CLOCK_KIND_FIRST_RESPONSE\n"
      "  grades: GRADE_C target: \"2h\" description: \"C 一般 ≤2 小时\" }\n",
      "");
  const absl::Status s = Parse(text);
  EXPECT_THAT(s.message(),
              MsgStartsWith(At(text, "sla_policies") +
                            ": sla_policies: no policy for FIRST_RESPONSE for "
                            "stage UNSPECIFIED, channel UNSPECIFIED, grade C"));
  EXPECT_THAT(s.message(), HasSubstr("more cases)"));

  // Without any acknowledge policy the complaint service could not start it.
  const std::string no_ack = Shipped(
      "name: \"complaint_acknowledge\" kind: CLOCK_KIND_COMPLAINT_ACKNOWLEDGE",
      "name: \"complaint_acknowledge\" kind: CLOCK_KIND_FOLLOW_UP "
      "stages: STAGE_PRE_SALE");
  EXPECT_THAT(Parse(no_ack).message(),
              HasSubstr("no policy for COMPLAINT_ACKNOWLEDGE"));
}

TEST(RoutingConfigTest, PolicyFieldChecks) {
  std::string text =
      Shipped("name: \"complaint_close\"", "name: \"complaint_revisit\"");
  EXPECT_THAT(Parse(text).message(),
              HasSubstr("sla_policies[28] (name \"complaint_revisit\"): name: "
                        "\"complaint_revisit\" is used by another policy"));
  text = Shipped("name: \"complaint_close\" kind: CLOCK_KIND_COMPLAINT_CLOSE",
                 "name: \"complaint_close\" kind: CLOCK_KIND_COMPLAINT_CLOSE "
                 "stages: STAGE_AFTER_SALE");
  EXPECT_THAT(
      Parse(text).message(),
      HasSubstr("sla_policies[28] (name \"complaint_close\"): complaint clocks "
                "match by grade only"));
  text = Shipped("target: \"6d\"", "target: \"0s\"");
  EXPECT_THAT(Parse(text).message(),
              HasSubstr("target: \"0s\" must be positive"));
  text = Shipped("name: \"complaint_close\"", "name: \"Complaint-Close\"");
  EXPECT_THAT(
      Parse(text).message(),
      HasSubstr(
          "name: \"Complaint-Close\" must be 1–64 characters of [a-z0-9_]"));
  text = Shipped(
      "grades: GRADE_A target: \"15m\" description: \"A 紧急 ≤15 分钟\"",
      "grades: [GRADE_A, GRADE_A] target: \"15m\"");
  EXPECT_THAT(Parse(text).message(),
              HasSubstr("sla_policies[0] (name \"first_response_grade_a\"): "
                        "grades[1]: A is listed twice"));
  text = Shipped(
      "start_on_create: [CLOCK_KIND_FIRST_RESPONSE, CLOCK_KIND_RESOLUTION]",
      "start_on_create: [CLOCK_KIND_FIRST_RESPONSE, "
      "CLOCK_KIND_COMPLAINT_CLOSE]");
  EXPECT_THAT(Parse(text).message(),
              HasSubstr("ticket_clocks.start_on_create[1]: COMPLAINT_CLOSE "
                        "cannot start on creation"));
  text = Shipped("version: 1\n", "version: 0\n");
  EXPECT_THAT(Parse(text).message(), HasSubstr("version: must be ≥ 1"));
}

TEST(RoutingConfigTest, AllSemanticErrorsAreListedOnePerLine) {
  std::string text = Shipped("version: 1\n", "version: 0\n");
  text =
      absl::StrReplaceAll(text, {{"target: \"6d\"", "target: \"six days\""},
                                 {"category_levels: 1", "category_levels: 9"}});
  const absl::Status s = Parse(text);
  const std::vector<std::string> lines = absl::StrSplit(s.message(), '\n');
  ASSERT_EQ(lines.size(), 3u) << s.message();
  EXPECT_THAT(lines[0],
              MsgStartsWith(At(text, "version: 0") + ": version: must be ≥ 1"));
  EXPECT_THAT(lines[1],
              MsgStartsWith(At(text, "category_levels: 9") +
                            ": skills.category_levels: must be 0–8, got 9"));
  EXPECT_THAT(
      lines[2],
      MsgStartsWith(At(text, "target: \"six days\"") +
                    ": sla_policies[28] (name \"complaint_close\"): target:"));
  EXPECT_EQ(FieldViolationsOf(s).size(), 3u);
}

TEST(RoutingConfigTest, OptionalSectionsHaveDefaults) {
  // No skills and no ticket_clocks sections.
  std::string text = ShippedText();
  for (const char* section : {"skills {", "ticket_clocks {"}) {
    const size_t begin = text.find(section);
    ASSERT_NE(begin, std::string::npos);
    const size_t end = text.find("}\n", begin);
    text.erase(begin, end + 2 - begin);
  }
  absl::StatusOr<LoadedConfig> c =
      ParseRoutingConfig(text, "routing.textproto", kCalendars);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->skills.category_levels, 1);
  EXPECT_FALSE(c->skills.relax_when_unstaffed);
  EXPECT_THAT(
      c->sla.ticket_clocks.start_on_create,
      ElementsAre(v1::CLOCK_KIND_FIRST_RESPONSE, v1::CLOCK_KIND_RESOLUTION));
  EXPECT_TRUE(c->sla.ticket_clocks.next_reply);
  EXPECT_TRUE(c->sla.ticket_clocks.periodic_update);
}

}  // namespace
}  // namespace cs::routing
