#include "libs/common/errors.h"

#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "libs/common/grpc_status.h"

namespace cs {
namespace {

TEST(ErrorsTest, InvalidFieldNamesTheField) {
  absl::Status s = InvalidField("ticket.subject", "不能为空 (must not be empty)");
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_EQ(s.message(), "ticket.subject: 不能为空 (must not be empty)");
  auto violations = FieldViolationsOf(s);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "ticket.subject");
}

TEST(ErrorsTest, InvalidFieldsListsAll) {
  absl::Status s = InvalidFields({{"a", "x"}, {"b", "y"}, {"c", "z"}});
  EXPECT_EQ(s.message(), "a: x (and 2 more invalid fields)");
  EXPECT_EQ(FieldViolationsOf(s).size(), 3u);
}

TEST(ErrorsTest, ErrorInfoReason) {
  absl::Status s = WithErrorInfo(absl::FailedPreconditionError("state is CLOSED"),
                                 "ILLEGAL_TRANSITION", {{"current", "CLOSED"}});
  EXPECT_EQ(ErrorReasonOf(s), "ILLEGAL_TRANSITION");
  EXPECT_TRUE(WithErrorInfo(absl::OkStatus(), "X").ok());
  EXPECT_EQ(ErrorReasonOf(absl::InternalError("x")), "");
}

TEST(GrpcStatusTest, CarriesCodeMessageAndDetails) {
  absl::Status s = WithErrorInfo(InvalidField("customer.phone", "格式错误"),
                                 "BAD_PHONE");
  grpc::Status g = ToGrpcStatus(s);
  EXPECT_EQ(g.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(g.error_message(), "customer.phone: 格式错误");
  google::rpc::Status rich;
  ASSERT_TRUE(rich.ParseFromString(g.error_details()));
  EXPECT_EQ(rich.code(), 3);
  bool saw_bad_request = false;
  for (const auto& any : rich.details()) {
    if (any.type_url() == kBadRequestTypeUrl) {
      google::rpc::BadRequest br;
      ASSERT_TRUE(br.ParseFromString(any.value()));
      EXPECT_EQ(br.field_violations(0).field(), "customer.phone");
      saw_bad_request = true;
    }
  }
  EXPECT_TRUE(saw_bad_request);

  absl::Status back = FromGrpcStatus(g);
  EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(back)[0].field, "customer.phone");
  EXPECT_EQ(ErrorReasonOf(back), "BAD_PHONE");
}

TEST(GrpcStatusTest, OkAndPlainErrors) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  grpc::Status g = ToGrpcStatus(absl::NotFoundError("tickets/42"));
  EXPECT_EQ(g.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(g.error_details().empty());
  EXPECT_TRUE(absl::IsUnavailable(
      FromGrpcStatus(grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"))));
}

}  // namespace
}  // namespace cs
