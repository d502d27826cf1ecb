// The trail against a real RocksDB: ids in write order, newest-first pages
// that continue by token, filters, upgrades of older stored formats.
#include "libs/audit/audit_log.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"
#include "libs/common/time_proto.h"
#include "libs/testing/temp_dir.h"

namespace cs {
namespace {

using common::v1::AUDIT_ACTION_READ_COMPLAINT_CLEAR;
using common::v1::AUDIT_ACTION_REVEAL_PII;
using common::v1::PII_FIELD_ID_CARD;
using ::testing::ElementsAre;

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

absl::Status AnyResource(absl::string_view) { return absl::OkStatus(); }

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override { Open({"test-audit", AnyResource, nullptr}); }

  void Open(AuditLogOptions options) {
    log_.reset();
    store_.reset();
    auto store =
        Store::Open({.path = dir_.Sub("db"), .column_families = {"audit"}});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    family_ = *store_->Family("audit");
    log_ = std::make_unique<AuditLog>(*store_, family_, std::move(options));
  }

  std::string Read(const std::string& actor, const std::string& complaint,
                   absl::Time t) {
    absl::StatusOr<std::string> name = log_->Commit(
        MakeAuditRecord({actor, {"complaint_officer"}, "物流部"},
                        AUDIT_ACTION_READ_COMPLAINT_CLEAR, {complaint}, "", t));
    EXPECT_TRUE(name.ok()) << name.status();
    return name.value_or("");
  }

