// The shared body of csctl's list commands: one page (or, with --all, every
// page) of a List RPC, printed as one JSON object per item with --json or as
// a table otherwise.
//
//   return ListPages(context, &Stub::ListCases, request, all_,
//                    [](const auto& page) -> const auto& { return page.cases();
//                    }, Table({"NAME", "STATE"}),
//                    [](Table& table, const v1::EscalationCase& c) {
//                      table.AddRow({c.name(), StateName(c.state())});
//                    });
#ifndef CS_TOOLS_CSCTL_PAGING_H_
#define CS_TOOLS_CSCTL_PAGING_H_

#include <string>

#include "absl/status/status.h"
#include "tools/csctl/output.h"
#include "tools/csctl/rpc.h"
#include "tools/csctl/table.h"

namespace cs::csctl {

// Calls `method` with `request` (its page_token set from each response's
// next_page_token while `all`), printing the items `items(page)` returns
// (a reference to a repeated field of the response). Without
// --json, `add_row` adds each item to `table`, which is printed at the end
// with a hint when pages remain. Errors of the first failing call.
template <typename Stub, typename Request, typename Response, typename Items,
          typename AddRow>
absl::Status ListPages(CommandContext& context,
                       grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                    const Request&, Response*),
                       Request request, bool all, Items items, Table table,
                       AddRow add_row) {
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
  } while (all && !next.empty());
  if (!context.options().json) {
    table.Print(context.out());
    if (!next.empty()) context.out() << "next page: use --all\n";
  }
  return absl::OkStatus();
}

}  // namespace cs::csctl

#endif  // CS_TOOLS_CSCTL_PAGING_H_
