// Service tests of the complaint service's audit trail of clear reads: who
// saw which complaint's free texts unmasked, and ListAuditRecords (real
// servers, see complaint_test_env.h). Nothing sleeps: the manual clock.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/time_proto.h"
#include "services/complaint/testing/complaint_test_env.h"

namespace cs::complaint {
namespace {

using ::cs::complaint::testing::ComplaintServiceTest;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

class ComplaintAuditTest : public ComplaintServiceTest {
 protected:
  // Every record matching `req` (all pages), newest first, read by the
  // supervisor.
  std::vector<common::v1::AuditRecord> Audit(
      common::v1::ListAuditRecordsRequest req = {}) {
    std::vector<common::v1::AuditRecord> out;
    for (int page = 0; page < 100; ++page) {
      auto r = Call(complaints_.get(), &CS::ListAuditRecords, supervisor_, req);
      EXPECT_TRUE(r.ok()) << r.status();
      if (!r.ok()) break;
      for (const common::v1::AuditRecord& a : r->audit_records())
        out.push_back(a);
      if (r->next_page_token().empty()) break;
      req.set_page_token(r->next_page_token());
    }
    return out;
  }

  // A complaint whose description carries the customer's phone number.
  v1::Complaint FileWithPhone(const std::string& request_id) {
    v1::FileRequest req = FileRequest(request_id);
    req.mutable_complaint()->set_description(kDescription);
    auto filed = Call(complaints_.get(), &CS::File, channel_, req);
    EXPECT_TRUE(filed.ok()) << filed.status();
    return filed.value_or(v1::Complaint());
  }

  static constexpr char kDescription[] = "快递三次未送达，请回电13812345678";

  absl::StatusOr<v1::Complaint> Get(const std::string& token,
                                    const std::string& name) {
    v1::GetRequest get;
    get.set_name(name);
    return Call(complaints_.get(), &CS::Get, token, get);
  }
};

TEST_F(ComplaintAuditTest, OfficersClearGetIsRecordedDirectorsMaskedGetIsNot) {
  // Filed by a channel: masked response, no record.
  const v1::Complaint filed = FileWithPhone("audit-get-1");
  EXPECT_THAT(Audit(), IsEmpty());

  auto masked = Get(director_, filed.name());
  ASSERT_TRUE(masked.ok()) << masked.status();
  EXPECT_EQ(masked->description().find("13812345678"), std::string::npos);
  EXPECT_THAT(Audit(), IsEmpty());

  clock_.Advance(absl::Minutes(3));
  auto clear = Get(officer_, filed.name());
  ASSERT_TRUE(clear.ok()) << clear.status();
  EXPECT_EQ(clear->description(), kDescription);
  const std::vector<common::v1::AuditRecord> trail = Audit();
  ASSERT_EQ(trail.size(), 1u);
  EXPECT_EQ(trail[0].actor(), "officer-1");
  EXPECT_THAT(trail[0].actor_roles(), ElementsAre("complaint_officer"));
  EXPECT_EQ(trail[0].action(), common::v1::AUDIT_ACTION_READ_COMPLAINT_CLEAR);
  EXPECT_THAT(trail[0].resources(), ElementsAre(filed.name()));
  EXPECT_EQ(FromProtoTime(trail[0].time()), clock_.Now());
  EXPECT_EQ(trail[0].name(), absl::StrCat("auditRecords/", trail[0].id()));
}

TEST_F(ComplaintAuditTest, ListIsOneRecordNamingTheClearPage) {
  FileOk("audit-list-1");
  FileOk("audit-list-2");
  v1::ListRequest list;
  list.set_department("物流部");
  ASSERT_TRUE(Call(complaints_.get(), &CS::List, director_, list).ok());
  EXPECT_THAT(Audit(), IsEmpty());

  auto page = Call(complaints_.get(), &CS::List, officer_, list);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->complaints_size(), 2);
  const std::vector<common::v1::AuditRecord> trail = Audit();
  ASSERT_EQ(trail.size(), 1u);
  EXPECT_EQ(trail[0].action(), common::v1::AUDIT_ACTION_LIST_COMPLAINTS_CLEAR);
  EXPECT_THAT(trail[0].resources(),
              ElementsAre(page->complaints(0).name(),
                          page->complaints(1).name()));

