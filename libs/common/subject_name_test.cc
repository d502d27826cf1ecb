#include "libs/common/subject_name.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "libs/common/errors.h"

namespace cs {
namespace {

constexpr char kBadId[] = "id must be 1–64 of A–Z a–z 0–9 . _ -";
constexpr char kBadPrefix[] = "must look like tickets/{id} or complaints/{id}";

// The one violation `status` carries, as "field: description".
std::string ViolationOf(const absl::Status& status) {
  std::vector<FieldViolation> violations = FieldViolationsOf(status);
  if (violations.size() != 1) {
    return "violations: " + std::to_string(violations.size());
  }
  return violations[0].field + ": " + violations[0].description;
}

TEST(SubjectNameTest, TicketsAndComplaintsWithPlainIdsAreAccepted) {
  for (const char* subject :
       {"tickets/T-20261124-0001", "complaints/CP-1", "tickets/t.1_a-B",
        "complaints/01JD3Q7Z5K8M2N4P6R8T0V2X4Y", "tickets/x"}) {
    EXPECT_TRUE(ValidateSubjectName("subject", subject).ok()) << subject;
  }
  EXPECT_TRUE(
      ValidateSubjectName("subject", "tickets/" + std::string(64, 'a')).ok());
}

TEST(SubjectNameTest, EmptyOrMalformedIdsAreInvalidArgumentNamingTheField) {
  for (const std::string& subject :
       {std::string("tickets/"), std::string("complaints/"),
        std::string("complaints/a b/c"), std::string("complaints/%00;drop"),
        std::string("tickets/a/b"), std::string("tickets/工单-1"),
        std::string("tickets/a\nb"), std::string("complaints/a\0b", 14),
        "tickets/" + std::string(65, 'a')}) {
    const absl::Status status = ValidateSubjectName("subject", subject);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << subject;
    EXPECT_EQ(status.message(), std::string("subject: ") + kBadId) << subject;
    EXPECT_EQ(ViolationOf(status), std::string("subject: ") + kBadId);
  }
}

TEST(SubjectNameTest, OtherPrefixesAreRefused) {
  for (const char* subject : {"", "tickets", "ticket/T-1", "Tickets/T-1",
                              "/tickets/T-1", "orders/O-1", "工单/T-1"}) {
    const absl::Status status = ValidateSubjectName("clock.subject", subject);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << subject;
    EXPECT_EQ(ViolationOf(status), std::string("clock.subject: ") + kBadPrefix)
        << subject;
  }
}

}  // namespace
}  // namespace cs
