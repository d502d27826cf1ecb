#include "services/ticket/store/ticket_repository.h"

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"
#include "libs/common/ids.h"
#include "libs/testing/temp_dir.h"
#include "libs/common/time_proto.h"

namespace cs::ticket {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

const absl::Time kT0 =
    absl::FromUnixSeconds(1763856000);  // 2025-11-23 08:00 +8

class TicketRepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    repo_.reset();
    store_.reset();
    auto store = Store::Open(
        {.path = dir_.Sub("db"), .column_families = TicketColumnFamilies()});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    auto repo = TicketRepository::Open(*store_);
    ASSERT_TRUE(repo.ok()) << repo.status();
    repo_ = *std::move(repo);
  }

  // A stored ticket created at kT0 + offset.
  v1::Ticket Insert(absl::Duration offset, const std::string& department,
                    const std::string& customer = "c-1001",
                    v1::TicketStatus status = v1::TICKET_STATUS_NEW,
                    const std::string& assignee = "") {
    v1::Ticket t;
    t.set_id(NewUlid(kT0 + offset));
    t.set_name(absl::StrCat("tickets/", t.id()));
    t.set_subject("手机信号弱");
    t.set_customer_id(customer);
    t.set_department(department);
    t.set_assignee(assignee);
    t.set_status(status);
    *t.mutable_create_time() = ToProtoTime(kT0 + offset);
    WriteSet writes;
    repo_->PutTicket(writes, nullptr, t, t.SerializeAsString());
    EXPECT_TRUE(store_->Commit(writes).ok());
    return t;
  }

  std::vector<std::string> IndexKeysStored() {
    std::vector<std::string> keys;
    EXPECT_TRUE(store_
                    ->Scan(*store_->Family(kTicketIndexFamily), "", "", 0,
                           [&](absl::string_view key, absl::string_view) {
                             keys.emplace_back(key);
                             return true;
                           })
                    .ok());
    return keys;
  }

  // Every ticket id matching `query`, walking all pages.
  std::vector<std::string> Walk(TicketListQuery query, int* pages = nullptr) {
    std::vector<std::string> ids;
    int count = 0;
    while (true) {
      auto page = repo_->ListTickets(query);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      ++count;
      for (const std::string& bytes : page->tickets) {
        absl::StatusOr<v1::Ticket> t = TicketRepository::ParseTicket(bytes);
        EXPECT_TRUE(t.ok()) << t.status();
        if (t.ok()) ids.push_back(t->id());
      }
      if (page->next_after_key.empty()) break;
      query.after_key = page->next_after_key;
      if (count > 1000) break;
    }
    if (pages != nullptr) *pages = count;
    return ids;
  }

  cs::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<TicketRepository> repo_;
};

TEST_F(TicketRepositoryTest, LoadsWhatWasPutAndNamesMissingRecords) {
  v1::Ticket t = Insert(absl::ZeroDuration(), "客服部");
  auto loaded = repo_->LoadTicket(t.id());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->subject(), "手机信号弱");
  auto missing = repo_->LoadTicket("01HZZZZZZZZZZZZZZZZZZZZZZZ");
  EXPECT_TRUE(absl::IsNotFound(missing.status()));
  EXPECT_EQ(missing.status().message(),
            "tickets/01HZZZZZZZZZZZZZZZZZZZZZZZ not found");
  EXPECT_EQ(repo_->LoadCustomer("c-404").status().message(),
            "customers/c-404 not found");
}

TEST_F(TicketRepositoryTest, IndexFollowsIndexedFieldsInTheSameWrite) {
  v1::Ticket before = Insert(absl::ZeroDuration(), "");
  const std::string be =
      EncodeBigEndian64(static_cast<uint64_t>(absl::ToUnixMicros(kT0)));
  const std::string tail = absl::StrCat(be, before.id());
  using std::string_literals::operator""s;
  EXPECT_THAT(IndexKeysStored(),
              ElementsAre("c/" + tail, "s/\x01"s + tail, "u/c-1001\0"s + tail));

  v1::Ticket after = before;
  after.set_department("技术支持部");
  after.set_assignee("agent-007");
  after.set_status(v1::TICKET_STATUS_ASSIGNED);
  WriteSet writes;
  repo_->PutTicket(writes, &before, after, after.SerializeAsString());
  ASSERT_TRUE(store_->Commit(writes).ok());
  EXPECT_THAT(IndexKeysStored(),
              ElementsAre("a/agent-007\0"s + tail, "c/" + tail,
                          "d/技术支持部\0"s + tail, "s/\x03"s + tail,
                          "u/c-1001\0"s + tail));
  EXPECT_EQ(TicketRepository::IndexKeys(after).size(), 5u);
}

