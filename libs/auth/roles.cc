#include "libs/auth/roles.h"

#include <array>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace cs::auth {
namespace {

constexpr std::array<absl::string_view, kRoleCount> kNames = {
    "agent",    "team_lead", "supervisor",
    "qa",       "kb_editor", "complaint_officer",
    "director", "admin",     "service",
};

// Longest part of an unknown name repeated in an error message.
constexpr size_t kMaxEchoedName = 32;

}  // namespace

const std::vector<Role>& AllRoles() {
  static const std::vector<Role>* const kAll = [] {
    auto* all = new std::vector<Role>;
    for (int i = 0; i < kRoleCount; ++i) all->push_back(static_cast<Role>(i));
    return all;
  }();
  return *kAll;
}

absl::string_view RoleName(Role role) {
  auto index = static_cast<size_t>(role);
  if (index >= kNames.size()) return "unknown";
  return kNames[index];
}

absl::StatusOr<Role> RoleFromName(absl::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<Role>(i);
  }
  std::string shown = absl::CHexEscape(name.substr(0, kMaxEchoedName));
  if (name.size() > kMaxEchoedName) shown += "...";
  return absl::InvalidArgumentError(
      absl::StrCat("unknown role \"", shown, "\""));
}

absl::StatusOr<RoleSet> RoleSet::FromNames(
    const std::vector<std::string>& names) {
  RoleSet set;
  for (const std::string& name : names) {
    absl::StatusOr<Role> role = RoleFromName(name);
    if (!role.ok()) return role.status();
    set.Add(*role);
  }
  return set;
}

int RoleSet::size() const {
  int count = 0;
  for (uint32_t bits = bits_; bits != 0; bits &= bits - 1) ++count;
  return count;
}

std::vector<Role> RoleSet::ToVector() const {
  std::vector<Role> roles;
  for (Role role : AllRoles()) {
    if (Contains(role)) roles.push_back(role);
  }
  return roles;
}

std::vector<std::string> RoleSet::Names() const {
  std::vector<std::string> names;
  for (Role role : ToVector()) names.emplace_back(RoleName(role));
  return names;
}

std::string RoleSet::ToString() const { return absl::StrJoin(Names(), ", "); }

}  // namespace cs::auth
