#include "services/routing/domain/routing_config.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "libs/common/errors.h"
#include "libs/common/files.h"
#include "libs/common/money.h"
#include "services/routing/domain/conditions.h"

namespace cs::routing {
namespace {

namespace pb = google::protobuf;
using cs::common::v1::Channel;
using cs::common::v1::Grade;
using cs::common::v1::Stage;
using ParseInfoTree = pb::TextFormat::ParseInfoTree;

constexpr int kMaxCategoryLevels = 8;
constexpr size_t kMaxUncoveredListed = 5;

class SyntaxErrors : public pb::io::ErrorCollector {
 public:
  explicit SyntaxErrors(absl::string_view source) : source_(source) {}
  void AddError(int line, pb::io::ColumnNumber column,
                const std::string& message) override {
    if (line < 0) {
      lines_.push_back(absl::StrCat(source_, ": ", message));
    } else {
      lines_.push_back(
          absl::StrCat(source_, ":", line + 1, ":", column + 1, ": ", message));
    }
  }
  const std::vector<std::string>& lines() const { return lines_; }

 private:
  std::string source_;
  std::vector<std::string> lines_;
};

struct Step {
  std::string field;
  int index = -1;
};

// "sla_policies[3].target" → {{"sla_policies", 3}, {"target", -1}}.
std::vector<Step> SplitPath(absl::string_view path) {
  std::vector<Step> steps;
  for (absl::string_view part : absl::StrSplit(path, '.', absl::SkipEmpty())) {
    Step step;
    const size_t bracket = part.find('[');
    if (bracket != absl::string_view::npos && part.back() == ']') {
      int index = -1;
      if (absl::SimpleAtoi(part.substr(bracket + 1, part.size() - bracket - 2),
                           &index)) {
        step.index = index;
      }
      part = part.substr(0, bracket);
    }
    step.field = std::string(part);
    steps.push_back(std::move(step));
  }
  return steps;
}

// Collects semantic errors as (path, message) and renders them with the
// location of the path in the parsed text.
class Checker {
 public:
  Checker(const v1::RoutingConfig& config, const ParseInfoTree& tree,
          absl::string_view source)
      : config_(config), tree_(tree), source_(source) {}

  void Add(std::string path, std::string message) {
    violations_.push_back({std::move(path), std::move(message)});
  }
  bool ok() const { return violations_.empty(); }
  size_t count() const { return violations_.size(); }

  absl::Status ToStatus() const {
    std::vector<FieldViolation> details;
    std::vector<std::string> lines;
    for (const FieldViolation& v : violations_) {
      lines.push_back(Render(v.field, v.description));
      details.push_back({v.field, lines.back()});
    }
    const absl::Status with_details = InvalidFields(details);
    absl::Status status(absl::StatusCode::kInvalidArgument,
                        absl::StrJoin(lines, "\n"));
    with_details.ForEachPayload(
        [&](absl::string_view url, const absl::Cord& payload) {
          status.SetPayload(url, payload);
        });
    return status;
  }

