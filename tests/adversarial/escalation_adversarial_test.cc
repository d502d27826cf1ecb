// Adversarial requests against a running escalation service (real gRPC
// server on loopback, real RocksDB): each bad request gets a clear status
// naming the field, and the server stays healthy and idle afterwards.
#include <cstdint>
#include <iostream>
#include <map>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/adversarial/suite_fixture.h"

namespace cs::adversarial {
namespace {

namespace ev1 = cs::escalation::v1;

class EscalationAdversarialTest : public SuiteAdversarialTest {
 protected:
  static ev1::RequestEscalationRequest Escalate(const std::string& subject) {
    ev1::RequestEscalationRequest request;
    request.set_subject(subject);
    request.set_severity("serious");
    request.set_reason("客户三次来电未解决");
    request.set_department("物流部");
    return request;
  }
  absl::StatusOr<ev1::EscalationCase> Request(
      const ev1::RequestEscalationRequest& request) {
    return Call(escalation_.get(), &ES::RequestEscalation, officer_, request);
  }
  absl::StatusOr<ev1::ListCasesResponse> List(
      const ev1::ListCasesRequest& request) {
    return Call(escalation_.get(), &ES::ListCases, director_, request);
  }

  void ExpectHealthyAndIdle() {
    auto requested = Request(Escalate("complaints/recovery"));
    EXPECT_TRUE(requested.ok()) << requested.status();
    ExpectIdle();
  }
};

TEST_F(EscalationAdversarialTest, OversizedMessageIsResourceExhausted) {
  ev1::RequestEscalationRequest request = Escalate("complaints/big");
  request.set_reason(std::string(kOversizedBytes, 'x'));
  EXPECT_EQ(Request(request).status().code(),
            absl::StatusCode::kResourceExhausted);
  ExpectHealthyAndIdle();
}

TEST_F(EscalationAdversarialTest, InvalidUtf8IsInvalidArgumentNamingTheField) {
  ev1::RequestEscalationRequest request = Escalate("complaints/utf8");
  request.set_reason(InvalidUtf8("客户", "投诉"));
  auto requested = Request(request);
  EXPECT_EQ(requested.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(requested.status()), "reason");
  request = Escalate("complaints/utf8");
  request.set_department(InvalidUtf8("物流"));
  EXPECT_EQ(FieldOf(Request(request).status()), "department");
  ev1::ListCasesRequest list;
  list.set_department(InvalidUtf8("物流"));
  EXPECT_EQ(FieldOf(List(list).status()), "department");
  ExpectHealthyAndIdle();
}

TEST_F(EscalationAdversarialTest, NegativeAndHugePageSizes) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Request(Escalate(absl::StrCat("complaints/p", i))).ok());
  }
  for (int32_t size : {-1, INT32_MIN}) {
    ev1::ListCasesRequest list;
    list.set_page_size(size);
    EXPECT_EQ(FieldOf(List(list).status()), "page_size");
  }
  ev1::ListCasesRequest list;
  list.set_page_size(INT32_MAX);  // clamped, not allocated
  auto listed = List(list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->cases_size(), 3);
}

TEST_F(EscalationAdversarialTest, TamperedPageTokensAreInvalidArgument) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Request(Escalate(absl::StrCat("complaints/p", i))).ok());
  }
  ev1::ListCasesRequest request;
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
  request.set_state(ev1::CASE_STATE_OPEN);
  EXPECT_EQ(FieldOf(List(request).status()), "page_token");
  std::cout << "escalation: tampered page tokens refused: " << refused
            << std::endl;
}

TEST_F(EscalationAdversarialTest, UnknownEnumValuesAreInvalidArgument) {
  ev1::ListCasesRequest list;
  list.set_state(static_cast<ev1::CaseState>(99));
  EXPECT_EQ(FieldOf(List(list).status()), "state");
  list = ev1::ListCasesRequest();
  list.set_grade(static_cast<cs::common::v1::Grade>(-4));
  EXPECT_EQ(FieldOf(List(list).status()), "grade");
}

TEST_F(EscalationAdversarialTest, OneMillisecondDeadlinesLeaveNoStuckWork) {
  ASSERT_TRUE(Request(Escalate("complaints/deadline")).ok());
  const ev1::ListCasesRequest request;
  auto codes = AllAtOnce<ev1::ListCasesResponse>(
      200, absl::Milliseconds(1), director_,
      [&](int, grpc::ClientContext* context, ev1::ListCasesResponse* response,
          std::function<void(grpc::Status)> done) {
        escalation_->async()->ListCases(context, &request, response,
                                        std::move(done));
      });
  ExpectOnlyOkOrDeadline(codes);
  ExpectHealthyAndIdle();
  std::cout << "escalation: 1 ms deadlines: 200 calls, "
            << codes[grpc::StatusCode::OK] << " OK, "
            << codes[grpc::StatusCode::DEADLINE_EXCEEDED]
            << " DEADLINE_EXCEEDED" << std::endl;
}

TEST_F(EscalationAdversarialTest, ChineseTextRoundTrips) {
  ev1::RequestEscalationRequest request = Escalate("complaints/zh");
  request.set_reason("客户要求经理回电，情绪激动");
  request.set_department("售后服务部");
  auto requested = Request(request);
  ASSERT_TRUE(requested.ok()) << requested.status();
  ev1::GetCaseRequest get;
  get.set_name(requested->name());
  auto got = Call(escalation_.get(), &ES::GetCase, director_, get);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(absl::StartsWith(got->reason(), "客户要求经理回电，情绪激动"))
      << got->reason();
  EXPECT_EQ(got->department(), "售后服务部");
}

}  // namespace
}  // namespace cs::adversarial
