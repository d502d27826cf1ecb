#include "services/complaint/service/command_sender.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/store/store.h"
#include "libs/testing/temp_dir.h"
#include "services/complaint/store/complaint_store.h"

namespace cs::complaint {
namespace {

using ::testing::ElementsAre;

v1::PendingCommand Start(const std::string& subject) {
  v1::PendingCommand command;
  command.mutable_start_clock()->set_subject(subject);
  return command;
}

class CommandSenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Store::Options options;
    options.path = dir_.Sub("db");
    options.column_families = ComplaintColumnFamilies();
    options.sync = false;
    auto store = Store::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    auto complaints = ComplaintStore::Open(*store_);
    ASSERT_TRUE(complaints.ok());
    complaints_ = *std::move(complaints);
  }

  void Put(const std::string& id, int64_t seq, const std::string& subject) {
    WriteSet writes;
    complaints_->PutCommand(writes, id, seq, Start(subject));
    ASSERT_TRUE(store_->Commit(writes).ok());
  }

  // Delivers, recording subjects; fails `fail_first` times for "A1".
  absl::Status Deliver(const v1::PendingCommand& command) {
    absl::MutexLock lock(&mu_);
    const std::string& subject = command.start_clock().subject();
    if (subject == "A1" && failures_left_ > 0) {
      --failures_left_;
      attempts_.push_back("A1(fail)");
      return absl::UnavailableError("routing down");
    }
    if (subject == "B1") {
      attempts_.push_back("B1(final)");
      return absl::FailedPreconditionError("clock fulfilled");
    }
    attempts_.push_back(subject);
    return absl::OkStatus();
  }

  std::vector<std::string> Attempts() {
    absl::MutexLock lock(&mu_);
    return attempts_;
  }

  cs::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<ComplaintStore> complaints_;
  absl::Mutex mu_;
  int failures_left_ = 0;
  std::vector<std::string> attempts_;
};

TEST_F(CommandSenderTest, RetriesInOrderPerComplaintAndDropsFinalErrors) {
  failures_left_ = 2;
  Put("A", 1, "A1");
  Put("A", 2, "A2");
  Put("B", 1, "B1");
  Put("B", 2, "B2");
  CommandSender sender(
      *store_, complaints_->commands(),
      [this](const v1::PendingCommand& c) { return Deliver(c); },
      {absl::Milliseconds(1), absl::Milliseconds(5)});
  sender.Start();
  ASSERT_TRUE(sender.WaitIdle(absl::Seconds(30)));
  sender.Stop();
  // A2 never overtakes A1; B continues while A waits; B1's final error
  // drops it.
  std::vector<std::string> attempts = Attempts();
  std::vector<std::string> a;
  for (const std::string& s : attempts) {
    if (s[0] == 'A') a.push_back(s);
  }
  EXPECT_THAT(a, ElementsAre("A1(fail)", "A1(fail)", "A1", "A2"));
  EXPECT_EQ(sender.delivered(), 3u);
  EXPECT_EQ(sender.rejected(), 1u);
  size_t left = 0;
  ASSERT_TRUE(store_
                  ->Scan(complaints_->commands(), "", "", 0,
                         [&](absl::string_view, absl::string_view) {
                           ++left;
                           return true;
                         })
                  .ok());
  EXPECT_EQ(left, 0u);
}

TEST_F(CommandSenderTest, CommandsWrittenWhileStoppedAreSentOnStart) {
  Put("C", 1, "C1");
  CommandSender sender(
      *store_, complaints_->commands(),
      [this](const v1::PendingCommand& c) { return Deliver(c); }, {});
  EXPECT_TRUE(Attempts().empty());
  sender.Start();
  ASSERT_TRUE(sender.WaitIdle(absl::Seconds(30)));
  Put("C", 2, "C2");
  sender.Wake();
  ASSERT_TRUE(sender.WaitIdle(absl::Seconds(30)));
  EXPECT_THAT(Attempts(), ElementsAre("C1", "C2"));
}

}  // namespace
}  // namespace cs::complaint
