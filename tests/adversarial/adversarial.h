// Test-only: the service-independent pieces of the adversarial tests —
// building bad input (oversized, invalid UTF-8, tampered page tokens),
// reading which field a status names, and firing many calls at once with a
// deadline. Each service's test brings its own servers and requests.
#ifndef CS_TESTS_ADVERSARIAL_ADVERSARIAL_H_
#define CS_TESTS_ADVERSARIAL_ADVERSARIAL_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"

namespace cs::adversarial {

// Above the servers' 4 MiB receive limit: answered RESOURCE_EXHAUSTED.
inline constexpr size_t kOversizedBytes = 5 << 20;

// The field named by the first violation of an INVALID_ARGUMENT status
// ("<none>" when it names none).
inline std::string FieldOf(const absl::Status& status) {
  auto violations = FieldViolationsOf(status);
  return violations.empty() ? "<none>" : violations[0].field;
}

// Chinese text with a byte sequence that is not UTF-8 in the middle.
inline std::string InvalidUtf8(absl::string_view before = "手机",
                               absl::string_view after = "信号弱") {
  return absl::StrCat(before, "\xff\xfe", after);
}

// Variants of a genuine `token`: garbage, truncated, extended, with the
// signature cut and with bytes flipped throughout.
inline std::vector<std::string> TamperedTokens(const std::string& token) {
  std::string bytes;
  EXPECT_TRUE(absl::WebSafeBase64Unescape(token, &bytes)) << token;
  std::vector<std::string> tampered = {
      "garbage!", "AAAA", token.substr(0, token.size() / 2), token + "A"};
  if (bytes.size() > 16) {
    tampered.push_back(
        absl::WebSafeBase64Escape(bytes.substr(0, bytes.size() - 16)));
  }
  for (size_t i = 0; i < bytes.size(); i += 3) {
    std::string flipped = bytes;
    flipped[i] ^= 0x20;
    tampered.push_back(absl::WebSafeBase64Escape(flipped));
  }
  return tampered;
}

// Lists with each tampered variant of `token` through `list` and expects
// INVALID_ARGUMENT naming page_token every time; returns how many were so
// refused.
inline int ExpectTamperedTokensRefused(
    const std::string& token,
    const std::function<absl::Status(const std::string&)>& list) {
  const std::vector<std::string> tampered = TamperedTokens(token);
  int refused = 0;
  for (const std::string& bad : tampered) {
    const absl::Status status = list(bad);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument)
        << "token " << bad << ": " << status;
    if (FieldOf(status) == "page_token") ++refused;
  }
  EXPECT_EQ(refused, static_cast<int>(tampered.size()));
  return refused;
}

// Issues `count` calls at once, each as the holder of `token` with
// `timeout`, and counts their final status codes. `issue(i, context,
// response, done)` starts call i on an async stub, e.g.
//   stub->async()->Get(context, &requests[i], response, done);
template <typename Response, typename Issue>
std::map<grpc::StatusCode, int> AllAtOnce(int count, absl::Duration timeout,
                                          const std::string& token,
                                          Issue issue) {
  std::map<grpc::StatusCode, int> codes;
  absl::Mutex mu;
  absl::BlockingCounter done(count);
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<Response> responses(count);
  for (int i = 0; i < count; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    contexts[i]->AddMetadata("authorization", "Bearer " + token);
    contexts[i]->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    issue(i, contexts[i].get(), &responses[i], [&](grpc::Status status) {
      absl::MutexLock lock(&mu);
      ++codes[status.error_code()];
      done.DecrementCount();
    });
  }
  done.Wait();
  return codes;
}

// Every code is OK or what a missed deadline ends with.
inline void ExpectOnlyOkOrDeadline(
    const std::map<grpc::StatusCode, int>& codes) {
  for (const auto& [code, count] : codes) {
    EXPECT_TRUE(code == grpc::StatusCode::OK ||
                code == grpc::StatusCode::DEADLINE_EXCEEDED ||
                code == grpc::StatusCode::CANCELLED)
        << "status " << code << " × " << count;
  }
}

}  // namespace cs::adversarial

#endif  // CS_TESTS_ADVERSARIAL_ADVERSARIAL_H_
