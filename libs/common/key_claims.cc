#include "libs/common/key_claims.h"

#include <utility>

namespace cs {

KeyClaims::Claim::Claim(Claim&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)),
      key_(std::move(other.key_)) {}

void KeyClaims::Claim::Release() {
  if (owner_ == nullptr) return;
  std::exchange(owner_, nullptr)->Give(key_);
}

KeyClaims::Claim KeyClaims::Acquire(absl::string_view key) {
  std::string owned(key);
  absl::MutexLock lock(&mu_);
  struct Free {
    const absl::flat_hash_set<std::string>* held;
    const std::string* key;
    bool operator()() const { return !held->contains(*key); }
  } free{&held_, &owned};
  mu_.Await(absl::Condition(&free));
  held_.insert(owned);
  return Claim(this, std::move(owned));
}

std::optional<KeyClaims::Claim> KeyClaims::TryAcquire(absl::string_view key) {
  std::string owned(key);
  absl::MutexLock lock(&mu_);
  if (!held_.insert(owned).second) return std::nullopt;
  return Claim(this, std::move(owned));
}

void KeyClaims::Give(const std::string& key) {
  absl::MutexLock lock(&mu_);
  held_.erase(key);
}

}  // namespace cs
