// The complaint-KB entry (投诉案例) of a closed complaint: what
// PublishToKnowledgeBase sends to the knowledge-base service as a DRAFT
// article for kb_editor review.
//
//   RETURN_IF_ERROR(CheckPublishable(c));
//   v1::PublishCase command = BuildPublishCase(c);
//
// The article carries the lesson, never the person: items, cause and
// classification, department, root-cause analysis, every round's solution
// and remedies, corrective actions and the revisit score. Customer, order,
// ticket, officer and owner ids and the customer's own description are left
// out; the free texts that are included pass through cs::MaskPiiText.
//
// Pure and thread-safe.
#ifndef CS_SERVICES_COMPLAINT_DOMAIN_KNOWLEDGE_CASE_H_
#define CS_SERVICES_COMPLAINT_DOMAIN_KNOWLEDGE_CASE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "cs/complaint/v1/complaint.pb.h"
#include "cs/complaint/v1/storage.pb.h"

namespace cs::complaint {

// Root of the complaint-KB category tree.
inline constexpr absl::string_view kCaseCategoryRoot = "投诉案例";

// 服务态度, 流程问题, 产品质量, 物流配送, 其他 (unspecified counts as 其他).
absl::string_view CauseDisplayName(v1::CauseCategory cause);

// OK for a CLOSED complaint; FAILED_PRECONDITION (ILLEGAL_TRANSITION)
// naming the current stage otherwise.
absl::Status CheckPublishable(const v1::Complaint& c);

// The command for `c`: category path {kCaseCategoryRoot, cause}, request_id
// "complaint-kb-{id}" (the knowledge base returns the same article for it),
// Markdown body, tags 投诉案例 / cause / classification / fishbone category /
// remedy kinds. Precondition: `c` is a valid stored complaint.
v1::PublishCase BuildPublishCase(const v1::Complaint& c);

}  // namespace cs::complaint

#endif  // CS_SERVICES_COMPLAINT_DOMAIN_KNOWLEDGE_CASE_H_
