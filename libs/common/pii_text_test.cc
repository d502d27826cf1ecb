#include "libs/common/pii_text.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "libs/common/pii_mask.h"

namespace cs {
namespace {

TEST(MaskPiiTextTest, MobilesInEveryCommonSpelling) {
  EXPECT_EQ(MaskPiiText("客户电话13812345678，请回电"),
            "客户电话138****5678，请回电");
  EXPECT_EQ(MaskPiiText("手机 138 1234 5678。"), "手机 138****5678。");
  EXPECT_EQ(MaskPiiText("手机：138-1234-5678"), "手机：138****5678");
  // The country prefix stays visible (how to dial), in one spelling.
  EXPECT_EQ(MaskPiiText("+86 139 0000 1111 联系"), "+86 139****1111 联系");
  EXPECT_EQ(MaskPiiText("+8613900001111"), "+86 139****1111");
  EXPECT_EQ(MaskPiiText("008615912345678"), "+86 159****5678");
  // Separators people type: the ideographic space, dots, long dashes.
  EXPECT_EQ(MaskPiiText("手机139　1234　5678，"), "手机139****5678，");
  EXPECT_EQ(MaskPiiText("手机139.1234.5678"), "手机139****5678");
  EXPECT_EQ(MaskPiiText("手机139—1234—5678"), "手机139****5678");
  EXPECT_EQ(MaskPiiText("１３９．１２３４．５６７８"), "139****5678");
  // Two numbers separated by a space are two values.
  EXPECT_EQ(MaskPiiText("13812345678 13987654321"), "138****5678 139****4321");
  // 12x is no mainland mobile prefix.
  EXPECT_EQ(MaskPiiText("编号12012345678"), "编号12012345678");
}

TEST(MaskPiiTextTest, Landlines) {
  EXPECT_EQ(MaskPiiText("座机010-12345678转人工"), "座机010-****5678转人工");
  EXPECT_EQ(MaskPiiText("门店电话 0755-8765432"), "门店电话 0755-****5432");
  EXPECT_EQ(MaskPiiText("电话02112345678"), "电话021-****5678");
  // Area code and local number separated by spaces, as people write them.
  EXPECT_EQ(MaskPiiText("总机 021 6666 8888 转 2"), "总机 021-****8888 转 2");
  EXPECT_EQ(MaskPiiText("门店 0755 8765432"), "门店 0755-****5432");
  // The local number itself split by a dash or a dot.
  EXPECT_EQ(MaskPiiText("座机0755-8765-4321，"), "座机0755-****4321，");
  EXPECT_EQ(MaskPiiText("上海021-6123-4567"), "上海021-****4567");
  EXPECT_EQ(MaskPiiText("021.6123.4567"), "021-****4567");
  // Dialled from abroad: +86, the area code without its 0.
  EXPECT_EQ(MaskPiiText("北京 +86 10 1234 5678 转"),
            "北京 +86 010-****5678 转");
  EXPECT_EQ(MaskPiiText("+86-755-87654321"), "+86 0755-****4321");
  EXPECT_EQ(MaskPiiText("+86 10 12"), "+86 10 12");
  // The area code in parentheses, ASCII or full-width, maybe an extension.
  EXPECT_EQ(MaskPiiText("电话(010)12345678"), "电话010-****5678");
  EXPECT_EQ(MaskPiiText("门店（0755）8765-4321。"), "门店0755-****4321。");
  EXPECT_EQ(MaskPiiText("总机 (021) 6666 8888-802 转"), "总机 021-****8888 转");
  EXPECT_EQ(MaskPiiText("(0755)87654321"), "0755-****4321");
  // Parentheses around other numbers are left alone.
  EXPECT_EQ(MaskPiiText("(001)12345678"), "(001)12345678");
  EXPECT_EQ(MaskPiiText("(010)123"), "(010)123");
  EXPECT_EQ(MaskPiiText("(010)12345678a"), "(010)12345678a");
  EXPECT_EQ(MaskPiiText("第(2)次"), "第(2)次");
  // A short run after a space is no local number.
  EXPECT_EQ(MaskPiiText("第 021 期 123 号"), "第 021 期 123 号");
}

TEST(MaskPiiTextTest, IdCardsWithAndWithoutX) {
  EXPECT_EQ(MaskPiiText("身份证11010519491231002X已核验"),
            "身份证110***********002X已核验");
  EXPECT_EQ(MaskPiiText("身份证号 11010519491231002x"),
            "身份证号 110***********002X");
  EXPECT_EQ(MaskPiiText("证件440301199001011234"), "证件440***********1234");
  // The 15-digit numbers issued before 1999 (birth date YYMMDD).
  EXPECT_EQ(MaskPiiText("旧身份证110105491231002"), "旧身份证110********1002");
  EXPECT_EQ(MaskPiiText("编号110105491331002"), "编号110105491331002");
}

TEST(MaskPiiTextTest, BankCards) {
  EXPECT_EQ(MaskPiiText("退款到卡 6222 0212 3456 7890 128 即可"),
            "退款到卡 ****0128 即可");
  EXPECT_EQ(MaskPiiText("卡号6222021234567890"), "卡号****7890");
  EXPECT_EQ(MaskPiiText("卡号6222-0212-3456-7890"), "卡号****7890");
}

TEST(MaskPiiTextTest, Emails) {
  EXPECT_EQ(MaskPiiText("发到 li.na@example.com 谢谢"),
            "发到 l***@example.com 谢谢");
  EXPECT_EQ(MaskPiiText("邮箱13812345678@qq.com。"), "邮箱1***@qq.com。");
  // No domain with a TLD: not an address.
  EXPECT_EQ(MaskPiiText("@客服 请处理"), "@客服 请处理");
  EXPECT_EQ(MaskPiiText("a@b"), "a@b");
  // Internationalised domains; prose goes on after the address.
  EXPECT_EQ(MaskPiiText("邮箱li@例子.中国谢谢"), "邮箱l***@例子.中国谢谢");
  EXPECT_EQ(MaskPiiText("发到 wang@客服.公司 或 li@qq.com谢谢你a.b"),
            "发到 w***@客服.公司 或 l***@qq.com谢谢你a.b");
  EXPECT_EQ(MaskPiiText("见li@mail.example.co.uk，谢谢"),
            "见l***@mail.example.co.uk，谢谢");
  EXPECT_EQ(MaskPiiText("li@例子.未知"), "li@例子.未知");
  // A local part in Chinese, back to a space or punctuation.
  EXPECT_EQ(MaskPiiText("邮箱：张三@例子.中国，"), "邮箱：张***@例子.中国，");
  EXPECT_EQ(MaskPiiText("邮箱li@qq.com"), "邮箱l***@qq.com");
  // A quoted local part.
  EXPECT_EQ(MaskPiiText("邮箱 \"zhang san\"@example.com 收"),
            "邮箱 z***@example.com 收");
  EXPECT_EQ(MaskPiiText("他说\"好\"@张三"), "他说\"好\"@张三");
}

TEST(MaskPiiTextTest, EmailsWrittenAroundSpamFilters) {
  // The ideographic full stop of Chinese input methods for the dot.
  EXPECT_EQ(MaskPiiText("邮箱li@example。com，谢谢"),
            "邮箱l***@example.com，谢谢");
  EXPECT_EQ(MaskPiiText("li@mail。example。cn"), "l***@mail.example.cn");
  // ... but a sentence's full stop after an address is no dot.
  EXPECT_EQ(MaskPiiText("邮箱是li@qq.com。谢谢"), "邮箱是l***@qq.com。谢谢");
  EXPECT_EQ(MaskPiiText("发到li@qq。谢谢"), "发到li@qq。谢谢");
  // Spaces around '@', "(at)" and "[at]" in any case, full-width too.
  EXPECT_EQ(MaskPiiText("邮箱 li @ example.com 收"),
            "邮箱 l***@example.com 收");
  EXPECT_EQ(MaskPiiText("li(at)example.com"), "l***@example.com");
  EXPECT_EQ(MaskPiiText("写信到 li.na[AT]example.com"),
            "写信到 l***@example.com");
  EXPECT_EQ(MaskPiiText("li（at）example.com"), "l***@example.com");
  // A space on one side only, spaces inside the brackets, a Chinese or
  // quoted local part.
  for (const char* text :
       {"li @example.com", "li@ example.com", "li＠ example.com",
        "li (at) example.com", "li(at) example.com", "li (AT)example.com",
        "li [ at ] example.com"}) {
    EXPECT_EQ(MaskPiiText(text), "l***@example.com") << text;
  }
  EXPECT_EQ(MaskPiiText("王五(at)example.com"), "王***@example.com");
  EXPECT_EQ(MaskPiiText("邮箱 张三 @ 例子.中国"), "邮箱 张***@例子.中国");
  EXPECT_EQ(MaskPiiText("\"zhang san\"(at)example.com"), "z***@example.com");
  // Not an address: no local part, no top-level domain, a lone "at".
  EXPECT_EQ(MaskPiiText("价格 @ 10 元"), "价格 @ 10 元");
  EXPECT_EQ(MaskPiiText("(at) example.com"), "(at) example.com");
  EXPECT_EQ(MaskPiiText("meet me at example.com"), "meet me at example.com");
}

TEST(MaskPiiTextTest, PhoneLabelsGluedToTheNumber) {
  EXPECT_EQ(MaskPiiText("tel13912345678"), "tel139****5678");
  EXPECT_EQ(MaskPiiText("联系Mobile13912345678"), "联系Mobile139****5678");
  EXPECT_EQ(MaskPiiText("PHONE 13912345678 / cell13812345678"),
            "PHONE 139****5678 / cell138****5678");
  // A serial number, or a label inside a longer word, is not a label.
  EXPECT_EQ(MaskPiiText("型号 SN13812345678"), "型号 SN13812345678");
  EXPECT_EQ(MaskPiiText("hotel13912345678"), "hotel13912345678");
  EXPECT_EQ(MaskPiiText("x9tel13912345678"), "x9tel13912345678");
}

TEST(MaskPiiTextTest, OrderNumbersStayReadable) {
  EXPECT_EQ(MaskPiiText("订单号：2024051812345678901 未发货"),
            "订单号：2024051812345678901 未发货");
  EXPECT_EQ(MaskPiiText("运单号 SF1234567890123"), "运单号 SF1234567890123");
  EXPECT_EQ(MaskPiiText("快递单号为 6222021234567890"),
            "快递单号为 6222021234567890");
  EXPECT_EQ(MaskPiiText("Order No. 13812345678"), "Order No. 13812345678");
  // The keyword protects only the number right after it, also when a
  // space is all that separates the next one.
  EXPECT_EQ(MaskPiiText("订单号：2024051812345678901 13912345678"),
            "订单号：2024051812345678901 139****5678");
  EXPECT_EQ(MaskPiiText("订单号 20240518-13912345678"),
            "订单号 20240518-139****5678");
  EXPECT_EQ(MaskPiiText("订单号 2024051812345678901，电话13812345678"),
            "订单号 2024051812345678901，电话138****5678");
  // An ID card after an order keyword is still an ID card (its check
  // character is right); an 18-digit order number rarely is.
  EXPECT_EQ(MaskPiiText("Order ID: 11010519491231002X"),
            "Order ID: 110***********002X");
  EXPECT_EQ(MaskPiiText("订单号440301199001011234"),
            "订单号440***********1234");
  EXPECT_EQ(MaskPiiText("订单号440301199001011235"),
            "订单号440301199001011235");
  // "reorder" is not "order".
  EXPECT_EQ(MaskPiiText("reorder 13812345678"), "reorder 138****5678");
}

TEST(MaskPiiTextTest, NoFalsePositives) {
  for (const char* text :
       {"金额 199.00 元，共 3 件", "2024-05-18 14:30 到货",
        "型号 SN13812345678", "13812345678abc", "退款 500 元", "",
        "普通描述，没有号码", "1234567890", "日期20240518"}) {
    EXPECT_EQ(MaskPiiText(text), text) << text;
  }
}

TEST(MaskPiiTextTest, ManyValuesAndInvalidBytes) {
  EXPECT_EQ(MaskPiiText("张先生 13812345678，身份证 11010519491231002X，"
                        "卡 6222021234567890128，邮箱 zs@corp.cn"),
            "张先生 138****5678，身份证 110***********002X，"
            "卡 ****0128，邮箱 z***@corp.cn");
  const std::string bad = std::string("\xff\xfe 13812345678 \xc3");
  EXPECT_EQ(MaskPiiText(bad), std::string("\xff\xfe 138****5678 \xc3"));
}

TEST(MaskEmailTest, Forms) {
  EXPECT_EQ(MaskEmail("zhangsan@example.com"), "z***@example.com");
  EXPECT_EQ(MaskEmail("\"zhang san\"@example.com"), "z***@example.com");
  EXPECT_EQ(MaskEmail("@example.com"), "****");
  EXPECT_EQ(MaskEmail("nobody"), "****");
  EXPECT_EQ(MaskEmail(""), "");
}

TEST(MaskPiiTextTest, FullWidthDigitsAsInputMethodsWriteThem) {
  EXPECT_EQ(MaskPiiText("电话：１３９１２３４５６７８，谢谢"),
            "电话：139****5678，谢谢");
  EXPECT_EQ(MaskPiiText("C:００８６13912345678"),
            MaskPiiText("C:008613912345678"));
  EXPECT_EQ(MaskPiiText("＋８６ １３９１２３４５６７８"),
            MaskPiiText("+86 13912345678"));
  EXPECT_EQ(MaskPiiText("身份证１１０１０５１９４９１２３１００２Ｘ"),
            "身份证110***********002X");
  EXPECT_EQ(MaskPiiText("邮箱 ｌｉ．ｎａ＠ｅｘａｍｐｌｅ．ｃｏｍ 收"),
            "邮箱 l***@example.com 收");
  // Full-width text without a value is left exactly as written.
  EXPECT_EQ(MaskPiiText("第３次来电（ＶＩＰ）"), "第３次来电（ＶＩＰ）");
  EXPECT_EQ(MaskPiiText("订单号：２０２４０５１８１２３４５６７８９０１"),
            "订单号：２０２４０５１８１２３４５６７８９０１");
  EXPECT_TRUE(ContainsPiiText("１３９１２３４５６７８"));
  EXPECT_FALSE(ContainsPiiText("第３次来电"));
}

TEST(MaskPiiTextTest, ZeroWidthCharactersDoNotHideANumber) {
  // U+200B between the groups, as pasted text carries it.
  EXPECT_EQ(MaskPiiText("回电139\u200B1234\u200B5678"), "回电139****5678");
  EXPECT_EQ(MaskPiiText("卡号6222\u200D0202\u200D0000\u200D1234567"),
            "卡号****4567");
  EXPECT_TRUE(ContainsPiiText("139\uFEFF12345678"));
  // Alone, they change nothing.
  EXPECT_EQ(MaskPiiText("第\u200B3\u200B次"), "第\u200B3\u200B次");
}

TEST(ContainsPiiTextTest, TrueExactlyWhenMaskingChangesTheText) {
  EXPECT_TRUE(ContainsPiiText("请回电13812345678"));
  EXPECT_TRUE(ContainsPiiText("邮箱 li.na@example.com"));
  EXPECT_TRUE(ContainsPiiText("身份证11010519491231002X"));
  EXPECT_FALSE(ContainsPiiText("地下车库无信号，通话中断"));
  EXPECT_FALSE(ContainsPiiText("订单号：2024051812345678901"));
  EXPECT_FALSE(ContainsPiiText("SN13812345678 重启 3 次"));
  EXPECT_FALSE(ContainsPiiText(""));
  // Written without a digit or an '@'.
  EXPECT_TRUE(ContainsPiiText("li(at)example.com"));
  EXPECT_TRUE(ContainsPiiText("li［ＡＴ］example.com"));
  EXPECT_FALSE(ContainsPiiText("（已处理）[备注]"));
}

TEST(RestoreMaskedPiiTest, MaskedValuesKeptInAnEditGetTheirClearValuesBack) {
  const std::string original = "客户电话13812345678，邮箱 li.na@example.com";
  EXPECT_EQ(RestoreMaskedPii(
                original, "已回电138****5678，未接通；邮箱 l***@example.com"),
            "已回电13812345678，未接通；邮箱 li.na@example.com");
  // Sent back exactly as shown: the original, byte for byte.
  EXPECT_EQ(RestoreMaskedPii(original, MaskPiiText(original)), original);
  // Moved around and repeated.
  EXPECT_EQ(RestoreMaskedPii(original,
                             "l***@example.com / 138****5678 / "
                             "138****5678"),
            "li.na@example.com / 13812345678 / 13812345678");
  // A value the writer deleted stays deleted.
  EXPECT_EQ(RestoreMaskedPii(original, "客户要求不再来电"), "客户要求不再来电");
  // An address written around spam filters comes back as it was written.
  EXPECT_EQ(
      RestoreMaskedPii("邮箱 li(at)example。com", "已发邮件到l***@example.com"),
      "已发邮件到li(at)example。com");
}

TEST(RestoreMaskedPiiTest, OnlyTheOriginalsValuesAreRestored) {
  // A number typed in the clear is kept as typed; a masked form that
  // matches no value of the original stays masked.
  EXPECT_EQ(RestoreMaskedPii("请回电13812345678", "改回电13900001111"),
            "改回电13900001111");
  EXPECT_EQ(RestoreMaskedPii("请回电13812345678", "请回电139****1111"),
            "请回电139****1111");
  EXPECT_EQ(RestoreMaskedPii("无号码", "仍无号码"), "仍无号码");
  EXPECT_EQ(RestoreMaskedPii("", "新内容 138****5678"), "新内容 138****5678");
}

TEST(RestoreMaskedPiiTest, NeverPutsBackAValueTheWriterWouldSeeInClear) {
  // Moved where masking leaves numbers alone, a masked form stays masked;
  // in the same text, one left in a masked place is restored.
  const std::string original =
      "客户电话13912345678，身份证11010519491231002X，银行卡6222020200001234562，"
      "邮箱 lisi@example.com，备用 +86 139 8765 4321";
  const std::string attack =
      "订单号139****5678 SN139****5678 x9139****56780 SN110***********002X "
      "单号****4562 order l***@example.com 订单139****4321 回电139****5678";
  const std::string restored = RestoreMaskedPii(original, attack);
  EXPECT_EQ(MaskPiiText(restored), MaskPiiText(attack));
  for (const char* clear : {"13912345678 ", "11010519491231002X",
                            "6222020200001234562", "8765 4321"}) {
    EXPECT_EQ(restored.find(clear), std::string::npos) << clear;
  }
  EXPECT_TRUE(absl::EndsWith(restored, "回电13912345678")) << restored;
}

TEST(RestoreMaskedPiiTest, AtMost64ValuesAreRestored) {
  std::string edited;
  for (int i = 0; i < 70; ++i) edited += "回电138****5678；";
  const std::string restored = RestoreMaskedPii("请回电13812345678", edited);
  size_t clear = 0;
  for (size_t at = restored.find("13812345678"); at != std::string::npos;
       at = restored.find("13812345678", at + 1)) {
    ++clear;
  }
  EXPECT_EQ(clear, 64u);
}

TEST(RestoreMaskedPiiTest, SameMaskedFormStandsForEachValueInTurn) {
  // Two numbers that mask alike get their own clear values back, in order.
  const std::string original = "主叫13812345678，备用13899995678";
  ASSERT_EQ(MaskPiiText(original), "主叫138****5678，备用138****5678");
  EXPECT_EQ(RestoreMaskedPii(original,
                             "主叫138****5678（已停机），"
                             "备用138****5678"),
            "主叫13812345678（已停机），备用13899995678");
}

TEST(RestoreMaskedPiiTest, FullWidthOriginalsComeBackAsWritten) {
  const std::string original = "电话１３８１２３４５６７８";
  EXPECT_EQ(RestoreMaskedPii(original, "已联系 138****5678"),
            "已联系 １３８１２３４５６７８");
}

}  // namespace
}  // namespace cs
