#include "services/ticket/domain/lifecycle.h"

#include <set>
#include <utility>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"

namespace cs::ticket {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr v1::TicketStatus NEW = v1::TICKET_STATUS_NEW;
constexpr v1::TicketStatus OPEN = v1::TICKET_STATUS_OPEN;
constexpr v1::TicketStatus ASSIGNED = v1::TICKET_STATUS_ASSIGNED;
constexpr v1::TicketStatus IN_PROGRESS = v1::TICKET_STATUS_IN_PROGRESS;
constexpr v1::TicketStatus PENDING = v1::TICKET_STATUS_PENDING_CUSTOMER;
constexpr v1::TicketStatus RESOLVED = v1::TICKET_STATUS_RESOLVED;
constexpr v1::TicketStatus CLOSED = v1::TICKET_STATUS_CLOSED;
constexpr v1::TicketStatus REOPENED = v1::TICKET_STATUS_REOPENED;
constexpr v1::TicketStatus UNSPECIFIED = v1::TICKET_STATUS_UNSPECIFIED;

const v1::TicketStatus kAll[] = {UNSPECIFIED, NEW,         OPEN,
                                 ASSIGNED,    IN_PROGRESS, PENDING,
                                 RESOLVED,    CLOSED,      REOPENED};

// The whole expected table, written independently of lifecycle.cc.
const std::set<std::pair<v1::TicketStatus, v1::TicketStatus>> kExpected = {
    {NEW, OPEN},
    {NEW, ASSIGNED},
    {NEW, IN_PROGRESS},
    {NEW, RESOLVED},
    {NEW, CLOSED},
    {OPEN, ASSIGNED},
    {OPEN, IN_PROGRESS},
    {OPEN, RESOLVED},
    {OPEN, CLOSED},
    {ASSIGNED, OPEN},
    {ASSIGNED, IN_PROGRESS},
    {ASSIGNED, RESOLVED},
    {ASSIGNED, CLOSED},
    {IN_PROGRESS, OPEN},
    {IN_PROGRESS, PENDING},
    {IN_PROGRESS, RESOLVED},
    {IN_PROGRESS, CLOSED},
    {PENDING, IN_PROGRESS},
    {PENDING, RESOLVED},
    {PENDING, CLOSED},
    {RESOLVED, CLOSED},
    {RESOLVED, REOPENED},
    {CLOSED, REOPENED},
    {REOPENED, OPEN},
    {REOPENED, ASSIGNED},
    {REOPENED, IN_PROGRESS},
    {REOPENED, RESOLVED},
    {REOPENED, CLOSED},
};

TEST(LifecycleTest, WholeMatrixMatchesTheTable) {
  for (v1::TicketStatus from : kAll) {
    for (v1::TicketStatus to : kAll) {
      const bool expected = kExpected.count({from, to}) > 0;
      EXPECT_EQ(IsTransitionAllowed(from, to), expected)
          << StatusName(from) << " -> " << StatusName(to);
      EXPECT_EQ(CheckTransition(from, to).ok(), expected)
          << StatusName(from) << " -> " << StatusName(to);
    }
  }
}

TEST(LifecycleTest, IllegalTransitionNamesCurrentAndRequestedState) {
  absl::Status s = CheckTransition(RESOLVED, PENDING);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("RESOLVED"));
  EXPECT_THAT(s.message(), HasSubstr("PENDING_CUSTOMER"));
  EXPECT_EQ(cs::ErrorReasonOf(s), "ILLEGAL_TRANSITION");
}

TEST(LifecycleTest, SameStatusIsNeverATransition) {
  for (v1::TicketStatus s : kAll) EXPECT_FALSE(IsTransitionAllowed(s, s));
}

TEST(LifecycleTest, ClosedOnlyReopens) {
  EXPECT_THAT(AllowedTransitions(CLOSED), ElementsAre(REOPENED));
  EXPECT_THAT(AllowedTransitions(RESOLVED), ElementsAre(CLOSED, REOPENED));
  EXPECT_TRUE(AllowedTransitions(static_cast<v1::TicketStatus>(99)).empty());
}

TEST(LifecycleTest, StatusNames) {
  EXPECT_EQ(StatusName(PENDING), "PENDING_CUSTOMER");
  EXPECT_EQ(StatusName(UNSPECIFIED), "UNSPECIFIED");
  EXPECT_EQ(StatusName(static_cast<v1::TicketStatus>(42)), "UNKNOWN");
}

TEST(LifecycleTest, ActiveStatuses) {
  EXPECT_TRUE(IsActive(NEW));
  EXPECT_TRUE(IsActive(PENDING));
  EXPECT_TRUE(IsActive(REOPENED));
  EXPECT_FALSE(IsActive(RESOLVED));
  EXPECT_FALSE(IsActive(CLOSED));
  EXPECT_FALSE(IsActive(UNSPECIFIED));
}

