#include "services/knowledge_base/domain/workflow.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "libs/common/channel_name.h"
#include "libs/common/errors.h"
#include "libs/common/ids.h"
#include "libs/common/status_macros.h"
#include "libs/common/utf8.h"

namespace cs::kb {

using auth::Role;
using auth::RoleSet;

namespace {

constexpr RoleSet kStaff{
    Role::kAgent,    Role::kTeamLead, Role::kSupervisor,
    Role::kQa,       Role::kKbEditor, Role::kComplaintOfficer,
    Role::kDirector, Role::kAdmin,    Role::kService};

bool ValidId(absl::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' &&
        c != '_') {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::Status CheckPermission(const auth::Principal& principal, Action action) {
  RoleSet allowed;
  switch (action) {
    case Action::kEdit:
    case Action::kReview:
      allowed = RoleSet{Role::kKbEditor};
      break;
    case Action::kDraft:
      allowed = RoleSet{Role::kKbEditor, Role::kService};
      break;
    case Action::kCurate:
      allowed = RoleSet{Role::kKbEditor, Role::kSupervisor, Role::kTeamLead};
      break;
    case Action::kRead:
    case Action::kUse:
      allowed = kStaff;
      break;
  }
  return auth::RequireAnyRole(principal, allowed);
}

bool IsEditor(const auth::Principal& principal) {
  return principal.HasRole(Role::kKbEditor);
}

absl::Status CheckTransition(v1::ArticleState from, v1::ArticleState to) {
  using S = v1::ArticleState;
  static const std::set<std::pair<int, int>> kAllowed = {
      {S::ARTICLE_STATE_DRAFT, S::ARTICLE_STATE_IN_REVIEW},
      {S::ARTICLE_STATE_IN_REVIEW, S::ARTICLE_STATE_PUBLISHED},
      {S::ARTICLE_STATE_IN_REVIEW, S::ARTICLE_STATE_DRAFT},
      {S::ARTICLE_STATE_PUBLISHED, S::ARTICLE_STATE_DRAFT},
      {S::ARTICLE_STATE_PUBLISHED, S::ARTICLE_STATE_ARCHIVED},
      {S::ARTICLE_STATE_DRAFT, S::ARTICLE_STATE_ARCHIVED},
      // Restore: back to a working copy that goes through review again.
      {S::ARTICLE_STATE_ARCHIVED, S::ARTICLE_STATE_DRAFT},
      // Rollback republishes from a draft or a published state.
      {S::ARTICLE_STATE_DRAFT, S::ARTICLE_STATE_PUBLISHED},
      {S::ARTICLE_STATE_PUBLISHED, S::ARTICLE_STATE_PUBLISHED},
  };
  if (kAllowed.count({from, to}) > 0) return absl::OkStatus();
  return WithErrorInfo(absl::FailedPreconditionError(absl::StrCat(
                           "article is ", v1::ArticleState_Name(from),
                           "; cannot move to ", v1::ArticleState_Name(to))),
                       "ILLEGAL_TRANSITION",
                       {{"from", v1::ArticleState_Name(from)},
                        {"to", v1::ArticleState_Name(to)}});
}

std::string VersionLabel(int major, int minor) {
  return absl::StrCat(major, ".", minor);
}

std::pair<int, int> NextVersion(int major, int minor, bool major_bump) {
  if (major == 0) return {1, 0};
  if (major_bump) return {major + 1, 0};
  return {major, minor + 1};
}

std::string ArticleName(absl::string_view id) {
  return absl::StrCat("articles/", id);
}

std::string VersionResourceName(absl::string_view id, int major, int minor) {
  return absl::StrCat("articles/", id, "/versions/", major, ".", minor);
}

std::string KbId(absl::string_view id) {
  return IsUlid(absl::AsciiStrToUpper(id)) ? absl::AsciiStrToLower(id)
                                           : std::string(id);
}

absl::StatusOr<std::string> ParseArticleName(absl::string_view name,
                                             absl::string_view field) {
  if (name.empty()) return InvalidField(field, "required");
  if (!absl::ConsumePrefix(&name, "articles/") || !ValidId(name)) {
    return InvalidField(field, "must be articles/{id}");
  }
  return KbId(name);
}

absl::StatusOr<VersionName> ParseVersionName(absl::string_view name,
                                             absl::string_view field) {
  if (name.empty()) return InvalidField(field, "required");
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  VersionName out;
  std::vector<absl::string_view> numbers;
  if (parts.size() == 4 && parts[0] == "articles" && ValidId(parts[1]) &&
      parts[2] == "versions") {
    numbers = absl::StrSplit(parts[3], '.');
  }
  if (numbers.size() != 2 || !absl::SimpleAtoi(numbers[0], &out.major) ||
      !absl::SimpleAtoi(numbers[1], &out.minor) || out.major < 1 ||
      out.minor < 0) {
    return InvalidField(field,
                        "must be articles/{id}/versions/{major}.{minor}");
  }
  out.article_id = KbId(parts[1]);
  return out;
}

absl::StatusOr<std::string> ParseCategoryName(absl::string_view name,
                                              absl::string_view field) {
  if (name.empty()) return InvalidField(field, "required");
  if (!absl::ConsumePrefix(&name, "categories/") || !ValidId(name)) {
    return InvalidField(field, "must be categories/{id}");
  }
  return KbId(name);
}

absl::Status ValidateText(absl::string_view text, absl::string_view field,
                          size_t max_chars, bool required,
                          bool allow_newlines) {
  if (!IsValidUtf8(text)) return InvalidField(field, "not valid UTF-8");
  if (required && text.empty()) return InvalidField(field, "required");
  if (CharLength(text) > max_chars) {
    return InvalidField(field,
                        absl::StrCat("longer than ", max_chars, " characters"));
  }
  if (HasControlChars(text, allow_newlines)) {
    return InvalidField(field, "contains control characters");
  }
  return absl::OkStatus();
}

namespace {

// Customer types as in cs.ticket.v1.CustomerType, without the prefix.
constexpr absl::string_view kCustomerTypes[] = {"NEW", "RETURNING", "VIP"};

// OK for a channel named as in cs.common.v1.Channel without its prefix
// ("PHONE", "ONLINE_CHAT"; any case), INVALID_ARGUMENT on `field` otherwise.
absl::Status CheckChannel(absl::string_view name, absl::string_view field) {
  RETURN_IF_ERROR(ValidateText(name, field, 40, true));
  if (ParseChannelShortName(absl::AsciiStrToUpper(name)).has_value()) {
    return absl::OkStatus();
  }
  return InvalidField(field, absl::StrCat("unknown channel ", name, "; one of ",
                                          ChannelShortNames()));
}

// The same for a customer type (NEW, RETURNING, VIP; any case).
absl::Status CheckCustomerType(absl::string_view name,
                               absl::string_view field) {
  RETURN_IF_ERROR(ValidateText(name, field, 40, true));
  for (absl::string_view known : kCustomerTypes) {
    if (absl::EqualsIgnoreCase(name, known)) return absl::OkStatus();
  }
  return InvalidField(field, absl::StrCat("unknown customer type ", name,
                                          "; one of NEW, RETURNING, VIP"));
}

}  // namespace

absl::Status ValidateContent(v1::ArticleContent& content,
                             absl::string_view prefix) {
  auto f = [&](absl::string_view name) { return absl::StrCat(prefix, name); };
  if (absl::Status s = ValidateText(content.title(), f("title"), 200, true);
      !s.ok()) {
    return s;
  }
  if (absl::StripAsciiWhitespace(content.title()).empty()) {
    return InvalidField(f("title"), "required");
  }
  if (absl::Status s =
          ValidateText(content.body(), f("body"), 100000, true, true);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::string> category =
      ParseCategoryName(content.category(), f("category"));
  if (!category.ok()) return category.status();
  content.set_category(absl::StrCat("categories/", *category));
  if (content.tags_size() > 20) return InvalidField(f("tags"), "at most 20");
  std::set<std::string> seen;
  for (const std::string& tag : content.tags()) {
    if (absl::Status s = ValidateText(tag, f("tags"), 40, true); !s.ok()) {
      return s;
    }
    if (!seen.insert(tag).second) {
      return InvalidField(f("tags"), absl::StrCat("duplicate tag ", tag));
    }
  }
  // Stored in the canonical upper case, whatever case they came in.
  for (std::string& c : *content.mutable_channels()) {
    RETURN_IF_ERROR(CheckChannel(c, f("channels")));
    absl::AsciiStrToUpper(&c);
  }
  for (std::string& c : *content.mutable_customer_types()) {
    RETURN_IF_ERROR(CheckCustomerType(c, f("customer_types")));
    absl::AsciiStrToUpper(&c);
  }
  if (content.language().empty()) content.set_language("zh-CN");
  if (absl::Status s =
          ValidateText(content.language(), f("language"), 35, true);
      !s.ok()) {
    return s;
  }
  if (content.format() == v1::BODY_FORMAT_UNSPECIFIED) {
    content.set_format(v1::BODY_FORMAT_PLAIN_TEXT);
  }
  if (!v1::BodyFormat_IsValid(content.format())) {
    return InvalidField(f("format"), "unknown format");
  }
  return absl::OkStatus();
}

absl::StatusOr<SearchQuery> SearchQueryOf(const v1::SearchRequest& request) {
  RETURN_IF_ERROR(ValidateText(request.query(), "query", 200, true));
  SearchQuery query;
  query.text = request.query();
  if (!request.category().empty()) {
    ASSIGN_OR_RETURN(const std::string category,
                     ParseCategoryName(request.category(), "category"));
    query.category = absl::StrCat("categories/", category);
  }
  for (int i = 0; i < request.tags_size(); ++i) {
    RETURN_IF_ERROR(
        ValidateText(request.tags(i), absl::StrCat("tags[", i, "]"), 40, true));
  }
  query.tags.assign(request.tags().begin(), request.tags().end());
  RETURN_IF_ERROR(ValidateText(request.language(), "language", 35, false));
  query.language = request.language();
  if (!request.channel().empty()) {
    RETURN_IF_ERROR(CheckChannel(request.channel(), "channel"));
  }
  query.channel = request.channel();
  if (!request.customer_type().empty()) {
    RETURN_IF_ERROR(
        CheckCustomerType(request.customer_type(), "customer_type"));
  }
  query.customer_type = request.customer_type();
  return query;
}

}  // namespace cs::kb
