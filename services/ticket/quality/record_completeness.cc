#include "services/ticket/quality/record_completeness.h"

#include <algorithm>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "libs/common/utf8.h"
#include "services/ticket/domain/apply.h"

namespace cs::ticket::quality {
namespace {

// Longest first, so that "问题已解决" is consumed before "已解决".
constexpr absl::string_view kStockPhrases[] = {
    "问题已经解决", "已经解决了", "问题已解决", "客户很满意", "客户表示满意",
    "客户已满意",   "处理完毕",   "处理完成",   "已经处理",   "问题解决",
    "客户满意",     "已经解决",   "已解决",     "已处理",     "已完成",
    "已回复",       "已办结",     "已结案",     "解决了",     "满意",
    "解决",         "完成",       "好的",       "ok",         "done",
    "了",
};

bool IsSeparator(char32_t c) {
  if (c < 0x80) return !absl::ascii_isalnum(static_cast<unsigned char>(c));
  // CJK and full-width punctuation: 、。，！？；：“”‘’（）《》…— and spaces.
  return (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFF0F) ||
         (c >= 0xFF1A && c <= 0xFF20) || (c >= 0x2010 && c <= 0x206F);
}

// `text` without separators, ASCII lower-cased.
std::string Compact(absl::string_view text) {
  std::string out;
  const std::vector<char32_t> chars = DecodeUtf8(text);
  size_t pos = 0;
  for (char32_t c : chars) {
    // Re-encode from the source bytes: find the byte length of `c`.
    const size_t len = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (!IsSeparator(c)) {
      out.append(std::string(text.substr(pos, len)));
    }
    pos += len;
  }
  return absl::AsciiStrToLower(out);
}

}  // namespace

bool IsVagueResult(absl::string_view result) {
  std::string rest = Compact(result);
  bool progress = true;
  while (!rest.empty() && progress) {
    progress = false;
    for (absl::string_view phrase : kStockPhrases) {
      if (absl::StartsWith(rest, phrase)) {
        rest.erase(0, phrase.size());
        progress = true;
        break;
      }
    }
  }
  return rest.empty();
}

RecordCheck CheckServiceRecord(const v1::Ticket& ticket) {
  RecordCheck check;
  auto require = [&](bool present, const char* field) {
    if (!present) check.missing_fields.push_back(field);
  };
  require(!ticket.number().empty(), "number");
  require(!ticket.customer_id().empty(), "customer_id");
  require(!ticket.customer_display_name().empty(), "customer_display_name");
  require(!ticket.customer_contact().empty(), "customer_contact");
  require(ticket.customer_type() != v1::CUSTOMER_TYPE_UNSPECIFIED,
          "customer_type");
  require(!ticket.description().empty(), "description");
  require(ticket.grade() != cs::common::v1::GRADE_UNSPECIFIED, "grade");
  require(!ticket.department().empty(), "department");
  require(!ticket.resolution().empty(), "resolution");
  require(ticket.has_create_time(), "create_time");
  require(ticket.has_resolve_time(), "resolve_time");
  require(!ticket.assignee().empty(), "assignee");
  check.vague_result =
      !ticket.resolution().empty() && IsVagueResult(ticket.resolution());
  return check;
}

v1::ServiceRecordChecked ServiceRecordCheckedEvent(const v1::Ticket& ticket,
                                                   const RecordCheck& check) {
  v1::ServiceRecordChecked event;
  *event.mutable_facts() = MakeFacts(ticket);
  event.set_complete(check.complete());
  for (const std::string& f : check.missing_fields) {
    event.add_missing_fields(f);
  }
  event.set_vague_result(check.vague_result);
  return event;
}

}  // namespace cs::ticket::quality
