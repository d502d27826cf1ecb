#include "tests/authz/authz_matrix.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"

namespace cs::testing {
namespace {

// Two-letter column labels, in auth::AllRoles() order.
std::string Abbreviation(auth::Role role) {
  static const std::map<auth::Role, std::string> kAbbrev = {
      {auth::Role::kAgent, "ag"},     {auth::Role::kTeamLead, "tl"},
      {auth::Role::kSupervisor, "su"}, {auth::Role::kQa, "qa"},
      {auth::Role::kKbEditor, "ke"},  {auth::Role::kComplaintOfficer, "co"},
      {auth::Role::kDirector, "di"},  {auth::Role::kAdmin, "ad"},
      {auth::Role::kService, "se"}};
  return kAbbrev.at(role);
}

std::string Cells(const std::string& marks) {
  std::vector<std::string> cells;
  for (char c : marks) cells.push_back(std::string(1, c));
  return absl::StrJoin(cells, "  ");
}

}  // namespace

std::string AuthzHeader() {
  std::vector<std::string> labels;
  for (auth::Role role : auth::AllRoles()) labels.push_back(Abbreviation(role));
  return absl::StrJoin(labels, " ");
}

void ExpectAuthzMatrix(
    const std::vector<AuthzRow>& rows,
    const std::function<std::string(auth::Role)>& token_for) {
  const std::vector<auth::Role>& roles = auth::AllRoles();
  std::string expected_table, actual_table, mismatches;
  for (const AuthzRow& row : rows) {
    std::string expected;
    for (char c : row.expected) {
      if (c != ' ') expected.push_back(c);
    }
    if (expected.size() != roles.size() ||
        expected.find_first_not_of("Y.") != std::string::npos) {
      ADD_FAILURE() << row.rpc << ": expected row \"" << row.expected
                    << "\" needs one Y or . per role (" << AuthzHeader()
                    << ")";
      continue;
    }
    std::string actual;
    for (size_t i = 0; i < roles.size(); ++i) {
      const absl::Status status = row.call(token_for(roles[i]));
      const bool denied =
          status.code() == absl::StatusCode::kPermissionDenied ||
          status.code() == absl::StatusCode::kUnauthenticated;
      actual.push_back(denied ? '.' : 'Y');
      if (actual.back() != expected[i]) {
        absl::StrAppend(&mismatches, "  ", row.rpc, " as ",
                        auth::RoleName(roles[i]), ": expected ",
                        expected[i] == 'Y' ? "allowed" : "PERMISSION_DENIED",
                        ", got ", status.ToString(), "\n");
      }
    }
    const absl::Status anonymous = row.call("");
    if (anonymous.code() != absl::StatusCode::kUnauthenticated) {
      absl::StrAppend(&mismatches, "  ", row.rpc,
                      " without a token: expected UNAUTHENTICATED, got ",
                      anonymous.ToString(), "\n");
    }
    const std::string name = absl::StrCat(row.rpc, std::string(
        row.rpc.size() < 26 ? 26 - row.rpc.size() : 1, ' '));
    absl::StrAppend(&expected_table, name, Cells(expected), "\n");
    absl::StrAppend(&actual_table, name, Cells(actual),
                    actual == expected ? "\n" : "   <-- differs\n");
  }
  if (mismatches.empty()) return;
  const std::string header =
      absl::StrCat(std::string(26, ' '), AuthzHeader(), "\n");
  ADD_FAILURE() << "authorisation matrix differs\nexpected:\n"
                << header << expected_table << "actual:\n"
                << header << actual_table << "cells:\n"
                << mismatches;
}

}  // namespace cs::testing