 private:
  // "<source>:<line>:<col>: <display path>: <message>".
  std::string Render(const std::string& path,
                     const std::string& message) const {
    const std::vector<Step> steps = SplitPath(path);
    const pb::Message* message_at = &config_;
    const ParseInfoTree* tree = &tree_;
    pb::TextFormat::ParseLocation where;  // line -1: unknown
    std::string display;
    bool named = false;  // the previous step was annotated with a name
    for (const Step& step : steps) {
      if (!display.empty()) display += named ? ": " : ".";
      named = false;
      display += step.field;
      if (step.index >= 0) absl::StrAppend(&display, "[", step.index, "]");
      const pb::FieldDescriptor* field =
          message_at == nullptr
              ? nullptr
              : message_at->GetDescriptor()->FindFieldByName(step.field);
      if (field == nullptr) {
        message_at = nullptr;
        tree = nullptr;
        continue;
      }
      const int index = field->is_repeated() ? std::max(step.index, 0) : -1;
      if (tree != nullptr) {
        const pb::TextFormat::ParseLocation loc =
            tree->GetLocation(field, index);
        if (loc.line >= 0) where = loc;
      }
      if (field->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE ||
          (field->is_repeated() && step.index < 0)) {
        message_at = nullptr;
        tree = nullptr;
        continue;
      }
      const pb::Reflection* r = message_at->GetReflection();
      if (field->is_repeated()) {
        if (step.index >= r->FieldSize(*message_at, field)) {
          message_at = nullptr;
          tree = nullptr;
          continue;
        }
        message_at = &r->GetRepeatedMessage(*message_at, field, step.index);
      } else {
        message_at = &r->GetMessage(*message_at, field);
      }
      tree = tree == nullptr ? nullptr : tree->GetTreeForNested(field, index);
      // Annotate list elements that have a name.
      if (step.index >= 0) {
        const pb::FieldDescriptor* name =
            message_at->GetDescriptor()->FindFieldByName("name");
        if (name != nullptr &&
            name->type() == pb::FieldDescriptor::TYPE_STRING) {
          const std::string value =
              message_at->GetReflection()->GetString(*message_at, name);
          if (!value.empty()) {
            absl::StrAppend(&display, " (name \"", value, "\")");
            named = true;
          }
        }
      }
    }
    std::string out = source_;
    if (where.line >= 0)
      absl::StrAppend(&out, ":", where.line + 1, ":", where.column + 1);
    absl::StrAppend(&out, ": ");
    if (!display.empty()) absl::StrAppend(&out, display, ": ");
    absl::StrAppend(&out, message);
    return out;
  }

  const v1::RoutingConfig& config_;
  const ParseInfoTree& tree_;
  std::string source_;
  std::vector<FieldViolation> violations_;
};

bool ValidName(absl::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_';
  });
}

bool ValidFraction(double f) { return f > 0.0 && f < 1.0; }

std::string Quote(absl::string_view s) { return absl::StrCat("\"", s, "\""); }

// Checks a repeated enum condition: no UNSPECIFIED, no duplicates.
template <typename Enum, typename Repeated>
std::vector<Enum> CheckEnumList(Checker& c, const std::string& path,
                                const Repeated& values,
                                std::string (*name)(Enum)) {
  std::vector<Enum> out;
  for (int i = 0; i < values.size(); ++i) {
    const Enum v = static_cast<Enum>(values.Get(i));
    const std::string at = absl::StrCat(path, "[", i, "]");
    if (static_cast<int>(v) == 0) {
      c.Add(
          at,
          "UNSPECIFIED is not a condition (leave the list empty for \"any\")");
    } else if (std::find(out.begin(), out.end(), v) != out.end()) {
      c.Add(at, absl::StrCat(name(v), " is listed twice"));
    } else {
      out.push_back(v);
    }
  }
  return out;
}

std::string GradeName(Grade g) { return GradeLetter(g); }

std::vector<std::string> CheckCategory(
    Checker& c, const std::string& path,
    const pb::RepeatedPtrField<std::string>& in) {
  std::vector<std::string> out;
  for (int i = 0; i < in.size(); ++i) {
    if (absl::StripAsciiWhitespace(in.Get(i)).empty()) {
      c.Add(absl::StrCat(path, "[", i, "]"),
            "category elements must not be empty");
    }
    out.push_back(in.Get(i));
  }
  return out;
}

void CheckCalendar(Checker& c, const std::string& path, const std::string& name,
                   const std::set<std::string>& known) {
  if (known.count(name) > 0) return;
  c.Add(path,
        absl::StrCat("unknown calendar ", Quote(name), " (known: ",
                     known.empty() ? "none" : absl::StrJoin(known, ", "), ")"));
}

// ---------------------------------------------------------------------------

