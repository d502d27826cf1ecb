// Pure rules of the complaint service (投诉): the stage machine with rounds,
// approval limits per role (核决权限), validation naming fields, and the
// appliers that change a complaint record. No gRPC server, no RocksDB.
//
//   RECEIVED → ACKNOWLEDGED → INVESTIGATING → SOLUTION_PROPOSED
//   SOLUTION_PROPOSED → ACCEPTED → RESOLVED → REVISITED → CLOSED
//   SOLUTION_PROPOSED → REJECTED (the round ends; a new round starts in
//                                 INVESTIGATING, linked to the previous one)
//   REVISITED → INVESTIGATING    (the revisit found the problem not solved:
//                                 the round ends REVISITED, a new round as
//                                 after a rejection)
// Only those two moves start INVESTIGATING after the first round;
// StartInvestigation is for ACKNOWLEDGED complaints alone.
//
//   RETURN_IF_ERROR(CheckStage(complaint, COMPLAINT_STAGE_ACKNOWLEDGED));
//   ASSIGN_OR_RETURN(ApprovalLimits limits, ParseApprovalLimits(text, path));
//
// Every function is pure and thread-safe. Illegal moves return
// FAILED_PRECONDITION with ErrorInfo reason "ILLEGAL_TRANSITION"; bad input
// INVALID_ARGUMENT naming the field.
#ifndef CS_SERVICES_COMPLAINT_DOMAIN_COMPLAINT_RULES_H_
#define CS_SERVICES_COMPLAINT_DOMAIN_COMPLAINT_RULES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cs/complaint/v1/complaint.pb.h"
#include "libs/auth/principal.h"
#include "libs/auth/roles.h"

namespace cs::complaint {

// Largest amount any remedy may carry: 10 000 000.00 in minor units.
inline constexpr int64_t kMaxAmountMinorUnits = 1'000'000'000;

// "RECEIVED", … (enum name without the prefix); "UNKNOWN" outside the enum.
absl::string_view StageName(v1::ComplaintStage stage);

// True when the table above allows from → to.
bool IsTransitionAllowed(v1::ComplaintStage from, v1::ComplaintStage to);

// OK when allowed; FAILED_PRECONDITION "complaint is X; it cannot become Y"
// with ErrorInfo ILLEGAL_TRANSITION {current, requested} otherwise.
absl::Status CheckTransition(v1::ComplaintStage from, v1::ComplaintStage to);

// The currency of every remedy amount and approval limit.
inline constexpr char kRemedyCurrency[] = "CNY";

// Approval limits per role in minor units. A role that is absent has no
// limit at all (it cannot approve anything above zero).
class ApprovalLimits {
 public:
  ApprovalLimits() = default;
  explicit ApprovalLimits(std::map<auth::Role, int64_t> limits)
      : limits_(std::move(limits)) {}
  // The shipped defaults: complaint_officer 500.00, supervisor 5 000.00,
  // director 50 000.00, admin 1 000 000.00 (CNY fen).
  static ApprovalLimits Defaults();

  // The highest limit of `caller`'s roles; 0 when none has one.
  int64_t LimitOf(const auth::Principal& caller) const;
  // The role of `caller` with the highest limit (empty when none).
  std::string BestRoleOf(const auth::Principal& caller) const;
  const std::map<auth::Role, int64_t>& limits() const { return limits_; }

 private:
  std::map<auth::Role, int64_t> limits_;
};

// Parses "role limit" lines ('#' comments, blank lines ignored), e.g.
// "supervisor 500000". INVALID_ARGUMENT naming `origin` and the line for an
// unknown role, a bad or negative number or a duplicate role.
absl::StatusOr<ApprovalLimits> ParseApprovalLimits(absl::string_view text,
                                                   absl::string_view origin);
// Reads and parses the file; NOT_FOUND when it cannot be read.
absl::StatusOr<ApprovalLimits> LoadApprovalLimitsFile(const std::string& path);

// INVALID_ARGUMENT naming the field (e.g. "complaint.customer_id").
absl::Status ValidateFile(const v1::FileRequest& request);
// The filter of a List request: known stage and cause, bounded texts.
absl::Status ValidateList(const v1::ListRequest& request);
absl::Status ValidateRemedy(const v1::Remedy& remedy, absl::string_view field);

// "complaints/{id}" → id; INVALID_ARGUMENT on `field` otherwise.
absl::StatusOr<std::string> ParseComplaintName(absl::string_view name,
                                               absl::string_view field = "name");

// The new record for a valid File request: stage RECEIVED, round 1.
v1::Complaint NewComplaint(const v1::FileRequest& request,
                           const std::string& id, const std::string& filed_by,
                           absl::Time now);

// ---- Appliers: each checks the stage, then changes `c` (nothing on error).
absl::Status ApplyAcknowledge(v1::Complaint& c,
                              const v1::AcknowledgeRequest& req,
                              const auth::Principal& caller, absl::Time now);
absl::Status ApplyStartInvestigation(v1::Complaint& c,
                                     const v1::StartInvestigationRequest& req,
                                     absl::Time now);
// Remedies above the proposer's limit are left PENDING.
absl::Status ApplyProposeSolution(v1::Complaint& c,
                                  const v1::ProposeSolutionRequest& req,
                                  const auth::Principal& caller,
                                  const ApprovalLimits& limits, absl::Time now);
// REJECTED ends the round and appends round n+1 in INVESTIGATING.
absl::Status ApplyCustomerDecision(v1::Complaint& c,
                                   const v1::RecordCustomerDecisionRequest& req,
                                   absl::Time now);
// PERMISSION_DENIED when the caller's limit does not cover the amount;
// FAILED_PRECONDITION when the remedy is not PENDING. Returns the remedy.
absl::StatusOr<v1::Remedy> ApplyApproveRemedy(
    v1::Complaint& c, const v1::ApproveRemedyRequest& req,
    const auth::Principal& caller, const ApprovalLimits& limits,
    absl::Time now);
// FAILED_PRECONDITION "REMEDY_APPROVAL_PENDING" while a remedy waits.
absl::Status ApplyResolve(v1::Complaint& c, absl::Time now);
// RESOLVED → REVISITED; with req.not_solved the round ends there and round
// n+1 starts in INVESTIGATING (earlier rounds are never rewritten).
absl::Status ApplyRevisit(v1::Complaint& c, const v1::RecordRevisitRequest& req,
                          absl::Time now);
absl::Status ApplyClose(v1::Complaint& c, absl::Time now);
absl::Status ApplyRootCause(v1::Complaint& c,
                            const v1::RecordRootCauseRequest& req,
                            const std::string& analyst, absl::Time now);
absl::Status ApplyAddCorrectiveAction(v1::Complaint& c,
                                      const v1::AddCorrectiveActionRequest& req,
                                      absl::Time now);
absl::Status ApplyCompleteCorrectiveAction(
    v1::Complaint& c, const v1::CompleteCorrectiveActionRequest& req,
    absl::Time now);

// Whether `c` matches the List filter (unset fields match everything).
bool Matches(const v1::Complaint& c, const v1::ListRequest& filter);

}  // namespace cs::complaint

#endif  // CS_SERVICES_COMPLAINT_DOMAIN_COMPLAINT_RULES_H_
