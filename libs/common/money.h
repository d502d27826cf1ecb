// Money amounts as the suite stores them (cs.common.v1.Money: an ISO 4217
// code and an integer count of minor units) and as people write them: in
// the major unit with at most two decimals ("1200.50" yuan = 120050 fen).
// Every currency the centre handles (CNY) has two decimals. Pure functions,
// thread-safe.
//
//   FormatMinorUnits("CNY", 120050)   → "CNY 1200.50"
//   ParseMajorUnits("1200.5")         → 120050
#ifndef CS_LIBS_COMMON_MONEY_H_
#define CS_LIBS_COMMON_MONEY_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cs/common/v1/types.pb.h"

namespace cs {

// "CNY 1200.50"; a negative amount keeps its sign ("CNY -0.50").
std::string FormatMinorUnits(absl::string_view currency_code,
                             int64_t minor_units);
std::string FormatMoney(const common::v1::Money& money);

// The minor units of a plain decimal in the major unit: digits, optionally
// a point and one or two more digits ("1200", "1200.5", "1200.50"), at most
// 2^50 − 1 major units. Surrounding spaces are ignored. INVALID_ARGUMENT
// otherwise ("\"12.345\" is not an amount in yuan (e.g. 1200.50)").
absl::StatusOr<int64_t> ParseMajorUnits(absl::string_view text);

// True when `code` is the ISO 4217 code of a currency in use today, as
// ICU's currency data lists them ("CNY", "HKD", "USD"); false for look-alikes
// such as "RMB", "XYZ" or "cny".
bool IsCurrencyCode(absl::string_view code);

}  // namespace cs

#endif  // CS_LIBS_COMMON_MONEY_H_
