#include "libs/common/money.h"

#include "gtest/gtest.h"

namespace cs {
namespace {

TEST(MoneyTest, CurrencyCodesAreIso4217CodesInUse) {
  for (const char* code : {"CNY", "HKD", "USD", "EUR", "JPY"}) {
    EXPECT_TRUE(IsCurrencyCode(code)) << code;
  }
  for (const char* code : {"RMB", "XYZ", "cny", "CN", "CNYY", "", "人民币"}) {
    EXPECT_FALSE(IsCurrencyCode(code)) << code;
  }
}

TEST(MoneyTest, FormatsMinorUnitsWithTwoDecimals) {
  EXPECT_EQ(FormatMinorUnits("CNY", 120050), "CNY 1200.50");
  EXPECT_EQ(FormatMinorUnits("CNY", 5), "CNY 0.05");
  EXPECT_EQ(FormatMinorUnits("CNY", 0), "CNY 0.00");
  EXPECT_EQ(FormatMinorUnits("CNY", -50), "CNY -0.50");
  EXPECT_EQ(FormatMinorUnits("CNY", INT64_MIN), "CNY -92233720368547758.08");
  common::v1::Money money;
  money.set_currency_code("CNY");
  money.set_minor_units(2000);
  EXPECT_EQ(FormatMoney(money), "CNY 20.00");
}

TEST(MoneyTest, ParsesPlainDecimalsInTheMajorUnit) {
  EXPECT_EQ(ParseMajorUnits("1200.50").value(), 120050);
  EXPECT_EQ(ParseMajorUnits(" 1200.5 ").value(), 120050);
  EXPECT_EQ(ParseMajorUnits("20").value(), 2000);
  EXPECT_EQ(ParseMajorUnits("0.07").value(), 7);
  for (const char* bad : {"", ".5", "12.345", "-1", "1,200", "1e3", "１２",
                          "12.3.4", "1125899906842624"}) {
    absl::StatusOr<int64_t> parsed = ParseMajorUnits(bad);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
  }
  EXPECT_EQ(ParseMajorUnits("12.345").status().message(),
            "\"12.345\" is not an amount in yuan (e.g. 1200.50)");
}

}  // namespace
}  // namespace cs
