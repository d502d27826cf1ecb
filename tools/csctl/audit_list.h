// The one `audit list` of csctl: flags, request and table of every service's
// ListAuditRecords (cs.common.v1), for `csctl audit list` (ticket) and
// `csctl complaint audit list`.
//
//   class ComplaintAuditList final
//       : public AuditListCommand<v1::ComplaintService::Stub> {
//    public:
//     ComplaintAuditList() : AuditListCommand(kComplaintAuditListSpec) {}
//   };
//
// --since / --until take an RFC 3339 time or a duration back from now (24h).
#ifndef CS_TOOLS_CSCTL_AUDIT_LIST_H_
#define CS_TOOLS_CSCTL_AUDIT_LIST_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cs/common/v1/audit.pb.h"
#include "tools/csctl/command.h"
#include "tools/csctl/paging.h"
#include "tools/csctl/table.h"

namespace cs::csctl {

// What differs between the services' trails.
struct AuditListSpec {
  const char* action_help;    // the service's actions, for --action
  const char* resource_help;  // the resources it records, for --resource
  // The --resource value as sent (e.g. an id → "complaints/{id}").
  std::function<std::string(absl::string_view)> resource_name;
  const char* resource_header;  // "RESOURCE", "COMPLAINTS"
  bool field_reason_detail;     // also the FIELD, REASON, DETAIL columns
};

class AuditListCommandBase : public Command {
 public:
  explicit AuditListCommandBase(const AuditListSpec& spec) : spec_(spec) {}
  void DefineFlags(ConfigParser& flags) override;

 protected:
  // The request of the flags; a usage error naming a bad flag.
  absl::StatusOr<common::v1::ListAuditRecordsRequest> Request(
      CommandContext& context) const;
  Table EmptyTable() const;
  void AddRow(Table& table, const common::v1::AuditRecord& r) const;
  const PageFlags& paging() const { return paging_; }

 private:
  const AuditListSpec& spec_;
  std::string actor_, action_, resource_, since_, until_;
  PageFlags paging_;
};

// The command against the service behind `Stub` (one with ListAuditRecords).
template <typename Stub>
class AuditListCommand : public AuditListCommandBase {
 public:
  using AuditListCommandBase::AuditListCommandBase;

  absl::Status Run(CommandContext& context) override {
    ASSIGN_OR_RETURN(common::v1::ListAuditRecordsRequest request,
                     Request(context));
    return ListPages(
        context, &Stub::ListAuditRecords, std::move(request), paging(),
        [](const auto& page) -> const auto& { return page.audit_records(); },
        EmptyTable(),
        [this](Table& table, const common::v1::AuditRecord& r) {
          AddRow(table, r);
        });
  }
};

}  // namespace cs::csctl

#endif  // CS_TOOLS_CSCTL_AUDIT_LIST_H_
