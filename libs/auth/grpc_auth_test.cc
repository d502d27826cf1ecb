#include "libs/auth/grpc_auth.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "libs/auth/jwt.h"
#include "libs/common/clock.h"
#include "libs/common/errors.h"
#include "libs/common/grpc_status.h"

namespace cs::auth {
namespace {

using ::testing::HasSubstr;

constexpr absl::string_view kKey = "grpc-auth-test-key-0123456789abcdef";
constexpr absl::string_view kIssuer = "cs-test-issuer";
constexpr absl::string_view kAudience = "cs-suite";
constexpr char kMethod[] = "/cs.test.v1.EchoService/WhoAmI";

// Handler shaped like a real one: Authorize first, finish on failure,
// otherwise answer with the caller's subject.
class WhoAmIReactor : public grpc::ServerGenericBidiReactor {
 public:
  WhoAmIReactor(grpc::GenericCallbackServerContext* ctx,
                const Authenticator& auth) {
    absl::StatusOr<Principal> who = auth.Authorize(*ctx, {Role::kSupervisor});
    if (!who.ok()) {
      Finish(cs::ToGrpcStatus(who.status()));
      return;
    }
    grpc::Slice slice(who->subject);
    response_ = grpc::ByteBuffer(&slice, 1);
    StartRead(&request_);
  }

  void OnReadDone(bool /*ok*/) override {
    StartWriteAndFinish(&response_, grpc::WriteOptions(), grpc::Status::OK);
  }
  void OnDone() override { delete this; }

 private:
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
};

class WhoAmIService : public grpc::CallbackGenericService {
 public:
  explicit WhoAmIService(const Authenticator& auth) : auth_(auth) {}
  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* ctx) override {
    return new WhoAmIReactor(ctx, auth_);
  }

 private:
  const Authenticator& auth_;
};

struct CallResult {
  grpc::Status status;
  std::string reply;
};

class GrpcAuthTest : public ::testing::Test {
 protected:
  GrpcAuthTest()
      : clock_(absl::FromUnixSeconds(1700000000)),
        verifier_(
            {std::string(kKey), std::string(kIssuer), std::string(kAudience)},
            clock_),
        auth_(verifier_),
        service_(auth_) {}

  void SetUp() override {
    ASSERT_TRUE(verifier_.init_status().ok()) << verifier_.init_status();
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port);
    builder.RegisterCallbackGenericService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port, 0);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                                   grpc::InsecureChannelCredentials());
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  std::string Token(RoleSet roles, absl::Duration lifetime = absl::Hours(1)) {
    TokenClaims claims;
    claims.subject = "u-42";
    claims.roles = roles;
    claims.name = "张三";
    claims.issuer = std::string(kIssuer);
    claims.audience = std::string(kAudience);
    claims.issued_at = clock_.Now();
    claims.expires_at = clock_.Now() + lifetime;
    absl::StatusOr<std::string> token = MintToken(claims, kKey);
    EXPECT_TRUE(token.ok()) << token.status();
    return token.value_or("");
  }

  // One unary call; each `headers` entry becomes an "authorization" entry.
  CallResult Call(const std::vector<std::string>& headers) {
    grpc::GenericStub stub(channel_);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(30));
    for (const std::string& header : headers) {
      ctx.AddMetadata("authorization", header);
    }
    return Run(stub, &ctx);
  }

  CallResult Run(grpc::GenericStub& stub, grpc::ClientContext* ctx) {
    grpc::Slice slice(std::string("ping"));
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    CallResult result;
    absl::Notification done;
    stub.UnaryCall(ctx, kMethod, grpc::StubOptions(), &request, &response,
                   [&](grpc::Status status) {
                     result.status = std::move(status);
                     done.Notify();
                   });
    done.WaitForNotification();
    std::vector<grpc::Slice> slices;
    if (result.status.ok() && response.Dump(&slices).ok()) {
      for (const grpc::Slice& s : slices) {
        result.reply.append(reinterpret_cast<const char*>(s.begin()), s.size());
      }
    }
    return result;
  }

  cs::ManualClock clock_;
  TokenVerifier verifier_;
  Authenticator auth_;
  WhoAmIService service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(GrpcAuthTest, NoTokenIsUnauthenticated) {
  CallResult result = Call({});
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(result.status.error_message(), "missing bearer token");
  EXPECT_EQ(cs::ErrorReasonOf(cs::FromGrpcStatus(result.status)),
            "MISSING_BEARER_TOKEN");
}

