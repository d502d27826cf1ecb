#include "libs/common/proto_wire.h"

#include <string>
#include <vector>

#include "cs/common/v1/audit.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cs::proto_wire {
namespace {

using ::testing::ElementsAre;
using Record = common::v1::AuditRecord;

Record SampleRecord() {
  Record record;
  record.set_name("auditRecords/01J");
  record.set_actor("客服甲");
  record.add_actor_roles("agent");
  record.add_actor_roles("质检员");
  record.set_action(common::v1::AUDIT_ACTION_READ_CONTACT);
  record.mutable_time()->set_seconds(1700000000);
  record.add_resources("customers/张三");
  record.set_detail("说明：全角标点，😀");
  return record;
}

TEST(ProtoWireTest, VisitsEachTopLevelFieldInWireOrder) {
  const std::string wire = SampleRecord().SerializeAsString();
  std::vector<int> numbers;
  std::vector<std::string> strings;
  std::string whole;
  ASSERT_TRUE(ForEachField(wire, [&](const Field& field) {
                numbers.push_back(field.number);
                if (field.length_delimited) {
                  strings.emplace_back(field.payload);
                }
                whole.append(field.whole.data(), field.whole.size());
              }).ok());
  EXPECT_THAT(numbers, ElementsAre(1, 3, 4, 4, 6, 7, 10, 11));
  Record time_only;
  time_only.mutable_time()->set_seconds(1700000000);
  // The submessage's payload is its own serialization, not looked into.
  const std::string time_bytes = time_only.time().SerializeAsString();
  EXPECT_THAT(strings,
              ElementsAre("auditRecords/01J", "客服甲", "agent", "质检员",
                          "customers/张三", time_bytes, "说明：全角标点，😀"));
  EXPECT_EQ(whole, wire);  // the pieces tile the message exactly
}

TEST(ProtoWireTest, VarintFieldsCarryTheirValue) {
  Record record = SampleRecord();
  record.set_action(static_cast<common::v1::AuditAction>(300));  // 2 bytes
  std::vector<uint64_t> values;
  ASSERT_TRUE(ForEachField(record.SerializeAsString(), [&](const Field& f) {
                EXPECT_EQ(f.is_varint, !f.length_delimited) << f.number;
                if (f.is_varint) {
                  values.push_back(f.varint);
                } else {
                  EXPECT_EQ(f.varint, 0u);
                }
              }).ok());
  EXPECT_THAT(values, ElementsAre(300u));
}

TEST(ProtoWireTest, AppendedFieldsParseAsProtobufSerializesThem) {
  Record record = SampleRecord();
  std::string wire;
  AppendLengthDelimited(Record::kNameFieldNumber, record.name(), &wire);
  AppendLengthDelimited(Record::kTimeFieldNumber,
                        record.time().SerializeAsString(), &wire);
  // Long enough for a two-byte length.
  const std::string long_detail(300, 'x');
  AppendLengthDelimited(Record::kDetailFieldNumber, long_detail + "。", &wire);
  Record expected;
  expected.set_name(record.name());
  *expected.mutable_time() = record.time();
  expected.set_detail(long_detail + "。");
  EXPECT_EQ(wire, expected.SerializeAsString());
}

TEST(ProtoWireTest, WithoutFieldsEqualsTheMessageWithThoseFieldsCleared) {
  const Record record = SampleRecord();
  absl::StatusOr<std::string> trimmed =
      WithoutFields(record.SerializeAsString(),
                    {Record::kActorRolesFieldNumber, Record::kTimeFieldNumber});
  ASSERT_TRUE(trimmed.ok()) << trimmed.status();
  Record cleared = record;
  cleared.clear_actor_roles();
  cleared.clear_time();
  EXPECT_EQ(*trimmed, cleared.SerializeAsString());

  absl::StatusOr<std::string> untouched =
      WithoutFields(record.SerializeAsString(), {Record::kReasonFieldNumber});
  ASSERT_TRUE(untouched.ok());
  EXPECT_EQ(*untouched, record.SerializeAsString());
}

TEST(ProtoWireTest, EmptyMessageHasNoFields) {
  int visited = 0;
  EXPECT_TRUE(ForEachField("", [&](const Field&) { ++visited; }).ok());
  EXPECT_EQ(visited, 0);
  EXPECT_EQ(*WithoutFields("", {1}), "");
}

TEST(ProtoWireTest, MalformedBytesAreDataLoss) {
  const std::string wire = SampleRecord().SerializeAsString();
  const std::vector<std::string> malformed = {
      wire.substr(0, wire.size() - 1),  // truncated inside a field
      std::string("\x00", 1) + wire,    // field number 0
      wire + "\x0f",                    // wire type 7
      "\x0a\x7f" + wire.substr(0, 10),  // length past the end
      "\x0a\xff\xff\xff\xff\xff\xff",   // length varint never ends
      "\x0c",                           // end-group with no group
  };
  for (const std::string& bytes : malformed) {
    EXPECT_EQ(ForEachField(bytes, [](const Field&) {}).code(),
              absl::StatusCode::kDataLoss)
        << testing::PrintToString(bytes);
    EXPECT_EQ(WithoutFields(bytes, {1}).status().code(),
              absl::StatusCode::kDataLoss);
  }
}

}  // namespace
}  // namespace cs::proto_wire