GradingPolicy CheckGrading(Checker& c, const v1::RoutingConfig& config) {
  GradingPolicy out;
  out.upgrade_customer_types.clear();
  if (!config.has_grading()) {
    c.Add("grading", "is required");
    return out;
  }
  const v1::GradingConfig& g = config.grading();
  out.grade_a_min_affected = g.grade_a_min_affected_customers();
  out.grade_b_min_affected = g.grade_b_min_affected_customers();
  if (g.grade_b_min_affected_customers() < 1) {
    c.Add(
        "grading.grade_b_min_affected_customers",
        absl::StrCat("must be ≥ 1, got ", g.grade_b_min_affected_customers()));
  } else if (g.grade_a_min_affected_customers() <=
             g.grade_b_min_affected_customers()) {
    c.Add("grading.grade_a_min_affected_customers",
          absl::StrCat("must be greater than grade_b_min_affected_customers (",
                       g.grade_b_min_affected_customers(), "), got ",
                       g.grade_a_min_affected_customers()));
  }
  for (int i = 0; i < g.major_loss_thresholds_size(); ++i) {
    const cs::common::v1::Money& m = g.major_loss_thresholds(i);
    const std::string at =
        absl::StrCat("grading.major_loss_thresholds[", i, "]");
    const std::string& code = m.currency_code();
    if (!IsCurrencyCode(code)) {
      c.Add(at + ".currency_code",
            absl::StrCat(Quote(code),
                         " is not an ISO 4217 code such as \"CNY\""));
      continue;
    }
    if (m.minor_units() <= 0) {
      c.Add(at + ".minor_units", "must be positive");
      continue;
    }
    bool duplicate = false;
    for (const MajorLossThreshold& t : out.major_loss)
      duplicate |= t.currency_code == code;
    if (duplicate) {
      c.Add(at + ".currency_code", absl::StrCat(code, " has two thresholds"));
      continue;
    }
    out.major_loss.push_back({code, m.minor_units()});
  }
  auto customer_types = [&](const std::string& path,
                            const pb::RepeatedPtrField<std::string>& in) {
    std::vector<cs::ticket::v1::CustomerType> types;
    for (int i = 0; i < in.size(); ++i) {
      cs::ticket::v1::CustomerType t;
      const std::string at = absl::StrCat(path, "[", i, "]");
      if (!ParseCustomerType(in.Get(i), &t)) {
        c.Add(at,
              absl::StrCat(Quote(in.Get(i)),
                           " is not a customer type (NEW, RETURNING, VIP)"));
      } else if (Contains(types, t)) {
        c.Add(at, absl::StrCat(Quote(in.Get(i)), " is listed twice"));
      } else {
        types.push_back(t);
      }
    }
    return types;
  };
  out.upgrade_customer_types = customer_types("grading.upgrade_customer_types",
                                              g.upgrade_customer_types());
  std::set<std::string> names;
  for (int i = 0; i < g.rules_size(); ++i) {
    const v1::GradingRule& in = g.rules(i);
    const std::string at = absl::StrCat("grading.rules[", i, "]");
    GradingRule rule;
    rule.name = in.name();
    rule.description = in.description();
    if (!ValidName(in.name())) {
      c.Add(at + ".name",
            absl::StrCat(Quote(in.name()),
                         " must be 1–64 characters of [a-z0-9_]"));
    } else if (!names.insert(in.name()).second) {
      c.Add(at + ".name",
            absl::StrCat(Quote(in.name()), " is used by another rule"));
    }
    rule.stages =
        CheckEnumList<Stage>(c, at + ".stages", in.stages(), &StageName);
    rule.channels = CheckEnumList<Channel>(c, at + ".channels", in.channels(),
                                           &ChannelName);
    rule.category_prefix =
        CheckCategory(c, at + ".category_prefix", in.category_prefix());
    rule.customer_types =
        customer_types(at + ".customer_types", in.customer_types());
    if (in.stages_size() == 0 && in.channels_size() == 0 &&
        in.category_prefix_size() == 0 && in.customer_types_size() == 0) {
      c.Add(at,
            "needs at least one condition (stages, channels, category_prefix, "
            "customer_types)");
    }
    if (in.min_grade() == cs::common::v1::GRADE_UNSPECIFIED) {
      c.Add(at + ".min_grade", "is required (GRADE_A, GRADE_B or GRADE_C)");
    }
    rule.min_grade = in.min_grade();
    out.rules.push_back(std::move(rule));
  }
  return out;
}

