// Masks personal data inside free text (descriptions, notes, remedy texts)
// for callers without the PII-reveal permission, using the display forms of
// pii_mask.h. Chinese text around the values is kept as it is.
//
//   MaskPiiText("客户电话 138-1234-5678，邮箱 li.na@example.com")
//     → "客户电话 138****5678，邮箱 l***@example.com"
//   MaskPiiText("+86 139 0000 1111") → "+86 139****1111"
//
// What is masked — also when written in full-width characters, as Chinese
// input methods produce them (１３８１２３４５６７８, ＋８６; the masked form
// is then ASCII), and when zero-width characters (U+200B–U+200D, U+2060,
// U+FEFF) or the ideographic space U+3000 split it, which count as a space,
// or dashes U+2010–U+2015 and U+2212, which count as '-':
//   * mainland mobiles 1[3-9]xxxxxxxxx, optionally +86 / 0086, with single
//     spaces, dashes or dots between digit groups  → MaskPhone
//   * landlines: 0 + area code (3–4 digits incl. the 0) + 7–8 digits, written
//     together, or with the area code set off by a space, dash or dot and
//     the local number maybe split once more ("021 6666 8888",
//     "0755-8765-4321"), an optional "-extension" after a dash, or with the
//     area code in parentheses ("(010)12345678", "（0755）8765-4321")
//                                                   → MaskPhone
//   * landlines dialled from abroad: +86, the area code without its 0, the
//     local number ("+86 10 1234 5678")           → "+86 " + MaskPhone
//   * 18-character resident ID numbers (17 digits + digit or X/x) whose
//     birth date part is plausible (19xx/20xx, month 01–12, day 01–31), and
//     15-digit ones (issued before 1999; birth date YYMMDD after the
//     six-digit region code) written as one group → MaskIdCard
//   * every other run of 16–19 digits (bank cards; separators allowed
//     between groups; no Luhn check: an unmasked card costs more than a
//     masked long number)                           → MaskBankCard
//   * e-mail addresses local@domain.tld, the local part ASCII, quoted
//     ("zhang san"@example.com) or Chinese (张三@例子.中国: taken back to a
//     space or punctuation, so prose glued to it is masked with it), the
//     domain maybe internationalised (li@例子.中国; it ends at its first
//     top-level domain: two ASCII letters or more, or a Chinese one such
//     as 中国 or 公司); also as written to get past spam filters: "li @
//     example.com", "li(at)example.com", "li[AT]example.com", and the
//     ideographic full stop for a dot when a letter or digit follows it
//     ("li@example。com")              → MaskEmail of local@domain with '.'
// A number is one run only when it touches no ASCII letter or digit on
// either side ("SN13812345678" is a serial number, not a phone), unless
// the letters are a phone label of their own: tel, telephone, phone,
// cellphone, cell, mobile, mob, any case ("tel13912345678").
//
// Order numbers are NOT masked: the first digit group directly preceded by
// one of the keywords 订单号, 订单编号, 订单, 单号 (also 运单号, 快递单号,
// 物流单号), "order", "order no", "order id" (ASCII case-insensitive),
// optionally followed by spaces, ':', '：', '#', '为' or '是', is left
// intact — e.g. "订单号：2024051812345678901" stays readable for the
// handler, while a number after it ("… 13912345678") is masked. A resident
// ID number whose check character is right is masked there too: that is
// an ID card pasted after the keyword, not an order number.
//
// Pure and thread-safe; any input (also invalid UTF-8) is accepted, bytes
// that are not part of a masked value are copied unchanged.
#ifndef CS_LIBS_COMMON_PII_TEXT_H_
#define CS_LIBS_COMMON_PII_TEXT_H_

#include <string>

#include "absl/strings/string_view.h"

namespace cs {

// `text` with every value listed above replaced by its masked form.
std::string MaskPiiText(absl::string_view text);

// Whether MaskPiiText would change `text`. Cheap for text without digits,
// '@', and a bracket together with an 'a' (ASCII or full-width; most
// Chinese prose, also with brackets): no copy is made.
bool ContainsPiiText(absl::string_view text);

// `edited`, written by someone who was shown MaskPiiText(original) and may
// not see the clear values, with every masked value of `original` it still
// holds put back in the clear: editing around a masked phone number keeps
// the number, not its asterisks.
//
//   RestoreMaskedPii("请回电13812345678", "已回电138****5678，未接通")
//     → "已回电13812345678，未接通"
//
// Each masked form stands for the clear values it masks in `original`, in
// their order (a further repeat takes the last); longer forms win where two
// start at the same place. Text that matches no masked form of `original`,
// including a new number typed in the clear, is kept as it is. A value is
// put back only where the result still masks it: MaskPiiText of the result
// equals MaskPiiText(edited), so the writer is never shown a value it could
// not see (a masked form moved behind 订单号, or glued to letters or digits,
// stays masked). `original` itself when `edited` is exactly
// MaskPiiText(original). Cost: one MaskPiiText of the text per masked form
// found in `edited`; past the 64th, masked forms stay as written.
std::string RestoreMaskedPii(absl::string_view original,
                             absl::string_view edited);

}  // namespace cs

#endif  // CS_LIBS_COMMON_PII_TEXT_H_
