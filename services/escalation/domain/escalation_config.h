// Escalation policies (升级策略): loading and validating
// deploy/config/escalation.textproto, and choosing the policy of a breach or
// an escalation request. Pure domain code: no gRPC server, no RocksDB.
//
//   ASSIGN_OR_RETURN(EscalationSettings settings,
//                    LoadEscalationConfigFile("deploy/config/escalation.textproto"));
//   const v1::EscalationPolicy* policy =
//       settings.ForBreach(common::v1::GRADE_A,
//       routing::v1::CLOCK_KIND_RESOLUTION);
//
// Thread-safe after construction (read-only).
#ifndef CS_SERVICES_ESCALATION_DOMAIN_ESCALATION_CONFIG_H_
#define CS_SERVICES_ESCALATION_DOMAIN_ESCALATION_CONFIG_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cs/common/v1/types.pb.h"
#include "cs/escalation/v1/config.pb.h"
#include "cs/routing/v1/routing.pb.h"

namespace cs::escalation {

// A validated configuration.
struct EscalationSettings {
  v1::EscalationConfig proto;
  // Where it came from (for log lines).
  std::string source;

  // The first policy for a breach of (grade, kind); nullptr when none.
  const v1::EscalationPolicy* ForBreach(common::v1::Grade grade,
                                        routing::v1::ClockKind kind) const;
  // The first policy for an escalation request of `severity`; nullptr when
  // none.
  const v1::EscalationPolicy* ForSeverity(absl::string_view severity) const;
  // The severities request policies cover, in policy order, each once.
  std::vector<std::string> Severities() const;
  // The role told about SLA warnings ("team_lead" by default).
  std::string WarningRole() const;
};

// Rank of an escalation role: agent 1 < team_lead 2 < supervisor 3 <
// director 4 < admin 5; 0 for any other name (it ranks nobody).
int RoleRank(absl::string_view role);

// Parses and validates `text`. INVALID_ARGUMENT whose message names
// `source_name`, the line and the field at fault (one line per problem).
absl::StatusOr<EscalationSettings> ParseEscalationConfig(
    absl::string_view text, absl::string_view source_name);

// Reads `path` and parses it; NOT_FOUND / PERMISSION_DENIED when the file
// cannot be read.
absl::StatusOr<EscalationSettings> LoadEscalationConfigFile(
    absl::string_view path);

}  // namespace cs::escalation

#endif  // CS_SERVICES_ESCALATION_DOMAIN_ESCALATION_CONFIG_H_
