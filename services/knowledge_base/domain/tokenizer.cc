#include "services/knowledge_base/domain/tokenizer.h"

#include <algorithm>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "absl/container/flat_hash_set.h"
#include "libs/common/utf8.h"
#include "unicode/brkiter.h"
#include "unicode/normalizer2.h"
#include "unicode/translit.h"
#include "unicode/uchar.h"
#include "unicode/unistr.h"

namespace cs::kb {
namespace {

constexpr size_t kMaxTermChars = 64;

void AppendUtf8(char32_t c, std::string& out) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

std::u32string ToU32(const icu::UnicodeString& s) {
  std::u32string out;
  for (int32_t i = 0; i < s.length();) {
    UChar32 c = s.char32At(i);
    out.push_back(static_cast<char32_t>(c));
    i += U16_LENGTH(c);
  }
  return out;
}

// Per-thread ICU state and a per-thread cache of code point mappings.
class Analyzer {
 public:
  Analyzer() {
    UErrorCode status = U_ZERO_ERROR;
    nfkc_cf_ = icu::Normalizer2::getNFKCCasefoldInstance(status);
    if (U_FAILURE(status)) nfkc_cf_ = nullptr;
    status = U_ZERO_ERROR;
    t2s_.reset(icu::Transliterator::createInstance("Traditional-Simplified",
                                                   UTRANS_FORWARD, status));
    if (U_FAILURE(status)) t2s_.reset();
    status = U_ZERO_ERROR;
    words_.reset(
        icu::BreakIterator::createWordInstance(icu::Locale("zh"), status));
    if (U_FAILURE(status)) words_.reset();
  }

