// The roles a caller can hold, their wire names, and a small set type.
//
// Role names are the strings carried in a token's "roles" claim; they are
// part of the contract with every issuer and must not change.
//
//   absl::StatusOr<cs::auth::Role> role = cs::auth::RoleFromName("qa");
//   cs::auth::RoleSet allowed{cs::auth::Role::kSupervisor,
//                             cs::auth::Role::kDirector};
//   if (allowed.Contains(*role)) ...
//   allowed.ToString();  // "supervisor, director"
#ifndef CS_LIBS_AUTH_ROLES_H_
#define CS_LIBS_AUTH_ROLES_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cs::auth {

enum class Role : uint8_t {
  kAgent,
  kTeamLead,
  kSupervisor,
  kQa,
  kKbEditor,
  kComplaintOfficer,
  kDirector,
  kAdmin,
  kService,  // another service of the suite calling on its own behalf
};

// Number of Role values; roles are numbered 0 .. kRoleCount-1.
inline constexpr int kRoleCount = 9;

// Every role, in declaration order.
const std::vector<Role>& AllRoles();

// The wire name ("agent", "team_lead", ..., "service"). Never fails; a value
// outside the enum yields "unknown".
absl::string_view RoleName(Role role);

// The role named exactly `name` (lower case, no surrounding space).
// INVALID_ARGUMENT naming the (escaped, truncated) name when unknown.
absl::StatusOr<Role> RoleFromName(absl::string_view name);

// A set of roles as a bitset. A value type: cheap to copy, no allocation;
// const use from many threads is safe.
class RoleSet {
 public:
  constexpr RoleSet() = default;
  constexpr RoleSet(std::initializer_list<Role> roles) {
    for (Role role : roles) bits_ |= Bit(role);
  }

  // Every role.
  static constexpr RoleSet All() {
    RoleSet set;
    set.bits_ = (uint32_t{1} << kRoleCount) - 1;
    return set;
  }

  // Parses wire names; INVALID_ARGUMENT (from RoleFromName) on the first
  // unknown name. Duplicates are allowed and collapse.
  static absl::StatusOr<RoleSet> FromNames(
      const std::vector<std::string>& names);

  constexpr bool Contains(Role role) const { return (bits_ & Bit(role)) != 0; }
  // True when the two sets share at least one role.
  constexpr bool Intersects(RoleSet other) const {
    return (bits_ & other.bits_) != 0;
  }
  constexpr bool empty() const { return bits_ == 0; }
  int size() const;

  void Add(Role role) { bits_ |= Bit(role); }
  void Remove(Role role) { bits_ &= ~Bit(role); }

  // Members in declaration order.
  std::vector<Role> ToVector() const;
  // Wire names in declaration order.
  std::vector<std::string> Names() const;
  // Wire names joined by ", " ("" for the empty set).
  std::string ToString() const;

  constexpr uint32_t bits() const { return bits_; }

  friend constexpr RoleSet operator|(RoleSet a, RoleSet b) {
    RoleSet set;
    set.bits_ = a.bits_ | b.bits_;
    return set;
  }
  friend constexpr RoleSet operator&(RoleSet a, RoleSet b) {
    RoleSet set;
    set.bits_ = a.bits_ & b.bits_;
    return set;
  }
  friend constexpr bool operator==(RoleSet a, RoleSet b) {
    return a.bits_ == b.bits_;
  }
  friend constexpr bool operator!=(RoleSet a, RoleSet b) {
    return a.bits_ != b.bits_;
  }

 private:
  static constexpr uint32_t Bit(Role role) {
    return uint32_t{1} << static_cast<uint32_t>(role);
  }

  uint32_t bits_ = 0;
};

}  // namespace cs::auth

#endif  // CS_LIBS_AUTH_ROLES_H_