TEST_F(GrpcAuthTest, GoodTokenWithAttachBearerToken) {
  grpc::GenericStub stub(channel_);
  grpc::ClientContext ctx;
  AttachBearerToken(&ctx, Token({Role::kSupervisor}));
  CallResult result = Run(stub, &ctx);
  EXPECT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_EQ(result.reply, "u-42");
}

TEST_F(GrpcAuthTest, WrongRoleIsPermissionDenied) {
  CallResult result = Call({"Bearer " + Token({Role::kAgent, Role::kQa})});
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(result.status.error_message(), "role supervisor required");
  EXPECT_EQ(cs::ErrorReasonOf(cs::FromGrpcStatus(result.status)),
            "ROLE_REQUIRED");
}

TEST_F(GrpcAuthTest, AdminDoesNotImplicitlyPass) {
  CallResult result = Call({"Bearer " + Token({Role::kAdmin})});
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(GrpcAuthTest, SchemeIsCaseInsensitive) {
  const std::string token = Token({Role::kSupervisor});
  for (const char* scheme : {"bearer ", "BEARER ", "Bearer   ", "bEaReR "}) {
    SCOPED_TRACE(scheme);
    CallResult result = Call({scheme + token});
    EXPECT_TRUE(result.status.ok()) << result.status.error_message();
    EXPECT_EQ(result.reply, "u-42");
  }
}

TEST_F(GrpcAuthTest, BadTokensAreUnauthenticated) {
  const std::string token = Token({Role::kSupervisor});
  for (const std::string& header :
       {std::string("Bearer"), std::string("Bearer "), std::string(""),
        "Basic " + token, "Bearer" + token, "Token " + token,
        std::string("bearer x"), "Bearer " + token + "x"}) {
    SCOPED_TRACE(header.substr(0, 12));
    CallResult result = Call({header});
    EXPECT_EQ(result.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_THAT(result.status.error_message(),
                ::testing::Not(HasSubstr(token.substr(0, 20))));
  }
}

TEST_F(GrpcAuthTest, ExpiredTokenIsUnauthenticated) {
  const std::string token = Token({Role::kSupervisor}, absl::Minutes(5));
  clock_.Advance(absl::Minutes(6));
  CallResult result = Call({"Bearer " + token});
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(cs::ErrorReasonOf(cs::FromGrpcStatus(result.status)),
            "TOKEN_EXPIRED");
}

TEST_F(GrpcAuthTest, SeveralAuthorizationHeadersAreRefused) {
  const std::string token = Token({Role::kSupervisor});
  CallResult result = Call({"Bearer " + token, "Bearer " + token});
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST(BearerTokenFromHeaderTest, Parses) {
  EXPECT_EQ(*BearerTokenFromHeader("Bearer abc"), "abc");
  EXPECT_EQ(*BearerTokenFromHeader("bearer x"), "x");
  EXPECT_EQ(*BearerTokenFromHeader("  BEARER   a.b.c  "), "a.b.c");
  EXPECT_EQ(BearerTokenFromHeader("").status().message(),
            "missing bearer token");
  EXPECT_EQ(BearerTokenFromHeader("Bearer").status().message(),
            "missing bearer token");
  EXPECT_EQ(BearerTokenFromHeader("Bearerabc").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(BearerTokenFromHeader("Basic dXNlcjpwYXNz").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(
      std::string(
          BearerTokenFromHeader("Basic dXNlcjpwYXNz").status().message()),
      ::testing::Not(HasSubstr("dXNlcjpwYXNz")));
}

}  // namespace
}  // namespace cs::auth
