#include "libs/common/config_lines.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace cs {
namespace {

std::vector<std::string> Render(absl::string_view text) {
  std::vector<std::string> out;
  for (const ConfigLine& line : ConfigLines(text)) {
    out.push_back(std::to_string(line.number) + ":" + std::string(line.text));
  }
  return out;
}

TEST(ConfigLinesTest, SkipsCommentsBlanksAndWhitespace) {
  EXPECT_EQ(
      Render("# 部门\n客服部  # 一线\r\n\n\t技术支持部\t\n   \n#\n产品部"),
      (std::vector<std::string>{"2:客服部", "4:技术支持部", "7:产品部"}));
  EXPECT_TRUE(ConfigLines("").empty());
  EXPECT_TRUE(ConfigLines("# only\n\n").empty());
}

TEST(ConfigLinesTest, ByteOrderMarkOfTheFirstLineIsDropped) {
  EXPECT_EQ(Render("\xEF\xBB\xBF客服部\n\xEF\xBB\xBF产品部"),
            (std::vector<std::string>{"1:客服部", "2:\xEF\xBB\xBF产品部"}));
}

}  // namespace
}  // namespace cs
