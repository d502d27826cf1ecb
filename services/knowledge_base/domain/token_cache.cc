#include "services/knowledge_base/domain/token_cache.h"

namespace cs::kb {

TokenCache::Tokens TokenCache::FindLocked(const std::string& key) {
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return nullptr;
  recent_.splice(recent_.begin(), recent_, it->second);
  return it->second->second;
}

TokenCache::Tokens TokenCache::Get(const std::string& key,
                                   const std::string& text) {
  {
    absl::MutexLock lock(&mu_);
    if (Tokens cached = FindLocked(key)) return cached;
  }
  // Segmented outside the lock: two searches missing the same key at once
  // both segment it, and the second keeps the first one's (equal) tokens.
  Tokens tokens = std::make_shared<const std::vector<Token>>(Tokenize(text));
  if (capacity_ == 0) return tokens;
  absl::MutexLock lock(&mu_);
  if (Tokens cached = FindLocked(key)) return cached;
  recent_.emplace_front(key, tokens);
  by_key_[key] = recent_.begin();
  if (recent_.size() > capacity_) {
    by_key_.erase(recent_.back().first);
    recent_.pop_back();
  }
  return tokens;
}

size_t TokenCache::size() const {
  absl::MutexLock lock(&mu_);
  return recent_.size();
}

}  // namespace cs::kb
