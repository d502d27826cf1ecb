#include "libs/common/key_claims.h"

#include <memory>
#include <thread>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace cs {
namespace {

TEST(KeyClaimsTest, AKeyHasOneHolderAtATime) {
  KeyClaims claims;
  KeyClaims::Claim first = claims.Acquire("req-退款-1");
  EXPECT_FALSE(claims.TryAcquire("req-退款-1").has_value());
  EXPECT_TRUE(claims.TryAcquire("req-退款-2").has_value());  // other keys free
  first.Release();
  EXPECT_TRUE(claims.TryAcquire("req-退款-1").has_value());
}

TEST(KeyClaimsTest, ReleasedFromAnotherThreadWakesAWaiter) {
  KeyClaims claims;
  auto claim = std::make_shared<KeyClaims::Claim>(claims.Acquire("req-投诉-7"));
  absl::Notification waiter_has_it;
  std::thread waiter([&] {
    KeyClaims::Claim mine = claims.Acquire("req-投诉-7");
    waiter_has_it.Notify();
  });
  EXPECT_FALSE(waiter_has_it.HasBeenNotified());
  std::thread committer([claim] { claim->Release(); });
  committer.join();
  waiter.join();  // returns only if the release reached the waiter
  EXPECT_TRUE(waiter_has_it.HasBeenNotified());
  EXPECT_TRUE(
      claims.TryAcquire("req-投诉-7").has_value());  // waiter gave it up
}

TEST(KeyClaimsTest, DestructionReleasesAndReleaseIsIdempotent) {
  KeyClaims claims;
  {
    KeyClaims::Claim claim = claims.Acquire("a");
    KeyClaims::Claim moved = std::move(claim);
    claim.Release();  // moved-from: nothing to give up
    EXPECT_FALSE(claims.TryAcquire("a").has_value());
  }
  std::optional<KeyClaims::Claim> again = claims.TryAcquire("a");
  ASSERT_TRUE(again.has_value());
  again->Release();
  again->Release();
  EXPECT_TRUE(claims.TryAcquire("a").has_value());
}

}  // namespace
}  // namespace cs
