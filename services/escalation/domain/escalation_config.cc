#include "services/escalation/domain/escalation_config.h"

#include <algorithm>
#include <set>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "libs/common/files.h"
#include "libs/common/time_proto.h"

namespace cs::escalation {
namespace {

namespace pb = google::protobuf;

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

// Collects "file:line: field: problem" lines.
class Checker {
 public:
  explicit Checker(absl::string_view source) : source_(source) {}
  void Add(int line, absl::string_view field, absl::string_view problem) {
    if (line < 0) {
      errors_.push_back(absl::StrCat(source_, ": ", field, ": ", problem));
    } else {
      errors_.push_back(
          absl::StrCat(source_, ":", line + 1, ": ", field, ": ", problem));
    }
  }
  bool ok() const { return errors_.empty(); }
  absl::Status ToStatus() const {
    return absl::InvalidArgumentError(absl::StrJoin(errors_, "\n"));
  }

 private:
  std::string source_;
  std::vector<std::string> errors_;
};

int LineOf(const pb::TextFormat::ParseInfoTree* tree,
           const pb::FieldDescriptor* field, int index) {
  if (tree == nullptr) return -1;
  return tree->GetLocation(field, index).line;
}

}  // namespace

int RoleRank(absl::string_view role) {
  if (role == "agent") return 1;
  if (role == "team_lead") return 2;
  if (role == "supervisor") return 3;
  if (role == "director") return 4;
  if (role == "admin") return 5;
  return 0;
}

const v1::EscalationPolicy* EscalationSettings::ForBreach(
    common::v1::Grade grade, routing::v1::ClockKind kind) const {
  for (const v1::EscalationPolicy& policy : proto.policies()) {
    if (!policy.severity().empty() || policy.grade() != grade) continue;
    if (policy.kinds().empty() ||
        std::find(policy.kinds().begin(), policy.kinds().end(), kind) !=
            policy.kinds().end()) {
      return &policy;
    }
  }
  return nullptr;
}

const v1::EscalationPolicy* EscalationSettings::ForSeverity(
    absl::string_view severity) const {
  for (const v1::EscalationPolicy& policy : proto.policies()) {
    if (!policy.severity().empty() && policy.severity() == severity) {
      return &policy;
    }
  }
  return nullptr;
}

std::vector<std::string> EscalationSettings::Severities() const {
  std::vector<std::string> severities;
  for (const v1::EscalationPolicy& policy : proto.policies()) {
    if (!policy.severity().empty() &&
        absl::c_find(severities, policy.severity()) == severities.end()) {
      severities.push_back(policy.severity());
    }
  }
  return severities;
}

std::string EscalationSettings::WarningRole() const {
  return proto.warning_role().empty() ? "team_lead" : proto.warning_role();
}

absl::StatusOr<EscalationSettings> ParseEscalationConfig(
    absl::string_view text, absl::string_view source_name) {
  EscalationSettings settings;
  settings.source = std::string(source_name);
  SyntaxErrors syntax(source_name);
  pb::TextFormat::ParseInfoTree tree;
  pb::TextFormat::Parser parser;
  parser.RecordErrorsTo(&syntax);
  parser.WriteLocationsTo(&tree);
  if (!parser.ParseFromString(std::string(text), &settings.proto)) {
    std::vector<std::string> lines = syntax.lines();
    if (lines.empty())
      lines.push_back(absl::StrCat(source_name, ": cannot parse"));
    return absl::InvalidArgumentError(absl::StrJoin(lines, "\n"));
  }
  const v1::EscalationConfig& config = settings.proto;
  const pb::Descriptor* cd = v1::EscalationConfig::descriptor();
  const pb::Descriptor* pd = v1::EscalationPolicy::descriptor();
  const pb::FieldDescriptor* policies_field = cd->FindFieldByName("policies");
  const pb::FieldDescriptor* levels_field = pd->FindFieldByName("levels");

  Checker c(source_name);
  if (config.version() < 1) {
    c.Add(LineOf(&tree, cd->FindFieldByName("version"), -1), "version",
          absl::StrCat("must be >= 1, got ", config.version()));
  }
  if (!config.warning_role().empty() && RoleRank(config.warning_role()) == 0) {
    c.Add(LineOf(&tree, cd->FindFieldByName("warning_role"), -1),
          "warning_role",
          absl::StrCat("unknown role \"", config.warning_role(), "\""));
  }
  if (config.policies().empty())
    c.Add(-1, "policies", "at least one policy is required");
  std::set<std::string> names;
  for (int i = 0; i < config.policies_size(); ++i) {
    const v1::EscalationPolicy& policy = config.policies(i);
    const int pline = LineOf(&tree, policies_field, i);
    const std::string pfield = absl::StrCat("policies[", i, "]");
    const pb::TextFormat::ParseInfoTree* ptree =
        tree.GetTreeForNested(policies_field, i);
    if (policy.name().empty()) {
      c.Add(pline, absl::StrCat(pfield, ".name"), "is required");
    } else if (!names.insert(policy.name()).second) {
      c.Add(LineOf(ptree, pd->FindFieldByName("name"), -1),
            absl::StrCat(pfield, ".name"),
            absl::StrCat("duplicate policy name \"", policy.name(), "\""));
    }
    const bool has_grade = policy.grade() != common::v1::GRADE_UNSPECIFIED;
    if (has_grade == !policy.severity().empty()) {
      c.Add(pline, pfield, "set exactly one of grade and severity");
    }
    if (!policy.severity().empty() && !policy.kinds().empty()) {
      c.Add(pline, absl::StrCat(pfield, ".kinds"),
            "only breach (grade) policies have clock kinds");
    }
    if (policy.levels().empty()) {
      c.Add(pline, absl::StrCat(pfield, ".levels"),
            "at least one level is required");
    }
    for (int j = 0; j < policy.levels_size(); ++j) {
      const v1::EscalationLevel& level = policy.levels(j);
      const int lline = LineOf(ptree, levels_field, j);
      const std::string lfield = absl::StrCat(pfield, ".levels[", j, "]");
      if (level.title().empty()) {
        c.Add(lline, absl::StrCat(lfield, ".title"), "is required");
      }
      if (!level.role().empty() && RoleRank(level.role()) == 0) {
        c.Add(
            lline, absl::StrCat(lfield, ".role"),
            absl::StrCat("unknown role \"", level.role(),
                         "\" (agent, team_lead, supervisor, director, admin)"));
      }
      if (level.role().empty() && level.people().empty()) {
        c.Add(lline, lfield, "needs a role or named people");
      }
      for (const std::string& person : level.people()) {
        if (person.empty())
          c.Add(lline, absl::StrCat(lfield, ".people"), "empty name");
      }
      if (!level.has_ack_within() ||
          FromProtoDuration(level.ack_within()) <= absl::ZeroDuration()) {
        c.Add(lline, absl::StrCat(lfield, ".ack_within"), "must be > 0");
      }
    }
  }
  if (!c.ok()) return c.ToStatus();
  return settings;
}

absl::StatusOr<EscalationSettings> LoadEscalationConfigFile(
    absl::string_view path) {
  absl::StatusOr<std::string> text = ReadFileToString(path);
  if (!text.ok()) return text.status();
  return ParseEscalationConfig(*text, path);
}

}  // namespace cs::escalation