TEST_F(TicketRepositoryTest, DailySequencesContinueAfterRestartWithoutReuse) {
  const absl::CivilDay day(2025, 11, 23);
  const absl::CivilDay next_day(2025, 11, 24);
  EXPECT_EQ(*repo_->NextDailySequence(day), 1u);
  EXPECT_EQ(*repo_->NextDailySequence(day), 2u);
  EXPECT_EQ(*repo_->NextDailySequence(next_day), 1u);
  uint64_t third = *repo_->NextDailySequence(day);  // never committed: a gap
  EXPECT_EQ(third, 3u);
  WriteSet writes;
  repo_->PutNumber(writes, day, 1, "A");
  repo_->PutNumber(writes, day, 2, "B");
  ASSERT_TRUE(store_->Commit(writes).ok());
  EXPECT_EQ(*repo_->FindTicketByNumber(day, 2), "B");
  EXPECT_TRUE(absl::IsNotFound(repo_->FindTicketByNumber(day, 3).status()));
  EXPECT_EQ(TicketRepository::DayKey(day), "20251123");

  Reopen();
  EXPECT_EQ(*repo_->NextDailySequence(day), 3u);  // after the committed 2
  EXPECT_EQ(*repo_->NextDailySequence(next_day), 1u);
}

TEST_F(TicketRepositoryTest, CreateRequestRecordsRoundTrip) {
  EXPECT_FALSE(repo_->FindCreateRequest("req-1")->has_value());
  v1::CreateRequestRecord record;
  record.set_request_id("req-1");
  record.set_ticket_id("01HV0000000000000000000000");
  record.set_fingerprint("指纹");
  WriteSet writes;
  repo_->PutCreateRequest(writes, record);
  ASSERT_TRUE(store_->Commit(writes).ok());
  auto found = repo_->FindCreateRequest("req-1");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->ticket_id(), "01HV0000000000000000000000");
  EXPECT_EQ((*found)->fingerprint(), "指纹");
}

TEST_F(TicketRepositoryTest, ListsWalkEveryIndexInOrderAcrossPages) {
  std::vector<v1::Ticket> all;
  const char* departments[] = {"客服部", "技术支持部", "售后部"};
  for (int i = 0; i < 30; ++i) {
    // Pairs of tickets share a create time.
    all.push_back(Insert(
        absl::Minutes(i / 2), departments[i % 3], i % 2 == 0 ? "c-1" : "c-2",
        i % 4 == 0 ? v1::TICKET_STATUS_OPEN : v1::TICKET_STATUS_NEW,
        i % 5 == 0 ? "agent-1" : ""));
  }
  auto expected = [&](auto pred, bool descending) {
    std::vector<v1::Ticket> matching;
    for (const v1::Ticket& t : all) {
      if (pred(t)) matching.push_back(t);
    }
    std::sort(
        matching.begin(), matching.end(),
        [](const v1::Ticket& a, const v1::Ticket& b) {
          auto ka = std::make_pair(FromProtoTime(a.create_time()), a.id());
          auto kb = std::make_pair(FromProtoTime(b.create_time()), b.id());
          return ka < kb;
        });
    if (descending) std::reverse(matching.begin(), matching.end());
    std::vector<std::string> ids;
    for (const v1::Ticket& t : matching) ids.push_back(t.id());
    return ids;
  };
  for (bool descending : {false, true}) {
    TicketListQuery query;
    query.descending = descending;
    query.page_size = 4;
    int pages = 0;
    EXPECT_THAT(
        Walk(query, &pages),
        ElementsAreArray(expected([](auto&) { return true; }, descending)));
    EXPECT_EQ(pages, 8);  // 30 / 4, the last page shorter, no empty page

    query.filter.set_department("技术支持部");
    EXPECT_THAT(
        Walk(query),
        ElementsAreArray(expected(
            [](const v1::Ticket& t) { return t.department() == "技术支持部"; },
            descending)));
    query.filter.Clear();
    query.filter.set_customer_id("c-2");
    query.filter.add_statuses(v1::TICKET_STATUS_NEW);
    EXPECT_THAT(
        Walk(query),
        ElementsAreArray(expected(
            [](const v1::Ticket& t) { return t.customer_id() == "c-2"; },
            descending)));
    query.filter.Clear();
    query.filter.add_statuses(v1::TICKET_STATUS_OPEN);
    *query.filter.mutable_create_time_from() =
        ToProtoTime(kT0 + absl::Minutes(2));
    *query.filter.mutable_create_time_to() =
        ToProtoTime(kT0 + absl::Minutes(10));
    EXPECT_THAT(Walk(query),
                ElementsAreArray(expected(
                    [](const v1::Ticket& t) {
                      absl::Time c = FromProtoTime(t.create_time());
                      return t.status() == v1::TICKET_STATUS_OPEN &&
                             c >= kT0 + absl::Minutes(2) &&
                             c < kT0 + absl::Minutes(10);
                    },
                    descending)));
    query.filter.Clear();
    query.filter.set_assignee("agent-1");
    EXPECT_THAT(
        Walk(query),
        ElementsAreArray(expected(
            [](const v1::Ticket& t) { return t.assignee() == "agent-1"; },
            descending)));
  }
}

