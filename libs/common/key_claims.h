// Exclusive claims on string keys that may be given up from another thread,
// for check-then-insert sections whose write completes asynchronously (e.g.
// the idempotency check of a create whose commit a CommitPipeline finishes):
//
//   auto claim = std::make_shared<cs::KeyClaims::Claim>(
//       claims.Acquire(request_id));          // waits for an earlier holder
//   ... check that no record exists, build the insert ...
//   writes.OnCommit([claim](bool) { claim->Release(); });  // committer thread
//
// Unlike a mutex, a claim is not owned by a thread, so the committer may
// release what a request thread acquired. Thread-safe.
#ifndef CS_LIBS_COMMON_KEY_CLAIMS_H_
#define CS_LIBS_COMMON_KEY_CLAIMS_H_

#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace cs {

class KeyClaims {
 public:
  // Holds one key until Release or destruction. Movable, not copyable;
  // share it (std::shared_ptr) to hand it to a callback.
  class Claim {
   public:
    Claim(Claim&& other) noexcept;
    Claim& operator=(Claim&&) = delete;
    Claim(const Claim&) = delete;
    Claim& operator=(const Claim&) = delete;
    ~Claim() { Release(); }

    // Gives the key up (waking one waiting Acquire); later calls do nothing.
    // Not to be called concurrently on the same claim.
    void Release();

   private:
    friend class KeyClaims;
    Claim(KeyClaims* owner, std::string key)
        : owner_(owner), key_(std::move(key)) {}
    KeyClaims* owner_;
    std::string key_;
  };

  KeyClaims() = default;
  KeyClaims(const KeyClaims&) = delete;
  KeyClaims& operator=(const KeyClaims&) = delete;

  // Waits until nobody holds `key`, then claims it. Claims must be released
  // before the KeyClaims is destroyed.
  Claim Acquire(absl::string_view key);
  // Claims `key` when nobody holds it; nullopt otherwise.
  std::optional<Claim> TryAcquire(absl::string_view key);

 private:
  void Give(const std::string& key);

  absl::Mutex mu_;
  absl::flat_hash_set<std::string> held_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cs

#endif  // CS_LIBS_COMMON_KEY_CLAIMS_H_