  const std::u32string& Map(char32_t c) {
    auto it = cache_.find(c);
    if (it != cache_.end()) return it->second;
    std::u32string mapped;
    if (c < 0x80) {
      mapped.push_back(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    } else {
      icu::UnicodeString s(static_cast<UChar32>(c));
      if (nfkc_cf_ != nullptr) {
        UErrorCode status = U_ZERO_ERROR;
        icu::UnicodeString n = nfkc_cf_->normalize(s, status);
        if (U_SUCCESS(status)) s = n;
      }
      if (t2s_ != nullptr && IsHan(c)) t2s_->transliterate(s);
      mapped = ToU32(s);
    }
    if (cache_.size() > 200000) cache_.clear();
    return cache_.emplace(c, std::move(mapped)).first->second;
  }

  icu::BreakIterator* words() { return words_.get(); }

 private:
  const icu::Normalizer2* nfkc_cf_ = nullptr;
  std::unique_ptr<icu::Transliterator> t2s_;
  std::unique_ptr<icu::BreakIterator> words_;
  std::unordered_map<char32_t, std::u32string> cache_;
};

Analyzer& ThreadAnalyzer() {
  thread_local Analyzer analyzer;
  return analyzer;
}

std::string Utf8Of(const std::u32string& chars, size_t begin, size_t end) {
  std::string out;
  for (size_t i = begin; i < end; ++i) AppendUtf8(chars[i], out);
  return out;
}

}  // namespace

NormalizedText Normalize(absl::string_view text) {
  Analyzer& analyzer = ThreadAnalyzer();
  NormalizedText out;
  std::vector<char32_t> decoded = DecodeUtf8(text);
  out.chars.reserve(decoded.size());
  out.origin.reserve(decoded.size());
  for (uint32_t i = 0; i < decoded.size(); ++i) {
    for (char32_t c : analyzer.Map(decoded[i])) {
      out.chars.push_back(c);
      out.origin.push_back(i);
    }
  }
  return out;
}

std::string NormalizeToString(absl::string_view text) {
  NormalizedText n = Normalize(text);
  return Utf8Of(n.chars, 0, n.chars.size());
}

std::vector<Token> Tokenize(absl::string_view text) {
  NormalizedText n = Normalize(text);
  std::vector<Token> tokens;
  if (n.chars.empty()) return tokens;
  auto origin_end = [&](size_t end) -> uint32_t {
    return n.origin[end - 1] + 1;
  };
  // Bigrams (or a lone unigram) over runs of Han characters.
  struct Positioned {
    size_t begin;
    Token token;
  };
  std::vector<Positioned> out;
  for (size_t i = 0; i < n.chars.size();) {
    if (!IsHan(n.chars[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < n.chars.size() && IsHan(n.chars[j])) ++j;
    for (size_t k = i; k + 1 < j; ++k) {
      out.push_back(
          {k, {Utf8Of(n.chars, k, k + 2), n.origin[k], origin_end(k + 2)}});
    }
    i = j;
  }
  // Words from the dictionary-based segmenter. A two-character Han word is
  // the bigram already there, marked as a word.
  const size_t bigrams = out.size();
  std::vector<size_t> two_character_words;  // their begins
  icu::BreakIterator* words = ThreadAnalyzer().words();
  if (words != nullptr) {
    icu::UnicodeString u = icu::UnicodeString::fromUTF32(
        reinterpret_cast<const UChar32*>(n.chars.data()),
        static_cast<int32_t>(n.chars.size()));
    // UTF-16 index → code point index.
    std::vector<size_t> cp_of(static_cast<size_t>(u.length()) + 1, 0);
    size_t cp = 0;
    for (int32_t i = 0; i < u.length();) {
      UChar32 c = u.char32At(i);
      int32_t len = U16_LENGTH(c);
      for (int32_t k = 0; k < len; ++k) cp_of[i + k] = cp;
      i += len;
      ++cp;
    }
    cp_of[u.length()] = cp;
    words->setText(u);
    int32_t start = words->first();
    for (int32_t end = words->next(); end != icu::BreakIterator::DONE;
         start = end, end = words->next()) {
      if (words->getRuleStatus() < UBRK_WORD_NONE_LIMIT) continue;
      size_t b = cp_of[start], e = cp_of[end];
      if (e <= b) continue;
      bool han = IsHan(n.chars[b]);
      size_t len = e - b;
      if (han && len == 2) {
        two_character_words.push_back(b);
        continue;
      }
      if (!han) {
        // Drop segments with no letter or digit (symbols that ICU counted).
        bool any = false;
        for (size_t k = b; k < e && !any; ++k) {
          any = u_isalnum(static_cast<UChar32>(n.chars[k]));
        }
        if (!any) continue;
      }
      if (len > kMaxTermChars) e = b + kMaxTermChars;
      out.push_back(
          {b, {Utf8Of(n.chars, b, e), n.origin[b], origin_end(e), true}});
    }
  }
  // The bigrams come first in `out`, in order of position.
  size_t bigram = 0;
  for (size_t begin : two_character_words) {
    while (bigram < bigrams && out[bigram].begin < begin) ++bigram;
    if (bigram < bigrams && out[bigram].begin == begin) {
      out[bigram].token.word = true;
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Positioned& a, const Positioned& b) {
                     return a.begin < b.begin;
                   });
  tokens.reserve(out.size());
  for (Positioned& p : out) tokens.push_back(std::move(p.token));
  return tokens;
}

std::vector<std::string> DistinctTerms(absl::string_view text) {
  std::vector<std::string> terms;
  std::unordered_set<std::string> seen;
  for (Token& t : Tokenize(text)) {
    if (seen.insert(t.term).second) terms.push_back(std::move(t.term));
  }
  return terms;
}

bool IsFunctionTerm(absl::string_view term) {
  static const auto* const kWords = new absl::flat_hash_set<std::string>{
      "怎么", "么办", "如何", "怎样",     "为何",   "什么",  "为什",
      "请问", "可以", "能否", "是否",     "一下",   "我的",  "你们",
      "我们", "不好", "不了", "不能",     "没有",   "不到",  "不上",
      "哪里", "在哪", "多久", "什么时候", "怎么办", "为什么"};
  // One Han character: three UTF-8 bytes led by E4–E9 (U+4000–U+9FFF).
  const bool single_han = term.size() == 3 &&
                          static_cast<unsigned char>(term[0]) >= 0xE4 &&
                          static_cast<unsigned char>(term[0]) <= 0xE9;
  return single_han || kWords->contains(term);
}

}  // namespace cs::kb