TEST_F(TicketRepositoryTest, ScanBoundCutsPagesShortButLosesNothing) {
  std::vector<std::string> wanted;
  for (int i = 0; i < 25; ++i) {
    v1::Ticket t =
        Insert(absl::Seconds(i), "客服部", "c-1",
               i % 10 == 0 ? v1::TICKET_STATUS_OPEN : v1::TICKET_STATUS_NEW);
    if (i % 10 == 0) wanted.push_back(t.id());
  }
  TicketListQuery query;
  query.descending = false;
  query.page_size = 10;
  query.max_scanned = 4;
  // Two statuses: no single index serves it, so the create-time index is
  // walked and most entries do not match.
  query.filter.add_statuses(v1::TICKET_STATUS_OPEN);
  query.filter.add_statuses(v1::TICKET_STATUS_RESOLVED);
  auto first = repo_->ListTickets(query);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->tickets.size(), 1u);  // cut after 4 scanned entries
  EXPECT_FALSE(first->next_after_key.empty());
  int pages = 0;
  EXPECT_THAT(Walk(query, &pages), ElementsAreArray(wanted));
  EXPECT_EQ(pages, 7);  // 25 entries, 4 per page
}

TEST_F(TicketRepositoryTest, RejectsAfterKeysOutsideTheQueryIndex) {
  Insert(absl::ZeroDuration(), "客服部");
  TicketListQuery query;
  query.filter.set_department("客服部");
  query.after_key = "c/whatever";
  auto page = repo_->ListTickets(query);
  EXPECT_TRUE(absl::IsInvalidArgument(page.status()));
  ASSERT_EQ(FieldViolationsOf(page.status()).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(page.status())[0].field, "page_token");
}

TEST_F(TicketRepositoryTest, AuditTrailListsNewestFirstWithCustomerFilter) {
  std::vector<std::string> names;
  for (int i = 0; i < 7; ++i) {
    common::v1::AuditRecord record = MakeAuditRecord(
        Principal{i % 2 == 0 ? "sup-1" : "sup-2", {"supervisor"}, "客服部"},
        common::v1::AUDIT_ACTION_REVEAL_PII,
        i < 4 ? "customers/c-1" : "customers/c-2", "", kT0 + absl::Seconds(i));
    record.set_reason("核实身份：退款申请");
    absl::StatusOr<std::string> name = repo_->audit().Commit(record);
    ASSERT_TRUE(name.ok()) << name.status();
    names.push_back(*name);
  }
  common::v1::ListAuditRecordsRequest filtered;
  filtered.set_resource("customers/c-1");
  filtered.set_actor("sup-1");
  auto page = repo_->audit().List(filtered, kDefaultMaxScannedPerPage);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->audit_records_size(), 2);
  EXPECT_EQ(page->audit_records(0).name(), names[2]);
  EXPECT_EQ(page->audit_records(1).name(), names[0]);
  filtered.set_resource("tickets/x");
  EXPECT_TRUE(absl::IsInvalidArgument(
      repo_->audit().List(filtered, kDefaultMaxScannedPerPage).status()));
}

TEST_F(TicketRepositoryTest,
       AuditIdsIncreaseWithinAMillisecondAndAfterRestart) {
  std::vector<std::string> ids;
  for (int i = 0; i < 50; ++i) ids.push_back(*repo_->audit().NewId(kT0));
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  for (const std::string& id : ids) EXPECT_TRUE(IsUlid(id)) << id;
  ASSERT_TRUE(repo_->audit()
                  .Commit(MakeAuditRecord(Principal{"sup-1", {}, ""},
                                          common::v1::AUDIT_ACTION_REVEAL_PII,
                                          "customers/c-1", ids.back(), kT0))
                  .ok());
  Reopen();
  // Even with a clock behind the stored records.
  EXPECT_GT(*repo_->audit().NewId(kT0 - absl::Hours(1)), ids.back());
}

}  // namespace
}  // namespace cs::ticket