std::vector<DepartmentRule> CheckDepartments(
    Checker& c, const v1::RoutingConfig& config,
    const DepartmentDirectory& directory) {
  auto check_known = [&](const std::string& path, const std::string& name) {
    if (!directory.Contains(name)) {
      c.Add(path, absl::StrCat(Quote(name),
                               " is not in the departments file (known: ",
                               absl::StrJoin(directory.names(), ", "), ")"));
    }
  };
  std::vector<DepartmentRule> out;
  std::vector<int> source_index;
  for (int i = 0; i < config.departments_size(); ++i) {
    const v1::DepartmentRule& in = config.departments(i);
    const std::string at = absl::StrCat("departments[", i, "]");
    DepartmentRule rule;
    rule.grades =
        CheckEnumList<Grade>(c, at + ".grades", in.grades(), &GradeName);
    if (in.grades_size() == 0)
      c.Add(at + ".grades", "must name at least one grade");
    rule.category_prefix =
        CheckCategory(c, at + ".category_prefix", in.category_prefix());
    rule.department = in.department();
    if (absl::StripAsciiWhitespace(in.department()).empty()) {
      c.Add(at + ".department", "is required (e.g. \"客服部\")");
    } else {
      check_known(at + ".department", in.department());
    }
    for (int j = 0; j < in.collaborating_departments_size(); ++j) {
      const std::string& d = in.collaborating_departments(j);
      const std::string cat =
          absl::StrCat(at, ".collaborating_departments[", j, "]");
      if (absl::StripAsciiWhitespace(d).empty()) {
        c.Add(cat, "must not be empty");
      } else if (d == in.department()) {
        c.Add(cat, absl::StrCat(Quote(d), " is already the department"));
      } else if (std::find(rule.collaborating_departments.begin(),
                           rule.collaborating_departments.end(),
                           d) != rule.collaborating_departments.end()) {
        c.Add(cat, absl::StrCat(Quote(d), " is listed twice"));
      } else {
        check_known(cat, d);
        rule.collaborating_departments.push_back(d);
      }
    }
    // Two rules with the same prefix may not share a grade.
    for (size_t k = 0; k < out.size(); ++k) {
      if (out[k].category_prefix != rule.category_prefix) continue;
      for (Grade g : rule.grades) {
        if (Contains(out[k].grades, g)) {
          c.Add(at, absl::StrCat("grade ", GradeLetter(g), " with category ",
                                 CategoryText(rule.category_prefix),
                                 " is already routed by departments[",
                                 source_index[k], "]"));
        }
      }
    }
    out.push_back(std::move(rule));
    source_index.push_back(i);
  }
  for (Grade g : {cs::common::v1::GRADE_A, cs::common::v1::GRADE_B,
                  cs::common::v1::GRADE_C}) {
    const bool has_fallback =
        std::any_of(out.begin(), out.end(), [&](const DepartmentRule& r) {
          return r.category_prefix.empty() && Contains(r.grades, g) &&
                 !r.department.empty();
        });
    if (!has_fallback) {
      c.Add("departments",
            absl::StrCat("no department for grade ", GradeLetter(g),
                         " (every grade needs a rule without "
                         "category_prefix)"));
    }
  }
  return out;
}

