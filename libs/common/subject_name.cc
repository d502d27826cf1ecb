#include "libs/common/subject_name.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"
#include "libs/common/errors.h"

namespace cs {
namespace {

constexpr size_t kMaxIdBytes = 64;

bool IsIdChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' ||
         c == '_' || c == '-';
}

}  // namespace

absl::Status ValidateSubjectName(absl::string_view field,
                                 absl::string_view subject) {
  absl::string_view id = subject;
  if (!absl::ConsumePrefix(&id, "tickets/") &&
      !absl::ConsumePrefix(&id, "complaints/")) {
    return InvalidField(field,
                        "must look like tickets/{id} or complaints/{id}");
  }
  if (id.empty() || id.size() > kMaxIdBytes ||
      !std::all_of(id.begin(), id.end(), IsIdChar)) {
    return InvalidField(field, "id must be 1–64 of A–Z a–z 0–9 . _ -");
  }
  return absl::OkStatus();
}

}  // namespace cs
