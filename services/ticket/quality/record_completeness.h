// Completeness of a ticket's service record (服务记录, DESIGN §4): the CRM's
// mandatory fields must be filled within 30 minutes after the end of service,
// and the result must say what was done. Pure functions; thread-safe.
//
//   RecordCheck check = CheckServiceRecord(ticket);
//   if (!check.complete()) ...   // missing_fields / vague_result
//   IsVagueResult("已解决，客户满意");   // true
//   IsVagueResult("已为客户更换SIM卡，信号恢复正常");  // false
//
// Mandatory: customer (customer_id, masked name and contact shown on the
// ticket, customer_type), request content (description), grade, department,
// result (resolution, specific), ticket number, service time (create_time,
// resolve_time), agent id (assignee). Satisfaction is the customer's survey
// answer, which may come days later; it is not part of the 30-minute check.
#ifndef CS_SERVICES_TICKET_QUALITY_RECORD_COMPLETENESS_H_
#define CS_SERVICES_TICKET_QUALITY_RECORD_COMPLETENESS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "cs/ticket/v1/quality.pb.h"
#include "cs/ticket/v1/ticket.pb.h"

namespace cs::ticket::quality {

struct RecordCheck {
  std::vector<std::string> missing_fields;  // Ticket field paths, in order
  bool vague_result = false;
  bool complete() const { return missing_fields.empty() && !vague_result; }
};

// True when `result`, once spaces and punctuation are removed, consists only
// of stock phrases that state an outcome without content — 已解决, 已处理,
// 处理完毕, 已完成, 已回复, 已办结, 客户满意, 满意, 问题解决, ok … in any
// combination — or is empty.
bool IsVagueResult(absl::string_view result);

// The mandatory fields of `ticket` (FULL or BASIC view) that are missing, and
// whether its resolution is vague (only checked when present).
RecordCheck CheckServiceRecord(const v1::Ticket& ticket);

v1::ServiceRecordChecked ServiceRecordCheckedEvent(const v1::Ticket& ticket,
                                                   const RecordCheck& check);

}  // namespace cs::ticket::quality

#endif  // CS_SERVICES_TICKET_QUALITY_RECORD_COMPLETENESS_H_
