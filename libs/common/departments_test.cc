#include "libs/common/departments.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"
#include "libs/common/files.h"

namespace cs {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(DepartmentDirectoryTest, OpenDirectoryAcceptsAnyName) {
  DepartmentDirectory open;
  EXPECT_FALSE(open.restricted());
  EXPECT_TRUE(open.Contains("火星部"));
  EXPECT_TRUE(open.Check("department", "火星部").ok());
}

TEST(DepartmentDirectoryTest, ParsesNamesCommentsAndBlankLines) {
  absl::StatusOr<DepartmentDirectory> d = DepartmentDirectory::Parse(
      "# 部门目录\n客服部   # 一线\n\n  技术支持部\r\n产品部\n");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_TRUE(d->restricted());
  EXPECT_THAT(d->names(), ElementsAre("客服部", "技术支持部", "产品部"));
  EXPECT_TRUE(d->Contains("技术支持部"));
  EXPECT_FALSE(d->Contains("技术支持"));
  EXPECT_FALSE(d->Contains(" 客服部"));
}

TEST(DepartmentDirectoryTest, CheckNamesTheFieldAndTheKnownDepartments) {
  DepartmentDirectory d = *DepartmentDirectory::Parse("客服部\n产品部\n");
  EXPECT_TRUE(d.Check("department", "").ok());
  EXPECT_TRUE(d.Check("department", "产品部").ok());

  absl::Status status = d.Check("agent.department", "火星部");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("agent.department"));
  EXPECT_THAT(status.message(), HasSubstr("\"火星部\""));
  EXPECT_THAT(status.message(), HasSubstr("客服部, 产品部"));
  ASSERT_EQ(FieldViolationsOf(status).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(status)[0].field, "agent.department");
  EXPECT_EQ(ErrorReasonOf(status), "UNKNOWN_DEPARTMENT");

  absl::Status bad_bytes = d.Check("department", "客\xff部");
  EXPECT_EQ(bad_bytes.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_bytes.message(), HasSubstr("UTF-8"));
  // Never echoed: control characters and names too long to be one.
  EXPECT_EQ(d.Check("department", "客服部\n").message(),
            "department: must be one line without control characters");
  std::string long_name;
  for (int i = 0; i < 500; ++i) long_name += "部";
  EXPECT_EQ(d.Check("department", long_name).message(),
            "department: must be at most 64 characters");
}

TEST(DepartmentDirectoryTest, LongListIsCountedNotListed) {
  std::string text;
  for (int i = 0; i < 20; ++i) text += "部门" + std::to_string(i) + "\n";
  absl::Status status =
      DepartmentDirectory::Parse(text)->Check("department", "火星部");
  EXPECT_THAT(status.message(), HasSubstr("20 are known"));
  EXPECT_THAT(status.message(), testing::Not(HasSubstr("部门7")));
}

TEST(DepartmentDirectoryTest, RefusesBadFilesNamingTheLine) {
  EXPECT_THAT(
      DepartmentDirectory::Parse("客服部\n产品部\n客服部\n").status().message(),
      HasSubstr("line 3: \"客服部\" is listed twice"));
  EXPECT_THAT(
      DepartmentDirectory::Parse("客服部\n\xe5\xae\n").status().message(),
      HasSubstr("line 2: not valid UTF-8"));
  EXPECT_THAT(DepartmentDirectory::Parse("客服\x01部\n").status().message(),
              HasSubstr("line 1: holds a control character"));
  EXPECT_THAT(
      DepartmentDirectory::Parse(std::string(65, 'x')).status().message(),
      HasSubstr("longer than 64"));
  EXPECT_THAT(DepartmentDirectory::Parse("# nothing\n\n").status().message(),
              HasSubstr("names no department"));
  EXPECT_THAT(DepartmentDirectory::Parse("客服部\n物流部\xE3\x80\x80\n")
                  .status()
                  .message(),
              HasSubstr("line 2: \"物流部\xE3\x80\x80\" begins or ends with an "
                        "ideographic space"));
  // A byte-order mark is no part of the first name.
  EXPECT_TRUE(
      DepartmentDirectory::Parse("\xEF\xBB\xBF客服部\n")->Contains("客服部"));
}

TEST(DepartmentDirectoryTest, LoadsAFileAndNamesItInErrors) {
  std::string path = ::testing::TempDir() + "/departments.conf";
  ASSERT_TRUE(WriteFileAtomically(path, "客服部\n物流部\n").ok());
  absl::StatusOr<DepartmentDirectory> d = LoadDepartmentsFile(path);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_THAT(d->names(), ElementsAre("客服部", "物流部"));

  ASSERT_TRUE(WriteFileAtomically(path, "客服部\n客服部\n").ok());
  EXPECT_THAT(LoadDepartmentsFile(path).status().message(),
              HasSubstr(path + ": line 2"));
  EXPECT_EQ(LoadDepartmentsFile(path + ".missing").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace cs
