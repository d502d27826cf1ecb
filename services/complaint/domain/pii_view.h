// What a caller may see of a complaint's personal data (客户信息脱敏).
//
// Complaint texts are written from what customers say and often carry phone
// numbers, ID-card and bank-card numbers or e-mail addresses. Callers that
// may read personal data in clear are the same as the ticket service's
// default read_pii grant: complaint officers and supervisors. Everyone else
// (directors, admins, channel services) gets every free-text field through
// cs::MaskPiiText (libs/common/pii_text.h).
//
//   v1::Complaint view = stored;
//   if (!MayReadPii(caller)) MaskPersonalData(view);
//
// Pure and thread-safe.
#ifndef CS_SERVICES_COMPLAINT_DOMAIN_PII_VIEW_H_
#define CS_SERVICES_COMPLAINT_DOMAIN_PII_VIEW_H_

#include "cs/complaint/v1/complaint.pb.h"
#include "libs/auth/principal.h"
#include "libs/auth/roles.h"

namespace cs::complaint {

// Roles that see personal data in clear.
inline constexpr auth::RoleSet kPiiReaders{auth::Role::kComplaintOfficer,
                                           auth::Role::kSupervisor};

bool MayReadPii(const auth::Principal& caller);

// Masks, in place: description, impact, items, every round's solution,
// decision note and remedy notes, the revisit note, the root-cause analysis
// and the corrective actions' descriptions. Ids, enums, amounts and times
// are left as they are.
void MaskPersonalData(v1::Complaint& c);

}  // namespace cs::complaint

#endif  // CS_SERVICES_COMPLAINT_DOMAIN_PII_VIEW_H_
