#include "services/knowledge_base/domain/render.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace cs::kb {
namespace {

// Inline Markdown: [text](url) → "text (url)", drops ** __ ` and single
// * or _ used as emphasis markers around words.
std::string StripInline(absl::string_view line) {
  std::string out;
  for (size_t i = 0; i < line.size();) {
    char c = line[i];
    if (c == '[') {
      size_t close = line.find(']', i);
      if (close != absl::string_view::npos && close + 1 < line.size() &&
          line[close + 1] == '(') {
        size_t paren = line.find(')', close);
        if (paren != absl::string_view::npos) {
          absl::StrAppend(&out, StripInline(line.substr(i + 1, close - i - 1)),
                          " (", line.substr(close + 2, paren - close - 2), ")");
          i = paren + 1;
          continue;
        }
      }
    }
    if (c == '`' || c == '*' ||
        (c == '_' && (i + 1 < line.size() && line[i + 1] == '_'))) {
      ++i;
      continue;
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

}  // namespace

std::string PlainBody(const std::string& body, v1::BodyFormat format) {
  if (format != v1::BODY_FORMAT_MARKDOWN) return body;
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(body, '\n')) {
    absl::string_view trimmed = absl::StripLeadingAsciiWhitespace(line);
    if (absl::StartsWith(trimmed, "```")) continue;
    if (absl::StartsWith(trimmed, "#")) {
      while (absl::ConsumePrefix(&trimmed, "#")) {
      }
      lines.push_back(StripInline(absl::StripAsciiWhitespace(trimmed)));
      continue;
    }
    if (absl::ConsumePrefix(&trimmed, ">")) {
      lines.push_back(StripInline(absl::StripLeadingAsciiWhitespace(trimmed)));
      continue;
    }
    if (absl::ConsumePrefix(&trimmed, "- ") ||
        absl::ConsumePrefix(&trimmed, "* ") ||
        absl::ConsumePrefix(&trimmed, "+ ")) {
      lines.push_back(absl::StrCat("• ", StripInline(trimmed)));
      continue;
    }
    if (trimmed == "---" || trimmed == "***") continue;
    lines.push_back(StripInline(line));
  }
  return absl::StrJoin(lines, "\n");
}

std::string CustomerText(const v1::ArticleContent& content) {
  std::string plain = PlainBody(content.body(), content.format());
  std::vector<std::string> out = {
      std::string(absl::StripAsciiWhitespace(content.title())), ""};
  bool blank = true;
  for (absl::string_view line : absl::StrSplit(plain, '\n')) {
    absl::string_view t = absl::StripTrailingAsciiWhitespace(line);
    if (t.empty()) {
      if (blank) continue;
      blank = true;
    } else {
      blank = false;
    }
    out.emplace_back(t);
  }
  while (!out.empty() && out.back().empty()) out.pop_back();
  return absl::StrJoin(out, "\n");
}

std::string DiffableText(const v1::ArticleContent& content) {
  absl::string_view format = v1::BodyFormat_Name(content.format());
  absl::ConsumePrefix(&format, "BODY_FORMAT_");
  return absl::StrCat(
      content.title(), "\n\n", content.body(), "\n\n",
      "category: ", content.category(), "\n",
      "tags: ", absl::StrJoin(content.tags(), ", "), "\n",
      "channels: ", absl::StrJoin(content.channels(), ", "), "\n",
      "customer_types: ", absl::StrJoin(content.customer_types(), ", "), "\n",
      "format: ", format, "\n", "language: ", content.language());
}

std::vector<v1::DiffLine> LineDiff(const std::string& from,
                                   const std::string& to) {
  std::vector<std::string> a = absl::StrSplit(from, '\n');
  std::vector<std::string> b = absl::StrSplit(to, '\n');
  // Common prefix and suffix first; the LCS table covers only the middle,
  // and a middle too large for it (over 4M cells) becomes delete-all +
  // insert-all.
  size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) {
    ++prefix;
  }
  size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
    ++suffix;
  }
  std::vector<v1::DiffLine> head, tail;
  for (size_t k = 0; k < prefix; ++k) {
    head.emplace_back();
    head.back().set_op(v1::DiffLine::OP_EQUAL);
    head.back().set_text(a[k]);
  }
  for (size_t k = a.size() - suffix; k < a.size(); ++k) {
    tail.emplace_back();
    tail.back().set_op(v1::DiffLine::OP_EQUAL);
    tail.back().set_text(a[k]);
  }
  a = std::vector<std::string>(a.begin() + prefix, a.end() - suffix);
  b = std::vector<std::string>(b.begin() + prefix, b.end() - suffix);
  const bool too_big = (a.size() + 1) * (b.size() + 1) > 4000000;
  const size_t n = too_big ? 0 : a.size(), m = too_big ? 0 : b.size();
  std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1
                               : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::vector<v1::DiffLine> out = std::move(head);
  auto add = [&](v1::DiffLine::Op op, const std::string& text) {
    v1::DiffLine line;
    line.set_op(op);
    line.set_text(text);
    out.push_back(std::move(line));
  };
  size_t i = 0, j = 0;
  while (i < n && j < m) {
    if (a[i] == b[j]) {
      add(v1::DiffLine::OP_EQUAL, a[i]);
      ++i;
      ++j;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
      add(v1::DiffLine::OP_DELETE, a[i++]);
    } else {
      add(v1::DiffLine::OP_INSERT, b[j++]);
    }
  }
  while (i < a.size()) add(v1::DiffLine::OP_DELETE, a[i++]);
  while (j < b.size()) add(v1::DiffLine::OP_INSERT, b[j++]);
  for (v1::DiffLine& line : tail) out.push_back(std::move(line));
  return out;
}

}  // namespace cs::kb
