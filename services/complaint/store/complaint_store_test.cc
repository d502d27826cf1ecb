// The filing-time index: ScanFiled reads exactly the complaints of a period
// and gives what a filter over every complaint gives.
#include "services/complaint/store/complaint_store.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/ids.h"
#include "libs/common/time_proto.h"
#include "libs/testing/temp_dir.h"

namespace cs::complaint {
namespace {

constexpr absl::Time kDay1 = absl::FromUnixSeconds(1'800'000'000);

class ComplaintStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::Open(
        {.path = dir_.Sub("db"), .column_families = ComplaintColumnFamilies()});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    auto complaints = ComplaintStore::Open(*store_);
    ASSERT_TRUE(complaints.ok()) << complaints.status();
    complaints_ = *std::move(complaints);
  }

  // Files a complaint at `t` as the app does (id minted from the instant).
  std::string Put(absl::Time t) {
    const std::string id = NewUlid(t);
    v1::Complaint c;
    c.set_name("complaints/" + id);
    c.set_description("快递延误");
    *c.mutable_create_time() = ToProtoTime(t);
    WriteSet writes;
    complaints_->Put(writes, id, c);
    EXPECT_TRUE(store_->Commit(writes).ok());
    return id;
  }

  // Ids visited by ScanFiled, and the number of records the scan read.
  std::vector<std::string> Filed(absl::Time start, absl::Time end) {
    std::vector<std::string> ids;
    EXPECT_TRUE(
        complaints_
            ->ScanFiled(start, end,
                        [&](const std::string& id, const v1::Complaint&) {
                          ids.push_back(id);
                          return true;
                        })
            .ok());
    return ids;
  }

  // The reference: every complaint, filtered by create_time.
  std::vector<std::string> Filtered(absl::Time start, absl::Time end) {
    std::vector<std::string> ids;
    EXPECT_TRUE(complaints_
                    ->Scan("",
                           [&](const std::string& id, const v1::Complaint& c) {
                             const absl::Time t =
                                 FromProtoTime(c.create_time());
                             if (t >= start && t < end) ids.push_back(id);
                             return true;
                           })
                    .ok());
    return ids;
  }

  cs::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<ComplaintStore> complaints_;
};

TEST_F(ComplaintStoreTest, PeriodScanMatchesFullScanForEveryBoundary) {
  std::vector<absl::Time> times;
  for (int day = 0; day < 3; ++day) {
    for (int k = 0; k < 4; ++k) {
      // Several complaints share a millisecond (sub-millisecond apart).
      times.push_back(kDay1 + absl::Hours(24 * day + 5 * k) +
                      absl::Microseconds(k % 2 == 0 ? 100 : 900));
      times.push_back(times.back() + absl::Microseconds(50));
    }
  }
  for (absl::Time t : times) Put(t);
  std::vector<std::pair<absl::Time, absl::Time>> periods = {
      {absl::InfinitePast(), absl::InfiniteFuture()},
      {kDay1 + absl::Hours(24), kDay1 + absl::Hours(48)},
      {kDay1, kDay1 + absl::Hours(24)},
      {kDay1 + absl::Hours(10), kDay1 + absl::Hours(10)},
      {kDay1 + absl::Hours(5) + absl::Microseconds(920),
       kDay1 + absl::Hours(29) + absl::Microseconds(120)},
      {absl::InfinitePast(), kDay1 + absl::Hours(30)},
      {kDay1 + absl::Hours(40), absl::InfiniteFuture()},
      {absl::UnixEpoch() - absl::Hours(1), kDay1 - absl::Hours(1)}};
  for (const auto& [start, end] : periods) {
    EXPECT_EQ(Filed(start, end), Filtered(start, end))
        << start << " .. " << end;
  }
  EXPECT_THAT(Filed(kDay1 + absl::Hours(24), kDay1 + absl::Hours(48)),
              ::testing::SizeIs(8));
}

TEST_F(ComplaintStoreTest, PeriodScanReadsOnlyThePeriodsKeyRange) {
  // A record outside the period that does not parse would fail any scan
  // that reads it; the period scan never touches it.
  const std::string inside = Put(kDay1 + absl::Hours(24));
  WriteSet writes;
  auto family = store_->Family(kComplaintsFamily);
  ASSERT_TRUE(family.ok());
  writes.Put(*family, NewUlid(kDay1), "not a complaint \xff\xff\xff");
  writes.Put(*family, NewUlid(kDay1 + absl::Hours(72)), "\xff\xff\xff");
  ASSERT_TRUE(store_->Commit(writes).ok());
  EXPECT_THAT(Filed(kDay1 + absl::Hours(12), kDay1 + absl::Hours(36)),
              ::testing::ElementsAre(inside));
  EXPECT_EQ(complaints_
                ->ScanFiled(absl::InfinitePast(), absl::InfiniteFuture(),
                            [](const std::string&, const v1::Complaint&) {
                              return true;
                            })
                .code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace cs::complaint