  static std::vector<std::string> Names(const ListAuditRecordsResponse& r) {
    std::vector<std::string> out;
    for (const AuditRecord& a : r.audit_records()) out.push_back(a.name());
    return out;
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  ColumnFamily family_;
  std::unique_ptr<AuditLog> log_;
};

TEST_F(AuditLogTest, ListsNewestFirstAcrossPagesEvenWithinOneMillisecond) {
  const std::string a = Read("投诉专员-1", "complaints/甲", kT0);
  const std::string b = Read("投诉专员-1", "complaints/乙", kT0);
  const std::string c = Read("投诉专员-2", "complaints/丙", kT0);
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  ListAuditRecordsRequest req;
  req.set_page_size(2);
  absl::StatusOr<ListAuditRecordsResponse> page = log_->List(req, 100);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(Names(*page), ElementsAre(c, b));
  ASSERT_FALSE(page->next_page_token().empty());
  req.set_page_token(page->next_page_token());
  page = log_->List(req, 100);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(Names(*page), ElementsAre(a));
  EXPECT_TRUE(page->next_page_token().empty());
}

TEST_F(AuditLogTest, IdsStayAboveStoredOnesAfterReopenAndClockStepBack) {
  const std::string a = Read("投诉专员-1", "complaints/甲", kT0);
  Open({"test-audit", AnyResource, nullptr});
  const std::string b =
      Read("投诉专员-1", "complaints/甲", kT0 - absl::Hours(1));
  EXPECT_LT(a, b);
}

TEST_F(AuditLogTest, FiltersAndKeepsPagingPastNonMatchingRecords) {
  Read("投诉专员-1", "complaints/甲", kT0);
  const std::string want = Read("投诉专员-2", "complaints/乙", kT0);
  Read("投诉专员-1", "complaints/丙", kT0 + absl::Seconds(1));
  ListAuditRecordsRequest req;
  req.set_actor("投诉专员-2");
  // A scan budget of one record per call: the empty first page continues.
  absl::StatusOr<ListAuditRecordsResponse> page = log_->List(req, 1);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_TRUE(page->audit_records().empty());
  req.set_page_token(page->next_page_token());
  page = log_->List(req, 1);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(Names(*page), ElementsAre(want));
}

TEST_F(AuditLogTest, TokenOfAnotherFilterOrBadRequestIsRefused) {
  for (int i = 0; i < 3; ++i) Read("投诉专员-1", "complaints/甲", kT0);
  ListAuditRecordsRequest req;
  req.set_page_size(1);
  absl::StatusOr<ListAuditRecordsResponse> page = log_->List(req, 100);
  ASSERT_TRUE(page.ok()) << page.status();
  req.set_page_token(page->next_page_token());
  req.set_actor("投诉专员-2");
  EXPECT_EQ(log_->List(req, 100).status().code(),
            absl::StatusCode::kInvalidArgument);
  ListAuditRecordsRequest bad;
  bad.set_page_size(-1);
  EXPECT_EQ(log_->List(bad, 100).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(AuditLogTest, ResourceFilterIsCheckedByTheService) {
  Open({"test-audit",
        [](absl::string_view r) {
          return r == "complaints/甲" ? absl::OkStatus()
                                      : InvalidField("resource", "未知");
        },
        nullptr});
  ListAuditRecordsRequest req;
  req.set_resource("tickets/1");
  EXPECT_EQ(log_->List(req, 100).status().code(),
            absl::StatusCode::kInvalidArgument);
  req.set_resource("complaints/甲");
  EXPECT_TRUE(log_->List(req, 100).ok());
}

TEST_F(AuditLogTest, StagedRecordLandsWithTheCallersBatchOnly) {
  WriteSet writes;
  absl::StatusOr<std::string> name =
      log_->Stage(writes, MakeAuditRecord({"主管-1", {}, ""},
                                          AUDIT_ACTION_READ_COMPLAINT_CLEAR,
                                          {"complaints/甲"}, "", kT0));
  ASSERT_TRUE(name.ok()) << name.status();
  EXPECT_TRUE(log_->List({}, 100)->audit_records().empty());
  ASSERT_TRUE(store_->Commit(writes).ok());
  EXPECT_THAT(Names(*log_->List({}, 100)), ElementsAre(*name));
}

TEST_F(AuditLogTest, UpgradeRewritesEveryRecordReadBeforeFiltering) {
  Read("投诉专员-1", "complaints/甲", kT0);
  Open({"test-audit", AnyResource,
        [](AuditRecord& r) { r.set_actor_department("客服部"); }});
  ListAuditRecordsRequest req;
  absl::StatusOr<ListAuditRecordsResponse> page = log_->List(req, 100);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->audit_records_size(), 1);
  EXPECT_EQ(page->audit_records(0).actor_department(), "客服部");
}

TEST_F(AuditLogTest, UndecodableRecordIsDataLoss) {
  WriteSet writes;
  writes.Put(family_, "01HV3K9Q2F8D6W0000000000AB", "\xff\xff\xff");
  ASSERT_TRUE(store_->Commit(writes).ok());
  EXPECT_EQ(log_->List({}, 100).status().code(), absl::StatusCode::kDataLoss);
}

// A record as the ticket service stored it before the shared contract
// (cs.ticket.v1.AuditRecord: singular `resource` = 7, field = 8, reason = 9,
// time = 10, detail = 11), written field by field on the wire.
std::string TicketRecordOfBefore(const std::string& id, absl::Time t) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream sink(&out);
    google::protobuf::io::CodedOutputStream w(&sink);
    auto text = [&](int field, const std::string& s) {
      w.WriteTag(static_cast<uint32_t>(field << 3 | 2));
      w.WriteVarint32(static_cast<uint32_t>(s.size()));
      w.WriteString(s);
    };
    text(1, "auditRecords/" + id);
    text(2, id);
    text(3, "主管-1");
    text(4, "supervisor");
    text(5, "客服部");
    w.WriteTag(6 << 3);
    w.WriteVarint32(1);  // REVEAL_PII
    text(7, "customers/c-1001");
    w.WriteTag(8 << 3);
    w.WriteVarint32(1);  // ID_CARD
    text(9, "核实身份：退款申请");
    text(10, ToProtoTime(t).SerializeAsString());
  }
  return out;
}

TEST_F(AuditLogTest, TicketRecordsStoredBeforeTheSharedContractReadBack) {
  const std::string id = "01HV3K9Q2F8D6W0000000000AB";
  WriteSet writes;
  writes.Put(family_, id, TicketRecordOfBefore(id, kT0));
  ASSERT_TRUE(store_->Commit(writes).ok());
  ListAuditRecordsRequest req;
  req.set_resource("customers/c-1001");
  absl::StatusOr<ListAuditRecordsResponse> page = log_->List(req, 100);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->audit_records_size(), 1);
  const AuditRecord& r = page->audit_records(0);
  EXPECT_EQ(r.name(), "auditRecords/" + id);
  EXPECT_EQ(r.actor(), "主管-1");
  EXPECT_THAT(r.actor_roles(), ElementsAre("supervisor"));
  EXPECT_EQ(r.action(), AUDIT_ACTION_REVEAL_PII);
  EXPECT_THAT(r.resources(), ElementsAre("customers/c-1001"));
  EXPECT_EQ(r.field(), PII_FIELD_ID_CARD);
  EXPECT_EQ(r.reason(), "核实身份：退款申请");
  EXPECT_EQ(FromProtoTime(r.time()), kT0);
  // A new record sorts after it.
  EXPECT_GT(Read("主管-1", "customers/c-1001", kT0 - absl::Hours(1)), r.name());
}

}  // namespace
}  // namespace cs
