// Small matching helpers shared by the routing rules (grading, departments,
// skills, calendars, SLA policies): "empty list means any" conditions, category
// path prefixes and display names of the enums used in reasons and errors.
//
//   CategoryHasPrefix({"支付", "退款"}, {"支付"})   // true
//   AnyOf(std::vector<int>{}, 3)                    // true: no condition
//
// Pure and thread-safe.
#ifndef CS_SERVICES_ROUTING_DOMAIN_CONDITIONS_H_
#define CS_SERVICES_ROUTING_DOMAIN_CONDITIONS_H_

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "cs/common/v1/types.pb.h"
#include "cs/routing/v1/routing.pb.h"
#include "cs/ticket/v1/ticket.pb.h"

namespace cs::routing {

// True when `allowed` is empty (no condition) or contains `value`.
template <typename T>
bool AnyOf(const std::vector<T>& allowed, const T& value) {
  return allowed.empty() ||
         std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

// True when `values` contains `value` (false for an empty list).
template <typename T>
bool Contains(const std::vector<T>& values, const T& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// True when two "empty means any" conditions can both hold for one value.
template <typename T>
bool Intersect(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.empty() || b.empty()) return true;
  for (const T& x : a) {
    if (std::find(b.begin(), b.end(), x) != b.end()) return true;
  }
  return false;
}

// True when `prefix` is a (possibly empty) leading part of `category`.
inline bool CategoryHasPrefix(const std::vector<std::string>& category,
                              const std::vector<std::string>& prefix) {
  if (prefix.size() > category.size()) return false;
  return std::equal(prefix.begin(), prefix.end(), category.begin());
}

// "支付 › 退款" (empty path: "(none)").
std::string CategoryText(const std::vector<std::string>& category);

// "A", "B", "C" ("unspecified" for GRADE_UNSPECIFIED or unknown values).
std::string GradeLetter(cs::common::v1::Grade grade);
// "PRE_SALE", "PHONE", "FIRST_RESPONSE", "VIP": enum names without prefix.
std::string StageName(cs::common::v1::Stage stage);
std::string ChannelName(cs::common::v1::Channel channel);
std::string ClockKindName(v1::ClockKind kind);
std::string CustomerTypeName(cs::ticket::v1::CustomerType type);

// "VIP" or "CUSTOMER_TYPE_VIP" → CUSTOMER_TYPE_VIP; false when unknown or
// UNSPECIFIED.
bool ParseCustomerType(absl::string_view text,
                       cs::ticket::v1::CustomerType* type);

// Grades ordered by urgency: A is the highest. True when a is more urgent
// than b (UNSPECIFIED is below C).
bool MoreUrgent(cs::common::v1::Grade a, cs::common::v1::Grade b);

// The grade one level more urgent (C → B, B → A, A → A).
cs::common::v1::Grade UpgradeOneLevel(cs::common::v1::Grade grade);

}  // namespace cs::routing

#endif  // CS_SERVICES_ROUTING_DOMAIN_CONDITIONS_H_
