#include "libs/common/files.h"

#include "gtest/gtest.h"
#include "libs/testing/temp_dir.h"

namespace cs {
namespace {

TEST(FilesTest, AtomicWriteThenRead) {
  testing::TempDir dir;
  std::string path = dir.Sub("key");
  ASSERT_TRUE(WriteFileAtomically(path, "密钥 secret\n").ok());
  auto read = ReadFileToString(path);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, "密钥 secret\n");
}

TEST(FilesTest, MissingFileIsNotFoundNamingPath) {
  auto read = ReadFileToString("/nonexistent/cs/key");
  EXPECT_TRUE(absl::IsNotFound(read.status()));
  EXPECT_NE(read.status().message().find("/nonexistent/cs/key"),
            absl::string_view::npos);
}

}  // namespace
}  // namespace cs
