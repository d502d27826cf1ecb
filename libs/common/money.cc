#include "libs/common/money.h"

#include <string>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "unicode/ucurr.h"
#include "unicode/uenum.h"

namespace cs {

std::string FormatMinorUnits(absl::string_view currency_code,
                             int64_t minor_units) {
  const char* sign = minor_units < 0 ? "-" : "";
  // Through unsigned, so that the most negative amount has a magnitude too.
  const uint64_t magnitude = minor_units < 0
                                 ? 0 - static_cast<uint64_t>(minor_units)
                                 : static_cast<uint64_t>(minor_units);
  return absl::StrFormat("%s %s%d.%02d", currency_code, sign, magnitude / 100,
                         magnitude % 100);
}

std::string FormatMoney(const common::v1::Money& money) {
  return FormatMinorUnits(money.currency_code(), money.minor_units());
}

absl::StatusOr<int64_t> ParseMajorUnits(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  std::pair<absl::string_view, absl::string_view> parts =
      absl::StrSplit(text, absl::MaxSplits('.', 1));
  int64_t major = 0, minor = 0;
  const bool ok =
      !parts.first.empty() && parts.second.size() <= 2 &&
      absl::c_all_of(parts.first, absl::ascii_isdigit) &&
      absl::c_all_of(parts.second, absl::ascii_isdigit) &&
      absl::SimpleAtoi(parts.first, &major) && major < int64_t{1} << 50 &&
      (parts.second.empty() ||
       absl::SimpleAtoi(
           absl::StrCat(parts.second, parts.second.size() == 1 ? "0" : ""),
           &minor));
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not an amount in yuan (e.g. 1200.50)"));
  }
  return major * 100 + minor;
}

bool IsCurrencyCode(absl::string_view code) {
  // ICU's list of the common, non-deprecated ISO 4217 codes, read once.
  static const absl::flat_hash_set<std::string>* const kCodes = [] {
    auto* codes = new absl::flat_hash_set<std::string>();
    UErrorCode status = U_ZERO_ERROR;
    UEnumeration* all =
        ucurr_openISOCurrencies(UCURR_COMMON | UCURR_NON_DEPRECATED, &status);
    while (U_SUCCESS(status)) {
      int32_t length = 0;
      const char* next = uenum_next(all, &length, &status);
      if (next == nullptr) break;
      codes->emplace(next, length);
    }
    uenum_close(all);
    return codes;
  }();
  return kCodes->contains(code);
}

}  // namespace cs