  // An empty clear page shows nothing: no record.
  list.set_department("售后部");
  ASSERT_TRUE(Call(complaints_.get(), &CS::List, officer_, list).ok());
  EXPECT_EQ(Audit().size(), 1u);
}

TEST_F(ComplaintAuditTest, ClearResponseOfAChangeIsRecordedWithIt) {
  const v1::Complaint filed = FileOk("audit-ack-1");
  v1::AcknowledgeRequest ack;
  ack.set_name(filed.name());
  ack.set_department("物流部");
  ASSERT_TRUE(Call(complaints_.get(), &CS::Acknowledge, officer_, ack).ok());
  const std::vector<common::v1::AuditRecord> trail = Audit();
  ASSERT_EQ(trail.size(), 1u);
  EXPECT_EQ(trail[0].action(), common::v1::AUDIT_ACTION_WRITE_COMPLAINT_CLEAR);
  EXPECT_EQ(trail[0].actor(), "officer-1");
}

TEST_F(ComplaintAuditTest, ListAuditRecordsFiltersAndPagesNewestFirst) {
  const v1::Complaint first = FileOk("audit-filter-1");
  const v1::Complaint second = FileOk("audit-filter-2");
  const absl::Time t0 = clock_.Now();
  ASSERT_TRUE(Get(officer_, first.name()).ok());  // t0
  clock_.Advance(absl::Hours(1));
  ASSERT_TRUE(Get(supervisor_, second.name()).ok());  // t0+1h
  clock_.Advance(absl::Hours(1));
  ASSERT_TRUE(Get(officer_, second.name()).ok());  // t0+2h
  ASSERT_TRUE(Get(officer_, second.name()).ok());  // t0+2h, same instant

  std::vector<common::v1::AuditRecord> all = Audit();
  ASSERT_EQ(all.size(), 4u);
  for (size_t i = 1; i < all.size(); ++i) {
    EXPECT_GT(all[i - 1].id(), all[i].id()) << "newest first";
  }
  EXPECT_EQ(all[2].actor(), "sup-1");

  common::v1::ListAuditRecordsRequest by_actor;
  by_actor.set_actor("officer-1");
  EXPECT_EQ(Audit(by_actor).size(), 3u);

  common::v1::ListAuditRecordsRequest by_resource;
  by_resource.set_resource(first.name());
  ASSERT_EQ(Audit(by_resource).size(), 1u);
  EXPECT_EQ(FromProtoTime(Audit(by_resource)[0].time()), t0);

  common::v1::ListAuditRecordsRequest by_action;
  by_action.set_action(common::v1::AUDIT_ACTION_LIST_COMPLAINTS_CLEAR);
  EXPECT_THAT(Audit(by_action), IsEmpty());

  common::v1::ListAuditRecordsRequest by_time;
  *by_time.mutable_start_time() = ToProtoTime(t0 + absl::Minutes(30));
  *by_time.mutable_end_time() = ToProtoTime(t0 + absl::Minutes(90));
  const std::vector<common::v1::AuditRecord> hour = Audit(by_time);
  ASSERT_EQ(hour.size(), 1u);
  EXPECT_EQ(hour[0].actor(), "sup-1");

  // One record a page, four pages, same order as one read.
  common::v1::ListAuditRecordsRequest paged;
  paged.set_page_size(1);
  auto p1 = Call(complaints_.get(), &CS::ListAuditRecords, director_, paged);
  ASSERT_TRUE(p1.ok()) << p1.status();
  ASSERT_EQ(p1->audit_records_size(), 1);
  EXPECT_EQ(p1->audit_records(0).id(), all[0].id());
  ASSERT_FALSE(p1->next_page_token().empty());
  std::vector<common::v1::AuditRecord> walked = Audit(paged);
  ASSERT_EQ(walked.size(), 4u);
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(walked[i].id(), all[i].id());
  }

  // The token belongs to its filter.
  common::v1::ListAuditRecordsRequest other = by_actor;
  other.set_page_token(p1->next_page_token());
  EXPECT_EQ(Call(complaints_.get(), &CS::ListAuditRecords, supervisor_, other)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ComplaintAuditTest, OnlyAuditReadersListAndBadFiltersAreRefused) {
  common::v1::ListAuditRecordsRequest req;
  for (const std::string& token : {officer_, agent_, qa_, channel_}) {
    EXPECT_EQ(
        Call(complaints_.get(), &CS::ListAuditRecords, token, req).status().code(),
        absl::StatusCode::kPermissionDenied);
  }
  for (const std::string& token : {supervisor_, director_, admin_}) {
    EXPECT_TRUE(Call(complaints_.get(), &CS::ListAuditRecords, token, req).ok());
  }
  req.set_resource("工单/1");
  auto bad = Call(complaints_.get(), &CS::ListAuditRecords, admin_, req);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()),
              ::testing::HasSubstr("resource"));
  req.clear_resource();
  *req.mutable_start_time() = ToProtoTime(clock_.Now());
  *req.mutable_end_time() = ToProtoTime(clock_.Now() - absl::Hours(1));
  bad = Call(complaints_.get(), &CS::ListAuditRecords, admin_, req);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()),
              ::testing::HasSubstr("end_time"));
}

}  // namespace
}  // namespace cs::complaint
