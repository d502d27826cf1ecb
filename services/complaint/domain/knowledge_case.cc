#include "services/complaint/domain/knowledge_case.h"

#include <cstdlib>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "libs/common/errors.h"
#include "libs/common/money.h"
#include "libs/common/pii_text.h"
#include "libs/common/time_proto.h"
#include "libs/common/utf8.h"
#include "services/complaint/domain/complaint_rules.h"

namespace cs::complaint {
namespace {

absl::string_view ClassificationName(v1::Classification c) {
  switch (c) {
    case v1::CLASSIFICATION_QUALITY:
      return "质量问题";
    case v1::CLASSIFICATION_NON_QUALITY:
      return "非质量问题";
    default:
      return "未分类";
  }
}

absl::string_view FishboneName(v1::FishboneCategory c) {
  switch (c) {
    case v1::FISHBONE_CATEGORY_PEOPLE:
      return "人员";
    case v1::FISHBONE_CATEGORY_PROCESS:
      return "流程";
    case v1::FISHBONE_CATEGORY_PRODUCT:
      return "产品";
    case v1::FISHBONE_CATEGORY_SYSTEM:
      return "系统";
    case v1::FISHBONE_CATEGORY_ENVIRONMENT:
      return "环境";
    default:
      return "";
  }
}

absl::string_view RemedyName(v1::RemedyKind k) {
  switch (k) {
    case v1::REMEDY_KIND_REFUND:
      return "退款";
    case v1::REMEDY_KIND_EXCHANGE:
      return "换货";
    case v1::REMEDY_KIND_REPAIR:
      return "维修";
    case v1::REMEDY_KIND_DISCOUNT:
      return "折扣";
    case v1::REMEDY_KIND_COMPENSATION:
      return "赔偿";
    case v1::REMEDY_KIND_APOLOGY:
      return "道歉";
    default:
      return "其他";
  }
}

absl::string_view DecisionName(v1::CustomerDecision d) {
  switch (d) {
    case v1::CUSTOMER_DECISION_ACCEPTED:
      return "客户接受";
    case v1::CUSTOMER_DECISION_REJECTED:
      return "客户拒绝";
    default:
      return "未决定";
  }
}

// One line of Markdown list text: masked, newlines folded.
std::string Line(absl::string_view text) {
  std::string out = MaskPiiText(text);
  for (char& ch : out) {
    if (ch == '\n' || ch == '\r') ch = ' ';
  }
  return out;
}

std::string Body(const v1::Complaint& c) {
  std::string b = absl::StrCat("# ", kCaseCategoryRoot, "：",
                               CauseDisplayName(c.cause()), "\n\n");
  absl::StrAppend(&b, "## 投诉事项\n\n");
  for (const std::string& item : c.items()) {
    absl::StrAppend(&b, "- ", Line(item), "\n");
  }
  absl::StrAppend(&b, "\n## 原因分类\n\n- 原因：", CauseDisplayName(c.cause()),
                  "\n- 分类：", ClassificationName(c.classification()), "\n");
  if (!c.department().empty()) {
    absl::StrAppend(&b, "- 责任部门：", Line(c.department()), "\n");
  }
  if (c.has_root_cause()) {
    absl::StrAppend(&b, "\n## 根因分析（",
                    FishboneName(c.root_cause().category()), "）\n\n",
                    MaskPiiText(c.root_cause().analysis()), "\n");
  }
  absl::StrAppend(&b, "\n## 处理方案\n");
  for (const v1::Round& round : c.rounds()) {
    absl::StrAppend(&b, "\n### 第", round.number(), "轮（",
                    DecisionName(round.decision()), "）\n\n",
                    MaskPiiText(round.solution()), "\n");
    for (const v1::Remedy& remedy : round.remedies()) {
      absl::StrAppend(&b, "- ", RemedyName(remedy.kind()));
      if (remedy.amount().minor_units() > 0) {
        absl::StrAppend(&b, " ", FormatMoney(remedy.amount()));
      }
      if (!remedy.note().empty())
        absl::StrAppend(&b, "：", Line(remedy.note()));
      absl::StrAppend(&b, "\n");
    }
  }
  if (c.corrective_actions_size() > 0) {
    absl::StrAppend(&b, "\n## 纠正措施\n\n");
    for (const v1::CorrectiveAction& a : c.corrective_actions()) {
      absl::StrAppend(&b, "- ", Line(a.description()), "（",
                      a.done() ? "已完成" : "未完成", "，期限 ",
                      absl::FormatTime("%Y-%m-%d", FromProtoTime(a.due_time()),
                                       absl::FixedTimeZone(8 * 3600)),
                      "）\n");
    }
  }
  absl::StrAppend(&b, "\n## 处理结果\n\n- 处理轮次：", c.rounds_size(), "\n");
  if (c.revisit_satisfaction() > 0) {
    absl::StrAppend(&b, "- 回访满意度：", c.revisit_satisfaction(), "/5\n");
  }
  return b;
}

}  // namespace

absl::string_view CauseDisplayName(v1::CauseCategory cause) {
  switch (cause) {
    case v1::CAUSE_CATEGORY_SERVICE_ATTITUDE:
      return "服务态度";
    case v1::CAUSE_CATEGORY_PROCESS:
      return "流程问题";
    case v1::CAUSE_CATEGORY_PRODUCT_QUALITY:
      return "产品质量";
    case v1::CAUSE_CATEGORY_LOGISTICS:
      return "物流配送";
    default:
      return "其他";
  }
}

absl::Status CheckPublishable(const v1::Complaint& c) {
  if (c.stage() == v1::COMPLAINT_STAGE_CLOSED) return absl::OkStatus();
  return WithErrorInfo(
      absl::FailedPreconditionError(absl::StrCat(
          "complaint is ", StageName(c.stage()),
          "; only CLOSED complaints are published to the knowledge base")),
      "ILLEGAL_TRANSITION", {{"current", std::string(StageName(c.stage()))}});
}

v1::PublishCase BuildPublishCase(const v1::Complaint& c) {
  v1::PublishCase command;
  command.set_complaint(c.name());
  command.add_category_path(std::string(kCaseCategoryRoot));
  command.add_category_path(std::string(CauseDisplayName(c.cause())));
  kb::v1::CreateArticleRequest* req = command.mutable_request();
  absl::string_view id = c.name();
  absl::ConsumePrefix(&id, "complaints/");
  req->set_request_id(absl::StrCat("complaint-kb-", id));
  kb::v1::ArticleContent* content = req->mutable_content();
  std::vector<std::string> items;
  for (const std::string& item : c.items()) items.push_back(Line(item));
  std::string title =
      absl::StrCat(kCaseCategoryRoot, "：", CauseDisplayName(c.cause()));
  if (!items.empty()) absl::StrAppend(&title, "｜", absl::StrJoin(items, "、"));
  content->set_title(Utf8Prefix(title, 80));
  content->set_body(Body(c));
  content->set_format(kb::v1::BODY_FORMAT_MARKDOWN);
  content->set_language("zh-CN");
  std::set<std::string> seen;
  auto tag = [&](absl::string_view t) {
    if (!t.empty() && seen.insert(std::string(t)).second) {
      content->add_tags(std::string(t));
    }
  };
  tag(kCaseCategoryRoot);
  tag(CauseDisplayName(c.cause()));
  tag(ClassificationName(c.classification()));
  tag(FishboneName(c.root_cause().category()));
  for (const v1::Round& round : c.rounds()) {
    if (round.decision() != v1::CUSTOMER_DECISION_ACCEPTED) continue;
    for (const v1::Remedy& remedy : round.remedies()) {
      tag(RemedyName(remedy.kind()));
    }
  }
  return command;
}

}  // namespace cs::complaint
