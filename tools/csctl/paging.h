// The shared body of csctl's list commands: one page (or, with --all, every
// page) of a List RPC, printed as one JSON object per item with --json or as
// a table otherwise.
//
//   void DefineFlags(ConfigParser& flags) override {
//     paging_.Define(flags, "cases");
//   }
//   ...
//   return ListPages(
//       context, &Stub::ListCases, request, paging_,
//       [](const auto& page) -> const auto& { return page.cases(); },
//       Table({"NAME", "STATE"}),
//       [](Table& table, const v1::EscalationCase& c) {
//         table.AddRow({c.name(), StateName(c.state())});
//       });
#ifndef CS_TOOLS_CSCTL_PAGING_H_
#define CS_TOOLS_CSCTL_PAGING_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "libs/common/config.h"
#include "libs/common/page_token.h"
#include "tools/csctl/output.h"
#include "tools/csctl/rpc.h"
#include "tools/csctl/table.h"

namespace cs::csctl {

// --page-size, --page-token and --all of a list command.
struct PageFlags {
  int page_size = 0;
  std::string page_token;
  bool all = false;

  // `noun` is what the list holds ("cases"), for the help text. Every
  // service caps a page at kMaxPageSize.
  void Define(ConfigParser& flags, absl::string_view noun) {
    flags.AddInt("page-size", &page_size,
                 absl::StrCat(noun, " per page (max ", kMaxPageSize, ")"), 0,
                 kMaxPageSize);
    flags.AddString("page-token", &page_token,
                    "start at this page (the token a listing printed)");
    flags.AddBool("all", &all, "follow next_page_token to the last page");
  }
};

// Calls `method` with `request`, its page size and first page token from
// `paging` (and, with --all, every following page token), printing the items
// `items(page)` returns (a reference to a repeated field of the response).
// Without --json, `add_row` adds each item to `table`, which is printed at
// the end, followed by the --page-token of the next page when pages remain
// (with --json, that line goes to stderr).
// Errors of the first failing call.
template <typename Stub, typename Request, typename Response, typename Items,
          typename AddRow>
absl::Status ListPages(CommandContext& context,
                       grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                    const Request&, Response*),
                       Request request, const PageFlags& paging, Items items,
                       Table table, AddRow add_row) {
  request.set_page_size(paging.page_size);
  request.set_page_token(paging.page_token);
  std::string next;
  do {
    ASSIGN_OR_RETURN(Response page, CallRpc(context, method, request));
    for (const auto& item : items(page)) {
      if (context.options().json) {
        RETURN_IF_ERROR(PrintJson(context.out(), item));
      } else {
        add_row(table, item);
      }
    }
    next = page.next_page_token();
    request.set_page_token(next);
  } while (paging.all && !next.empty());
  if (!context.options().json) table.Print(context.out());
  if (!next.empty()) {
    // With --json, stdout holds only the items, one JSON object per line.
    (context.options().json ? context.err() : context.out())
        << "next page: --page-token " << next << " (or --all)\n";
  }
  return absl::OkStatus();
}

}  // namespace cs::csctl

#endif  // CS_TOOLS_CSCTL_PAGING_H_
