#include "services/routing/domain/conditions.h"

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "google/protobuf/descriptor.h"

namespace cs::routing {
namespace {

// The enum value's name with `prefix` removed ("" when unknown).
std::string ShortName(const google::protobuf::EnumDescriptor* descriptor,
                      int value, absl::string_view prefix) {
  const google::protobuf::EnumValueDescriptor* v =
      descriptor->FindValueByNumber(value);
  if (v == nullptr) return "unknown(" + std::to_string(value) + ")";
  absl::string_view name = v->name();
  absl::ConsumePrefix(&name, prefix);
  return std::string(name);
}

int Rank(cs::common::v1::Grade grade) {
  switch (grade) {
    case cs::common::v1::GRADE_A:
      return 3;
    case cs::common::v1::GRADE_B:
      return 2;
    case cs::common::v1::GRADE_C:
      return 1;
    default:
      return 0;
  }
}

}  // namespace

std::string CategoryText(const std::vector<std::string>& category) {
  if (category.empty()) return "(none)";
  return absl::StrJoin(category, " › ");
}

std::string GradeLetter(cs::common::v1::Grade grade) {
  switch (grade) {
    case cs::common::v1::GRADE_A:
      return "A";
    case cs::common::v1::GRADE_B:
      return "B";
    case cs::common::v1::GRADE_C:
      return "C";
    default:
      return "unspecified";
  }
}

std::string StageName(cs::common::v1::Stage stage) {
  return ShortName(cs::common::v1::Stage_descriptor(), stage, "STAGE_");
}

std::string ChannelName(cs::common::v1::Channel channel) {
  return ShortName(cs::common::v1::Channel_descriptor(), channel, "CHANNEL_");
}

std::string ClockKindName(v1::ClockKind kind) {
  return ShortName(v1::ClockKind_descriptor(), kind, "CLOCK_KIND_");
}

std::string CustomerTypeName(cs::ticket::v1::CustomerType type) {
  return ShortName(cs::ticket::v1::CustomerType_descriptor(), type,
                   "CUSTOMER_TYPE_");
}

bool ParseCustomerType(absl::string_view text,
                       cs::ticket::v1::CustomerType* type) {
  std::string full(text);
  if (!absl::StartsWith(full, "CUSTOMER_TYPE_")) full = "CUSTOMER_TYPE_" + full;
  const google::protobuf::EnumValueDescriptor* v =
      cs::ticket::v1::CustomerType_descriptor()->FindValueByName(full);
  if (v == nullptr || v->number() == 0) return false;
  *type = static_cast<cs::ticket::v1::CustomerType>(v->number());
  return true;
}

bool MoreUrgent(cs::common::v1::Grade a, cs::common::v1::Grade b) {
  return Rank(a) > Rank(b);
}

cs::common::v1::Grade UpgradeOneLevel(cs::common::v1::Grade grade) {
  switch (grade) {
    case cs::common::v1::GRADE_C:
      return cs::common::v1::GRADE_B;
    case cs::common::v1::GRADE_B:
    case cs::common::v1::GRADE_A:
      return cs::common::v1::GRADE_A;
    default:
      return grade;
  }
}

}  // namespace cs::routing