SkillPolicy CheckSkills(Checker& c, const v1::RoutingConfig& config) {
  SkillPolicy out;
  const v1::SkillConfig& in = config.skills();
  if (in.has_category_levels()) {
    if (in.category_levels() < 0 || in.category_levels() > kMaxCategoryLevels) {
      c.Add("skills.category_levels",
            absl::StrCat("must be 0–", kMaxCategoryLevels, ", got ",
                         in.category_levels()));
    }
    out.category_levels = in.category_levels();
  }
  out.relax_when_unstaffed = in.relax_when_unstaffed();
  for (int i = 0; i < in.rules_size(); ++i) {
    const std::string at = absl::StrCat("skills.rules[", i, "]");
    SkillRule rule;
    rule.category_prefix = CheckCategory(c, at + ".category_prefix",
                                         in.rules(i).category_prefix());
    if (rule.category_prefix.empty()) {
      c.Add(at + ".category_prefix", "is required");
    }
    for (int j = 0; j < in.rules(i).skills_size(); ++j) {
      const std::string& s = in.rules(i).skills(j);
      if (absl::StripAsciiWhitespace(s).empty()) {
        c.Add(absl::StrCat(at, ".skills[", j, "]"), "must not be empty");
      }
      rule.skills.push_back(s);
    }
    for (int k = 0; k < static_cast<int>(out.rules.size()); ++k) {
      if (out.rules[k].category_prefix == rule.category_prefix) {
        c.Add(at + ".category_prefix",
              absl::StrCat(CategoryText(rule.category_prefix),
                           " is already used by skills.rules[", k, "]"));
      }
    }
    out.rules.push_back(std::move(rule));
  }
  return out;
}

TicketClockSettings CheckTicketClocks(Checker& c,
                                      const v1::RoutingConfig& config) {
  TicketClockSettings out;  // defaults when the message is absent
  if (!config.has_ticket_clocks()) return out;
  const v1::TicketClockConfig& in = config.ticket_clocks();
  out.start_on_create.clear();
  for (int i = 0; i < in.start_on_create_size(); ++i) {
    const auto kind = static_cast<v1::ClockKind>(in.start_on_create(i));
    const std::string at =
        absl::StrCat("ticket_clocks.start_on_create[", i, "]");
    if (kind != v1::CLOCK_KIND_FIRST_RESPONSE &&
        kind != v1::CLOCK_KIND_RESOLUTION) {
      c.Add(at, absl::StrCat(ClockKindName(kind),
                             " cannot start on creation (FIRST_RESPONSE or "
                             "RESOLUTION)"));
    } else if (Contains(out.start_on_create, kind)) {
      c.Add(at, absl::StrCat(ClockKindName(kind), " is listed twice"));
    } else {
      out.start_on_create.push_back(kind);
    }
  }
  out.next_reply = in.next_reply();
  out.periodic_update = in.periodic_update();
  out.follow_up = in.follow_up();
  out.record_completeness = in.record_completeness();
  return out;
}

bool IsComplaintKind(v1::ClockKind kind) {
  return kind >= v1::CLOCK_KIND_COMPLAINT_ACKNOWLEDGE &&
         kind <= v1::CLOCK_KIND_COMPLAINT_CLOSE;
}

std::string KindName(v1::ClockKind k) { return ClockKindName(k); }

// An example (stage, channel, grade) both policies match.
std::string OverlapExample(const SlaPolicySpec& a, const SlaPolicySpec& b) {
  auto pick = [](const auto& x, const auto& y, auto fallback) {
    if (x.empty() && y.empty()) return fallback;
    if (x.empty()) return y.front();
    for (auto v : x) {
      if (y.empty() || std::find(y.begin(), y.end(), v) != y.end()) return v;
    }
    return fallback;
  };
  const Stage s = pick(a.stages, b.stages, cs::common::v1::STAGE_PRE_SALE);
  const Channel ch =
      pick(a.channels, b.channels, cs::common::v1::CHANNEL_PHONE);
  const Grade g = pick(a.grades, b.grades, cs::common::v1::GRADE_A);
  return absl::StrCat("stage ", StageName(s), ", channel ", ChannelName(ch),
                      ", grade ", GradeLetter(g));
}

std::string DimensionsText(const SlaPolicySpec& p) {
  std::vector<std::string> dims;
  if (!p.stages.empty()) dims.push_back("stages");
  if (!p.channels.empty()) dims.push_back("channels");
  if (!p.grades.empty()) dims.push_back("grades");
  return dims.empty() ? "no condition" : absl::StrJoin(dims, " + ");
}

