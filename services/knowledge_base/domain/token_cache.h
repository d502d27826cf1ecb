// The tokens of recently highlighted texts. Highlighting a search hit
// segments its title and body again (ICU's dictionary segmentation is most
// of a search's CPU), and the same few popular articles are hit by most
// searches, so their tokens are kept: a bounded least-recently-used cache.
//
//   TokenCache cache(2048);
//   TokenCache::Tokens tokens = cache.Get("articles/01J…@1.2#body",
//                                         doc.plain_body);
//   hit.set_snippet(Highlight(doc.plain_body, *tokens, result.terms, 120));
//
// A key must always name the same text (a published version is immutable).
// Thread-safe.
#ifndef CS_SERVICES_KNOWLEDGE_BASE_DOMAIN_TOKEN_CACHE_H_
#define CS_SERVICES_KNOWLEDGE_BASE_DOMAIN_TOKEN_CACHE_H_

#include <list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "services/knowledge_base/domain/tokenizer.h"

namespace cs::kb {

class TokenCache {
 public:
  using Tokens = std::shared_ptr<const std::vector<Token>>;

  // Keeps at most `capacity` texts' tokens (0 keeps none).
  explicit TokenCache(size_t capacity) : capacity_(capacity) {}

  // Tokenize(text), from the cache when `key` is in it; otherwise
  // segmented now and kept, the least recently used entry making room.
  Tokens Get(const std::string& key, const std::string& text);

  size_t size() const;

 private:
  using Entry = std::pair<std::string, Tokens>;

  // The tokens of `key` made most recent, or null when not cached.
  Tokens FindLocked(const std::string& key) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t capacity_;
  mutable absl::Mutex mu_;
  std::list<Entry> recent_ ABSL_GUARDED_BY(mu_);  // most recent first
  absl::flat_hash_map<std::string, std::list<Entry>::iterator> by_key_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace cs::kb

#endif  // CS_SERVICES_KNOWLEDGE_BASE_DOMAIN_TOKEN_CACHE_H_
