// audit list, pii rotate | keys: the ticket service's audit trail and key
// rotation (cs.ticket.v1.TicketService).
//
//   csctl audit list --actor sup-1 --action reveal_pii --since 24h
//   csctl audit list --resource customers/c-1001 --since
//   2026-11-01T00:00:00+08:00 --all csctl pii keys                  # values
//   per key id/version csctl pii rotate --batch 500    # re-encrypt everything
//   on the current key
//
// --since / --until take an RFC 3339 time, a date (2026-11-23) or a duration
// back from now (24h).
// `pii rotate` follows RotatePiiKeys' next_page_token to the end, printing
// one line per batch; interrupted, `--from <token>` resumes (re-running from
// the start is also safe: rotated customers are skipped).
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "cs/ticket/v1/ticket.grpc.pb.h"
#include "libs/common/status_macros.h"
#include "libs/common/time_proto.h"
#include "tools/csctl/audit_list.h"
#include "tools/csctl/commands.h"
#include "tools/csctl/output.h"
#include "tools/csctl/paging.h"
#include "tools/csctl/rpc.h"
#include "tools/csctl/table.h"

namespace cs::csctl {
namespace {

namespace v1 = ::cs::ticket::v1;
using Stub = v1::TicketService::Stub;

const AuditListSpec kTicketAuditList = {
    "reveal_pii, read_contact, permissions_changed or rotate_pii_keys",
    "customers/{id}, permissions or pii-keys", nullptr, "RESOURCE", true};

class TicketAuditListCommand final : public AuditListCommand<Stub> {
 public:
  TicketAuditListCommand() : AuditListCommand(kTicketAuditList) {}
};

class PiiKeysCommand final : public Command {
 public:
  absl::Status Run(CommandContext& context) override {
    ASSIGN_OR_RETURN(
        v1::GetPiiKeyUsageResponse usage,
        CallRpc(context, &Stub::GetPiiKeyUsage, v1::GetPiiKeyUsageRequest()));
    if (context.options().json) return PrintJson(context.out(), usage);
    Table table({"KEY", "VALUES", "CURRENT", "IN KEYRING"});
    for (const v1::PiiKeyUsage& u : usage.usage()) {
      table.AddRow({u.key(), absl::StrCat(u.values()), u.current() ? "yes" : "",
                    u.in_keyring() ? "yes" : "NO"});
    }
    table.Print(context.out());
    context.out() << usage.customers() << " customers\n";
    return absl::OkStatus();
  }
};

class PiiRotateCommand final : public Command {
 public:
  void DefineFlags(ConfigParser& flags) override {
    flags.AddInt("batch", &batch_, "customers examined per call (max 1000)", 0,
                 1000);
    flags.AddString("from", &from_,
                    "resume from this token (printed by an interrupted run)");
  }

  absl::Status Run(CommandContext& context) override {
    v1::RotatePiiKeysRequest request;
    request.set_page_size(batch_);
    request.set_page_token(from_);
    int64_t examined = 0, reencrypted = 0;
    std::string key;
    do {
      absl::StatusOr<v1::RotatePiiKeysResponse> page =
          CallRpc(context, &Stub::RotatePiiKeys, request);
      if (!page.ok()) {
        if (!request.page_token().empty()) {
          context.err() << "resume with: csctl pii rotate --from "
                        << request.page_token() << "\n";
        }
        return page.status();
      }
      examined += page->examined();
      reencrypted += page->reencrypted();
      key = page->current_key();
      if (context.options().json) {
        RETURN_IF_ERROR(PrintJson(context.out(), *page));
      } else {
        context.out() << "batch: examined " << page->examined()
                      << ", re-encrypted " << page->reencrypted() << "\n";
      }
      request.set_page_token(page->next_page_token());
    } while (!request.page_token().empty());
    if (!context.options().json) {
      context.out() << "done: " << examined << " customers examined, "
                    << reencrypted << " re-encrypted with " << key << "\n";
    }
    return absl::OkStatus();
  }

 private:
  int batch_ = 0;
  std::string from_;
};

}  // namespace

void RegisterAuditCommands(CommandRegistry& registry) {
  registry.Add<TicketAuditListCommand>(
      {"audit", "list"},
      "audit trail: sensitive reads, permission changes, key rotations");
  registry.Add<PiiKeysCommand>({"pii", "keys"},
                               "encrypted values per key id/version");
  registry.Add<PiiRotateCommand>({"pii", "rotate"},
                                 "re-encrypt every value with the current key");
}

}  // namespace cs::csctl
