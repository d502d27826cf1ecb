// csbench load against the real knowledge-base and complaint servers (the
// complaint service's test environment: every service a ServiceHost on a
// loopback port with its own RocksDB): the prepared articles are published
// and found, every complaint filed is stored with its Chinese description.
#include "tools/csbench/load.h"

#include "services/complaint/testing/complaint_test_env.h"

namespace cs::complaint::testing {
namespace {

class CsbenchLoadTest : public ComplaintServiceTest {};

TEST_F(CsbenchLoadTest, SearchesTheKnowledgeBaseAndFilesComplaints) {
  csbench::LoadOptions options;
  options.kb_target = absl::StrCat("127.0.0.1:", kb_host_->port());
  options.complaint_target =
      absl::StrCat("127.0.0.1:", complaint_host_->port());
  absl::StatusOr<csbench::OpMix> mix =
      csbench::OpMix::Parse("kb_search=3,complaint_file=1");
  ASSERT_TRUE(mix.ok()) << mix.status();
  options.mix = *mix;
  options.concurrency = 4;
  options.window.warmup = absl::ZeroDuration();
  options.window.count = 60;
  options.prepare_articles = 5;
  options.token = cs::testing::TestToken(
      {Role::kAgent, Role::kKbEditor, Role::kComplaintOfficer}, "csbench");
  options.review_token =
      cs::testing::TestToken({Role::kKbEditor}, "csbench-reviewer");
  options.progress = false;

  absl::StatusOr<csbench::RunReport> report = csbench::RunLoad(options);
  ASSERT_TRUE(report.ok()) << report.status();
  uint64_t filed = 0, searched = 0;
  for (const csbench::OpReport& op : report->ops_stats) {
    EXPECT_EQ(op.stats.errors(), 0u) << op.name;
    if (op.name == "complaint_file") filed = op.stats.ok();
    if (op.name == "kb_search") searched = op.stats.ok();
  }
  EXPECT_GT(searched, 0u);
  ASSERT_GT(filed, 0u);

  v1::ListRequest list;
  list.set_page_size(100);
  auto complaints = cs::testing::CallAs(
      complaints_.get(), &v1::ComplaintService::Stub::List, officer_, list);
  ASSERT_TRUE(complaints.ok()) << complaints.status();
  // Every call filed one complaint (warm-up is off; the count may be
  // overshot by calls already in flight, which are filed too).
  EXPECT_GE(static_cast<uint64_t>(complaints->complaints_size()), filed);
  for (const v1::Complaint& complaint : complaints->complaints()) {
    EXPECT_TRUE(absl::StrContains(complaint.description(), "，"))
        << complaint.description();
  }

  kbv1::SearchRequest search;
  search.set_query("处理指引");
  auto hits = cs::testing::CallAs(
      kb_.get(), &kbv1::KnowledgeBaseService::Stub::Search, agent_, search);
  ASSERT_TRUE(hits.ok()) << hits.status();
  EXPECT_EQ(hits->total_hits(), 5);
}

TEST(CsbenchLoadOptionsTest, EachOperationNeedsItsTarget) {
  csbench::LoadOptions options;
  options.mix = *csbench::OpMix::Parse("kb_search");
  EXPECT_THAT(csbench::RunLoad(options).status().message(),
              ::testing::HasSubstr("--kb-target"));
  options.mix = *csbench::OpMix::Parse("complaint_file");
  EXPECT_THAT(csbench::RunLoad(options).status().message(),
              ::testing::HasSubstr("--complaint-target"));
  options.mix = *csbench::OpMix::Parse("create");
  EXPECT_THAT(csbench::RunLoad(options).status().message(),
              ::testing::HasSubstr("--target"));
  options.mix = *csbench::OpMix::Parse("kb_search");
  options.kb_target = "127.0.0.1:1";
  EXPECT_THAT(csbench::RunLoad(options).status().message(),
              ::testing::HasSubstr("review token"));
}

}  // namespace
}  // namespace cs::complaint::testing
