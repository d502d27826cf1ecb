// Masked display forms of personal data (客户信息脱敏), for callers without the
// read_pii permission, for ticket snapshots and for anything shown in lists.
//
//   MaskName("张三", v1::TITLE_MR)        → "张先生"
//   MaskName("李四", v1::TITLE_MS)        → "李女士"
//   MaskName("欧阳娜娜", v1::TITLE_UNSPECIFIED) → "欧阳**"
//   MaskPhone("13812341234")              → "138****1234"
//   MaskPhone("010-12345678")             → "010-****5678"
//   MaskIdCard("11010519491231002X")      → "110***********002X"
//   MaskBankCard("6222 0212 3456 7890 128") → "****0128"
//
// The masked forms never depend on more of the secret than they show (no
// length leak beyond what is stated). Pure and thread-safe; inputs need not be
// validated (garbage in, fully masked out; never crashes).
#ifndef CS_SERVICES_TICKET_DOMAIN_MASKING_H_
#define CS_SERVICES_TICKET_DOMAIN_MASKING_H_

#include <string>

#include "absl/strings/string_view.h"
#include "cs/ticket/v1/ticket.pb.h"
#include "libs/common/pii_mask.h"

namespace cs::ticket {

// Surname of a Chinese name: the first character, or the first two for the
// common compound surnames (欧阳, 司马, 诸葛, 上官, …) when the name has at
// least three characters. For a non-Han name, its first character. Empty
// for an empty (or all-blank) name.
std::string Surname(absl::string_view full_name);

// Surname + 先生 (TITLE_MR) / 女士 (TITLE_MS); surname + "**" without a title
// or for non-Han names; "" for an empty name.
std::string MaskName(absl::string_view full_name, v1::Title title);

// The single-value forms live in libs/common (shared with the free-text
// masker); ticket code keeps calling them as cs::ticket::MaskPhone etc.
using ::cs::MaskBankCard;
using ::cs::MaskIdCard;
using ::cs::MaskPhone;

}  // namespace cs::ticket

#endif  // CS_SERVICES_TICKET_DOMAIN_MASKING_H_
