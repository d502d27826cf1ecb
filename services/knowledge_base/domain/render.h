// Text renderings of article content and line diffs of versions. Pure;
// thread-safe.
#ifndef CS_SERVICES_KNOWLEDGE_BASE_DOMAIN_RENDER_H_
#define CS_SERVICES_KNOWLEDGE_BASE_DOMAIN_RENDER_H_

#include <string>
#include <vector>

#include "cs/kb/v1/kb.pb.h"

namespace cs::kb {

// The body as plain text: Markdown loses its markup (headings, emphasis,
// code fences, block quotes; links become "text (url)"; list items "• ");
// plain text is returned unchanged.
std::string PlainBody(const std::string& body, v1::BodyFormat format);

// Customer-ready text: the title, a blank line and the plain body, with
// runs of blank lines collapsed and trailing spaces trimmed.
std::string CustomerText(const v1::ArticleContent& content);

// Line diff (longest common subsequence) of `from` and `to`.
std::vector<v1::DiffLine> LineDiff(const std::string& from,
                                   const std::string& to);

// What DiffVersions compares: "title\n\nbody", a blank line, and one line
// per other field of the content ("category: …", "tags: a, b", "channels:
// …", "customer_types: …", "format: …", "language: …"), so a change of
// tags or applicability shows as a changed line too.
std::string DiffableText(const v1::ArticleContent& content);

}  // namespace cs::kb

#endif  // CS_SERVICES_KNOWLEDGE_BASE_DOMAIN_RENDER_H_