TEST(LifecycleTest, AssignmentWithAssignee) {
  EXPECT_EQ(*StatusAfterAssignment(NEW, true), ASSIGNED);
  EXPECT_EQ(*StatusAfterAssignment(OPEN, true), ASSIGNED);
  EXPECT_EQ(*StatusAfterAssignment(ASSIGNED, true), ASSIGNED);
  EXPECT_EQ(*StatusAfterAssignment(REOPENED, true), ASSIGNED);
  EXPECT_EQ(*StatusAfterAssignment(IN_PROGRESS, true), IN_PROGRESS);
  EXPECT_EQ(*StatusAfterAssignment(PENDING, true), PENDING);
}

TEST(LifecycleTest, AssignmentToDepartmentQueue) {
  EXPECT_EQ(*StatusAfterAssignment(NEW, false), OPEN);
  EXPECT_EQ(*StatusAfterAssignment(OPEN, false), OPEN);
  EXPECT_EQ(*StatusAfterAssignment(ASSIGNED, false), OPEN);
  EXPECT_EQ(*StatusAfterAssignment(IN_PROGRESS, false), OPEN);
  EXPECT_EQ(*StatusAfterAssignment(REOPENED, false), OPEN);
  EXPECT_EQ(*StatusAfterAssignment(PENDING, false), PENDING);
}

TEST(LifecycleTest, AssignmentOfFinishedTicketsIsIllegal) {
  for (v1::TicketStatus from : {RESOLVED, CLOSED, UNSPECIFIED}) {
    for (bool has_assignee : {true, false}) {
      auto s = StatusAfterAssignment(from, has_assignee);
      ASSERT_FALSE(s.ok());
      EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
      EXPECT_EQ(cs::ErrorReasonOf(s.status()), "ILLEGAL_TRANSITION");
    }
  }
}

TEST(LifecycleTest, DerivedChangesAreAlwaysInTheTable) {
  for (v1::TicketStatus from : kAll) {
    for (bool has_assignee : {true, false}) {
      auto to = StatusAfterAssignment(from, has_assignee);
      if (to.ok() && *to != from) {
        EXPECT_TRUE(IsTransitionAllowed(from, *to));
      }
    }
    for (auto kind : {v1::AUTHOR_KIND_AGENT, v1::AUTHOR_KIND_CUSTOMER,
                      v1::AUTHOR_KIND_SYSTEM}) {
      for (auto vis :
           {v1::REPLY_VISIBILITY_PUBLIC, v1::REPLY_VISIBILITY_INTERNAL}) {
        auto to = StatusAfterReply(from, kind, vis);
        if (to.ok() && *to != from) {
          EXPECT_TRUE(IsTransitionAllowed(from, *to));
        }
      }
    }
  }
}

TEST(LifecycleTest, FirstAgentReplyStartsWork) {
  for (v1::TicketStatus from : {NEW, OPEN, ASSIGNED, REOPENED}) {
    EXPECT_EQ(*StatusAfterReply(from, v1::AUTHOR_KIND_AGENT,
                                v1::REPLY_VISIBILITY_PUBLIC),
              IN_PROGRESS);
  }
  EXPECT_EQ(*StatusAfterReply(PENDING, v1::AUTHOR_KIND_AGENT,
                              v1::REPLY_VISIBILITY_PUBLIC),
            PENDING);
  EXPECT_EQ(*StatusAfterReply(RESOLVED, v1::AUTHOR_KIND_AGENT,
                              v1::REPLY_VISIBILITY_PUBLIC),
            RESOLVED);
  // An internal note does not start the work.
  EXPECT_EQ(*StatusAfterReply(ASSIGNED, v1::AUTHOR_KIND_AGENT,
                              v1::REPLY_VISIBILITY_INTERNAL),
            ASSIGNED);
  // Nor does an automatic acknowledgement.
  EXPECT_EQ(*StatusAfterReply(NEW, v1::AUTHOR_KIND_SYSTEM,
                              v1::REPLY_VISIBILITY_PUBLIC),
            NEW);
}

TEST(LifecycleTest, CustomerReplyResumesPendingTicket) {
  EXPECT_EQ(*StatusAfterReply(PENDING, v1::AUTHOR_KIND_CUSTOMER,
                              v1::REPLY_VISIBILITY_PUBLIC),
            IN_PROGRESS);
  EXPECT_EQ(*StatusAfterReply(ASSIGNED, v1::AUTHOR_KIND_CUSTOMER,
                              v1::REPLY_VISIBILITY_PUBLIC),
            ASSIGNED);
}

TEST(LifecycleTest, ClosedTicketsTakeOnlyInternalNotes) {
  auto s = StatusAfterReply(CLOSED, v1::AUTHOR_KIND_CUSTOMER,
                            v1::REPLY_VISIBILITY_PUBLIC);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(cs::ErrorReasonOf(s.status()), "TICKET_CLOSED");
  EXPECT_EQ(*StatusAfterReply(CLOSED, v1::AUTHOR_KIND_AGENT,
                              v1::REPLY_VISIBILITY_INTERNAL),
            CLOSED);
}

}  // namespace
}  // namespace cs::ticket
