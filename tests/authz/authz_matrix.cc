#include "tests/authz/authz_matrix.h"

#include <set>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace cs::testing {
namespace {

// Two-letter column labels, in auth::AllRoles() order.
constexpr const char* kLabels[] = {"ag", "tl", "su", "qa", "ke",
                                   "co", "di", "ad", "se"};
static_assert(sizeof(kLabels) / sizeof(kLabels[0]) == auth::kRoleCount);
constexpr size_t kNameWidth = 36;

struct Row {
  std::string name;
  std::string marks;  // one 'Y' or '.' per role
};

// The rows of `table`, or a description of what is wrong with it.
absl::StatusOr<std::vector<Row>> ParseTable(absl::string_view table) {
  std::vector<Row> rows;
  bool header_seen = false;
  for (absl::string_view line : absl::StrSplit(table, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    if (!header_seen) {
      if (line != AuthzHeader()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "first line must be the header \"", AuthzHeader(), "\""));
      }
      header_seen = true;
      continue;
    }
    std::vector<absl::string_view> words =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (words.size() <= auth::kRoleCount) {
      return absl::InvalidArgumentError(absl::StrCat(
          "row \"", line, "\" needs a name and ", auth::kRoleCount, " marks"));
    }
    Row row;
    const size_t first_mark = words.size() - auth::kRoleCount;
    row.name = absl::StrJoin(words.begin(), words.begin() + first_mark, " ");
    for (size_t i = first_mark; i < words.size(); ++i) {
      if (words[i] != "Y" && words[i] != ".") {
        return absl::InvalidArgumentError(
            absl::StrCat("row \"", line, "\": marks are Y or ."));
      }
      row.marks.push_back(words[i][0]);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string Line(const std::string& name, const std::string& marks) {
  std::vector<std::string> cells;
  for (char c : marks) cells.push_back(std::string(1, c));
  const size_t pad = name.size() < kNameWidth ? kNameWidth - name.size() : 1;
  return absl::StrCat(name, std::string(pad, ' '), absl::StrJoin(cells, "  "));
}

}  // namespace

std::string RoleToken(auth::Role role, const std::string& department) {
  if (role == auth::Role::kService) {
    return TestToken({role}, "service:authz", "");
  }
  return TestToken({role}, absl::StrCat(auth::RoleName(role), "-1"),
                   department);
}

std::string AuthzHeader() { return absl::StrJoin(kLabels, " "); }

void ExpectAuthzMatrix(
    absl::string_view table, const std::map<std::string, AuthzCall>& calls,
    const std::function<std::string(auth::Role)>& token_for) {
  absl::StatusOr<std::vector<Row>> rows = ParseTable(table);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  const std::vector<auth::Role>& roles = auth::AllRoles();
  std::set<std::string> uncalled;
  for (const auto& [name, call] : calls) uncalled.insert(name);
  std::string expected_table, actual_table, mismatches;
  for (const Row& row : *rows) {
    auto call = calls.find(row.name);
    if (call == calls.end()) {
      absl::StrAppend(&mismatches, "  ", row.name, ": no call for this row\n");
      continue;
    }
    uncalled.erase(row.name);
    std::string actual;
    for (size_t i = 0; i < roles.size(); ++i) {
      const absl::Status status = call->second(token_for(roles[i]));
      const bool denied =
          status.code() == absl::StatusCode::kPermissionDenied ||
          status.code() == absl::StatusCode::kUnauthenticated;
      actual.push_back(denied ? '.' : 'Y');
      if (actual.back() != row.marks[i]) {
        absl::StrAppend(&mismatches, "  ", row.name, " as ",
                        auth::RoleName(roles[i]), ": expected ",
                        row.marks[i] == 'Y' ? "allowed" : "PERMISSION_DENIED",
                        ", got ", status.ToString(), "\n");
      }
    }
    const absl::Status anonymous = call->second("");
    if (anonymous.code() != absl::StatusCode::kUnauthenticated) {
      absl::StrAppend(&mismatches, "  ", row.name,
                      " without a token: expected UNAUTHENTICATED, got ",
                      anonymous.ToString(), "\n");
    }
    absl::StrAppend(&expected_table, Line(row.name, row.marks), "\n");
    absl::StrAppend(&actual_table, Line(row.name, actual),
                    actual == row.marks ? "\n" : "   <-- differs\n");
  }
  for (const std::string& name : uncalled) {
    absl::StrAppend(&mismatches, "  ", name, ": call without a table row\n");
  }
  if (mismatches.empty()) return;
  const std::string header =
      absl::StrCat(std::string(kNameWidth, ' '), AuthzHeader(), "\n");
  ADD_FAILURE() << "authorisation matrix differs\nexpected:\n"
                << header << expected_table << "actual:\n"
                << header << actual_table << "cells:\n"
                << mismatches;
}

}  // namespace cs::testing
