#include "libs/server/request_check.h"

#include <string>

#include "google/protobuf/api.pb.h"
#include "google/protobuf/field_mask.pb.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"

namespace cs {
namespace {

// A length-delimited field on the wire: tag, length, bytes.
std::string Field(int number, const std::string& value) {
  return std::string(1, static_cast<char>(number << 3 | 2)) +
         std::string(1, static_cast<char>(value.size())) + value;
}

std::string FieldOf(const absl::Status& status) {
  auto violations = FieldViolationsOf(status);
  return violations.empty() ? "<none>" : violations[0].field;
}

TEST(RequestCheckTest, AcceptsWhatProtobufParses) {
  google::protobuf::Api api;
  api.set_name("工单服务");
  api.add_methods()->set_name("创建工单");
  EXPECT_TRUE(
      CheckRequestBytes(api.SerializeAsString(), *api.GetDescriptor()).ok());
  EXPECT_TRUE(CheckRequestBytes("", *api.GetDescriptor()).ok());
}

TEST(RequestCheckTest, NamesTheStringFieldWithInvalidUtf8) {
  const auto& mask = *google::protobuf::FieldMask::descriptor();
  absl::Status top = CheckRequestBytes(
      Field(1, "subject") + Field(1, "主\xff"), mask);
  EXPECT_TRUE(absl::IsInvalidArgument(top));
  EXPECT_EQ(FieldOf(top), "paths[1]");

  const auto& api = *google::protobuf::Api::descriptor();
  // methods[0].name (Method.name is field 1, Api.methods field 2).
  absl::Status nested = CheckRequestBytes(
      Field(1, "api") + Field(2, Field(1, "\xc3")), api);
  EXPECT_EQ(FieldOf(nested), "methods[0].name");
}

TEST(RequestCheckTest, MalformedBytesAreInvalidArgumentWithoutField) {
  const auto& api = *google::protobuf::Api::descriptor();
  for (const std::string& bytes :
       {std::string("\x0a\x05" "ab", 4), std::string("\xff\xff\xff", 3),
        std::string("\x00", 1), std::string("\x0c", 1),
        std::string("\x02\x00", 2)}) {  // field 0 (found by fuzzing)
    absl::Status status = CheckRequestBytes(bytes, api);
    EXPECT_TRUE(absl::IsInvalidArgument(status)) << status;
    EXPECT_EQ(FieldOf(status), "<none>");
  }
}

}  // namespace
}  // namespace cs
