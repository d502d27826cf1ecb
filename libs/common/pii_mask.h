// Masked display forms of single personal-data values (客户信息脱敏), shared by
// the ticket service (customer records) and the free-text masker
// (pii_text.h) every service uses for descriptions and notes.
//
//   MaskPhone("13812341234")              → "138****1234"
//   MaskPhone("010-12345678")             → "010-****5678"
//   MaskIdCard("11010519491231002X")      → "110***********002X"
//   MaskBankCard("6222 0212 3456 7890 128") → "****0128"
//   MaskEmail("zhangsan@example.com")     → "z***@example.com"
//
// The masked forms never depend on more of the secret than they show (no
// length leak beyond what is stated). Pure and thread-safe; inputs need not be
// validated (garbage in, fully masked out; never crashes).
#ifndef CS_LIBS_COMMON_PII_MASK_H_
#define CS_LIBS_COMMON_PII_MASK_H_

#include <string>

#include "absl/strings/string_view.h"

namespace cs {

// Mainland mobile (optionally +86/0086, spaces or dashes): first 3 + "****" +
// last 4, after "+86 " when it had a country prefix. Landline: area code +
// "-****" + last 4 of the local number (an extension is dropped). Anything else
// with ≥ 8 digits: "****" + last 4; otherwise "****". Empty input gives "".
std::string MaskPhone(absl::string_view phone);

// First 3 + '*' × (length − 7) + last 4 for 18- (and legacy 15-) character
// numbers; "****" for anything shorter than 8 characters; "" for empty.
std::string MaskIdCard(absl::string_view id_card);

// "****" + last 4 digits (spaces and dashes ignored); "****" when fewer than
// 4 digits; "" for empty.
std::string MaskBankCard(absl::string_view bank_card);

// First character of the local part (inside the quotes of a quoted one) +
// "***@" + the domain; "****" without an '@' or with an empty local part;
// "" for empty.
std::string MaskEmail(absl::string_view email);

// GB 11643 (ISO 7064 MOD 11-2) check character of a resident ID number's
// first 17 digits ('0'..'9' or 'X'); '\0' when `first17` is not 17 digits.
char IdCardCheckChar(absl::string_view first17);

// The ASCII digits of `s`, in order.
std::string DigitsOf(absl::string_view s);

}  // namespace cs

#endif  // CS_LIBS_COMMON_PII_MASK_H_