SlaPolicies CheckSla(Checker& c, const v1::RoutingConfig& config,
                     const std::set<std::string>& calendars,
                     TicketClockSettings ticket_clocks) {
  SlaPolicies out;
  out.version = config.version();
  out.default_calendar = config.default_calendar();
  out.default_warning_fraction = config.has_default_warning_fraction()
                                     ? config.default_warning_fraction()
                                     : kDefaultWarningFraction;
  out.ticket_clocks = std::move(ticket_clocks);

  for (int i = 0; i < config.calendar_rules_size(); ++i) {
    const v1::CalendarRule& in = config.calendar_rules(i);
    const std::string at = absl::StrCat("calendar_rules[", i, "]");
    CalendarRule rule;
    rule.channels = CheckEnumList<Channel>(c, at + ".channels", in.channels(),
                                           &ChannelName);
    rule.grades =
        CheckEnumList<Grade>(c, at + ".grades", in.grades(), &GradeName);
    rule.kinds =
        CheckEnumList<v1::ClockKind>(c, at + ".kinds", in.kinds(), &KindName);
    rule.calendar = in.calendar();
    rule.description = in.description();
    if (in.calendar().empty()) {
      c.Add(at + ".calendar", "is required");
    } else {
      CheckCalendar(c, at + ".calendar", in.calendar(), calendars);
    }
    out.calendar_rules.push_back(std::move(rule));
  }

  const size_t errors_before = c.count();
  std::set<std::string> names;
  std::vector<int> source_index;
  for (int i = 0; i < config.sla_policies_size(); ++i) {
    const v1::SlaPolicy& in = config.sla_policies(i);
    const std::string at = absl::StrCat("sla_policies[", i, "]");
    const size_t before = c.count();
    SlaPolicySpec p;
    p.name = in.name();
    p.kind = in.kind();
    p.description = in.description();
    if (!ValidName(in.name())) {
      c.Add(at + ".name",
            absl::StrCat(Quote(in.name()),
                         " must be 1–64 characters of [a-z0-9_]"));
    } else if (!names.insert(in.name()).second) {
      c.Add(at + ".name",
            absl::StrCat(Quote(in.name()), " is used by another policy"));
    }
    if (in.kind() == v1::CLOCK_KIND_UNSPECIFIED)
      c.Add(at + ".kind", "is required");
    p.stages = CheckEnumList<Stage>(c, at + ".stages", in.stages(), &StageName);
    p.channels = CheckEnumList<Channel>(c, at + ".channels", in.channels(),
                                        &ChannelName);
    p.grades = CheckEnumList<Grade>(c, at + ".grades", in.grades(), &GradeName);
    if (IsComplaintKind(in.kind()) &&
        (in.stages_size() > 0 || in.channels_size() > 0)) {
      c.Add(at,
            "complaint clocks match by grade only: remove stages and channels");
    }
    if (in.target().empty()) {
      c.Add(at + ".target", "is required, e.g. \"15m\", \"2h\", \"3d\"");
    } else if (absl::StatusOr<absl::Duration> d =
                   ParseConfigDuration(in.target());
               !d.ok()) {
      c.Add(at + ".target", std::string(d.status().message()));
    } else {
      p.target = *d;
    }
    p.calendar = in.calendar();
    if (!in.calendar().empty())
      CheckCalendar(c, at + ".calendar", in.calendar(), calendars);
    if (in.has_warning_fraction()) {
      if (!ValidFraction(in.warning_fraction())) {
        c.Add(at + ".warning_fraction",
              absl::StrCat("must be in (0, 1), got ", in.warning_fraction()));
      }
      p.warning_fraction = in.warning_fraction();
    }
    if (c.count() == before) {
      out.policies.push_back(std::move(p));
      source_index.push_back(i);
    }
  }
  for (const auto& [a, b] : FindAmbiguousPolicies(out.policies)) {
    const SlaPolicySpec& pa = out.policies[a];
    const SlaPolicySpec& pb = out.policies[b];
    c.Add(absl::StrCat("sla_policies[", source_index[b], "]"),
          absl::StrCat("ambiguous with sla_policies[", source_index[a],
                       "] (name ", Quote(pa.name), "): both are ",
                       ClockKindName(pb.kind), " policies conditioned on ",
                       DimensionsText(pb), " and both match e.g. ",
                       OverlapExample(pa, pb),
                       "; make one more specific or disjoint"));
  }
  if (c.count() == errors_before) {
    const std::vector<std::string> missing = FindUncoveredCases(out);
    if (!missing.empty()) {
      std::vector<std::string> listed(
          missing.begin(),
          missing.begin() + std::min(missing.size(), kMaxUncoveredListed));
      std::string text =
          absl::StrCat("no policy for ", absl::StrJoin(listed, "; "));
      if (missing.size() > listed.size()) {
        absl::StrAppend(&text, " (and ", missing.size() - listed.size(),
                        " more cases)");
      }
      c.Add("sla_policies", text);
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<LoadedConfig> ParseRoutingConfig(
    absl::string_view text, absl::string_view source_name,
    const std::set<std::string>& known_calendars,
    const DepartmentDirectory& departments) {
  LoadedConfig loaded;
  loaded.source = std::string(source_name);

  SyntaxErrors syntax(source_name);
  ParseInfoTree tree;
  pb::TextFormat::Parser parser;
  parser.RecordErrorsTo(&syntax);
  parser.WriteLocationsTo(&tree);
  if (!parser.ParseFromString(std::string(text), &loaded.proto)) {
    std::vector<std::string> lines = syntax.lines();
    if (lines.empty())
      lines.push_back(absl::StrCat(source_name, ": cannot parse"));
    const std::string message = absl::StrJoin(lines, "\n");
    const absl::Status with_details = InvalidField(source_name, message);
    absl::Status status(absl::StatusCode::kInvalidArgument, message);
    with_details.ForEachPayload(
        [&](absl::string_view url, const absl::Cord& payload) {
          status.SetPayload(url, payload);
        });
    return status;
  }
  const v1::RoutingConfig& config = loaded.proto;

  Checker c(config, tree, source_name);
  if (config.version() < 1) {
    c.Add("version",
          absl::StrCat("must be ≥ 1 (raise it on every change), got ",
                       config.version()));
  }
  if (config.default_calendar().empty()) {
    c.Add("default_calendar", "is required (e.g. \"default\")");
  } else {
    CheckCalendar(c, "default_calendar", config.default_calendar(),
                  known_calendars);
  }
  if (config.has_default_warning_fraction() &&
      !ValidFraction(config.default_warning_fraction())) {
    c.Add("default_warning_fraction",
          absl::StrCat("must be in (0, 1), got ",
                       config.default_warning_fraction()));
  }
  loaded.version = config.version();
  loaded.grading = CheckGrading(c, config);
  loaded.departments = CheckDepartments(c, config, departments);
  loaded.skills = CheckSkills(c, config);
  TicketClockSettings clocks = CheckTicketClocks(c, config);
  loaded.sla = CheckSla(c, config, known_calendars, std::move(clocks));
  if (!c.ok()) return c.ToStatus();
  return loaded;
}

absl::StatusOr<LoadedConfig> LoadRoutingConfigFile(
    absl::string_view path, const std::set<std::string>& known_calendars,
    const DepartmentDirectory& departments) {
  absl::StatusOr<std::string> text = ReadFileToString(path);
  if (!text.ok()) return text.status();
  return ParseRoutingConfig(*text, path, known_calendars, departments);
}

std::set<std::string> CalendarNames(
    const std::map<std::string, BusinessCalendar>& calendars) {
  std::set<std::string> names;
  for (const auto& [name, calendar] : calendars) names.insert(name);
  return names;
}

}  // namespace cs::routing
