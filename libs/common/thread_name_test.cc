#include "libs/common/thread_name.h"

#include <pthread.h>

#include <string>
#include <thread>

#include "gtest/gtest.h"

namespace cs {
namespace {

TEST(ThreadNameTest, ShortNamesAreKept) {
  EXPECT_EQ(ThreadNameFor("cs-commit"), "cs-commit");
  EXPECT_EQ(ThreadNameFor(""), "");
}

TEST(ThreadNameTest, LongNamesAreCutAtFifteenBytes) {
  EXPECT_EQ(ThreadNameFor("consume routing<-ticket"), "consume routing");
}

TEST(ThreadNameTest, ACutNeverSplitsAChineseCharacter) {
  // "派单" is 6 bytes; 10 + 6 would cut the second character in half.
  EXPECT_EQ(ThreadNameFor("cs-outbox 派单"), "cs-outbox 派");
  EXPECT_EQ(ThreadNameFor("cs-outbox 派单").size(), 13u);
}

TEST(ThreadNameTest, NamesTheCallingThread) {
  std::string seen;
  std::thread([&] {
    NameThisThread("cs-test-thread-long");
    char name[16] = {};
    ASSERT_EQ(pthread_getname_np(pthread_self(), name, sizeof(name)), 0);
    seen = name;
  }).join();
  EXPECT_EQ(seen, "cs-test-thread-");
}

}  // namespace
}  // namespace cs
