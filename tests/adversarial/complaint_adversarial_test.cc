// Adversarial requests against a running complaint service (real gRPC
// server on loopback, real RocksDB, real routing-sla and escalation behind
// it): each bad request gets a clear status naming the field, and the
// server stays healthy and idle afterwards.
#include <cstdint>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/adversarial/suite_fixture.h"

namespace cs::adversarial {
namespace {

namespace cv1 = cs::complaint::v1;

class ComplaintAdversarialTest : public SuiteAdversarialTest {
 protected:
  absl::StatusOr<cv1::Complaint> File(const cv1::FileRequest& request) {
    return Call(complaints_.get(), &CS::File, channel_, request);
  }
  absl::StatusOr<cv1::ListResponse> List(const cv1::ListRequest& request) {
    return Call(complaints_.get(), &CS::List, officer_, request);
  }

  void ExpectHealthyAndIdle() {
    auto filed = File(FileRequest(absl::StrCat("recovery-", ++recoveries_)));
    EXPECT_TRUE(filed.ok()) << filed.status();
    Settle();
    ExpectIdle();
  }

  int recoveries_ = 0;
};

TEST_F(ComplaintAdversarialTest, OversizedMessageIsResourceExhausted) {
  cv1::FileRequest request = FileRequest("big");
  request.mutable_complaint()->set_description(
      std::string(kOversizedBytes, 'x'));
  EXPECT_EQ(File(request).status().code(),
            absl::StatusCode::kResourceExhausted);
  ExpectHealthyAndIdle();
}

TEST_F(ComplaintAdversarialTest, InvalidUtf8IsInvalidArgumentNamingTheField) {
  cv1::FileRequest request = FileRequest("utf8");
  request.mutable_complaint()->set_description(InvalidUtf8("快递", "未送达"));
  auto filed = File(request);
  EXPECT_EQ(filed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(filed.status()), "complaint.description");
  request = FileRequest("utf8");
  request.mutable_complaint()->add_items(InvalidUtf8("退款"));
  EXPECT_EQ(FieldOf(File(request).status()), "complaint.items[1]");
  cv1::ListRequest list;
  list.set_department(InvalidUtf8("物流"));
  EXPECT_EQ(FieldOf(List(list).status()), "department");
  ExpectHealthyAndIdle();
}

TEST_F(ComplaintAdversarialTest, NegativeAndHugePageSizes) {
  for (int i = 0; i < 3; ++i) FileOk(absl::StrCat("page-", i));
  for (int32_t size : {-1, INT32_MIN}) {
    cv1::ListRequest list;
    list.set_page_size(size);
    EXPECT_EQ(FieldOf(List(list).status()), "page_size");
  }
  cv1::ListRequest list;
  list.set_page_size(INT32_MAX);  // clamped, not allocated
  auto listed = List(list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->complaints_size(), 3);
}

TEST_F(ComplaintAdversarialTest, TamperedPageTokensAreInvalidArgument) {
  for (int i = 0; i < 3; ++i) FileOk(absl::StrCat("page-", i));
  cv1::ListRequest request;
  request.set_page_size(1);
  auto first = List(request);
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string token = first->next_page_token();
  ASSERT_FALSE(token.empty());
  const int refused =
      ExpectTamperedTokensRefused(token, [&](const std::string& bad) {
        request.set_page_token(bad);
        return List(request).status();
      });
  request.set_page_token(token);
  request.set_department("物流部");
  EXPECT_EQ(FieldOf(List(request).status()), "page_token");
  std::cout << "complaint: tampered page tokens refused: " << refused
            << std::endl;
}

TEST_F(ComplaintAdversarialTest, UnknownEnumValuesAreInvalidArgument) {
  cv1::FileRequest request = FileRequest("enum");
  request.mutable_complaint()->set_severity(static_cast<cv1::Severity>(99));
  EXPECT_EQ(FieldOf(File(request).status()), "complaint.severity");
  request = FileRequest("enum");
  request.mutable_complaint()->set_channel(
      static_cast<cs::common::v1::Channel>(-1));
  EXPECT_EQ(FieldOf(File(request).status()), "complaint.channel");
  request = FileRequest("enum");
  request.mutable_complaint()->set_requested_remedy(
      static_cast<cv1::RemedyKind>(1000));
  EXPECT_EQ(FieldOf(File(request).status()), "complaint.requested_remedy");
  cv1::ListRequest list;
  list.set_stage(static_cast<cv1::ComplaintStage>(77));
  EXPECT_EQ(FieldOf(List(list).status()), "stage");
  list = cv1::ListRequest();
  list.set_cause(static_cast<cv1::CauseCategory>(-2));
  EXPECT_EQ(FieldOf(List(list).status()), "cause");
}

// Files with a 1 ms deadline: each ends OK or DEADLINE_EXCEEDED, none is
// left running, and a retry with the same request_id yields exactly one
// complaint whatever happened to the first attempt.
TEST_F(ComplaintAdversarialTest, OneMillisecondDeadlinesLeaveNoStuckWork) {
  constexpr int kCalls = 100;
  std::vector<cv1::FileRequest> requests;
  for (int i = 0; i < kCalls; ++i) {
    requests.push_back(FileRequest(absl::StrCat("deadline-", i)));
  }
  auto codes = AllAtOnce<cv1::Complaint>(
      kCalls, absl::Milliseconds(1), channel_,
      [&](int i, grpc::ClientContext* context, cv1::Complaint* response,
          std::function<void(grpc::Status)> done) {
        complaints_->async()->File(context, &requests[i], response,
                                   std::move(done));
      });
  ExpectOnlyOkOrDeadline(codes);
  for (const cv1::FileRequest& request : requests) {
    auto retried = File(request);
    ASSERT_TRUE(retried.ok()) << retried.status();
  }
  ExpectHealthyAndIdle();
  cv1::ListRequest list;
  list.set_page_size(200);
  auto listed = List(list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->complaints_size(), kCalls + 1);  // + the health check's
  std::cout << "complaint: 1 ms deadlines: " << kCalls << " files, "
            << codes[grpc::StatusCode::OK] << " OK, "
            << codes[grpc::StatusCode::DEADLINE_EXCEEDED]
            << " DEADLINE_EXCEEDED; after retries "
            << listed->complaints_size() - 1 << " complaints" << std::endl;
}

TEST_F(ComplaintAdversarialTest, ChineseTextRoundTrips) {
  cv1::FileRequest request = FileRequest("zh");
  request.mutable_complaint()->set_description("包裹外箱破损，屏幕碎裂");
  request.mutable_complaint()->set_impact("客户表示将向消协投诉");
  request.mutable_complaint()->set_department("售后服务部");
  auto filed = File(request);
  ASSERT_TRUE(filed.ok()) << filed.status();
  const cv1::Complaint got = GetAs(officer_, filed->name());
  EXPECT_EQ(got.description(), "包裹外箱破损，屏幕碎裂");
  EXPECT_EQ(got.impact(), "客户表示将向消协投诉");
  EXPECT_EQ(got.department(), "售后服务部");
  ASSERT_EQ(got.items_size(), 1);
  EXPECT_EQ(got.items(0), "物流");
}

}  // namespace
}  // namespace cs::adversarial
