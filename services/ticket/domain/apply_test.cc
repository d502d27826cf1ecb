#include "services/ticket/domain/apply.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"
#include "libs/common/fingerprint.h"
#include "libs/common/ids.h"
#include "libs/common/proto_wire.h"
#include "libs/common/time_proto.h"
#include "services/ticket/domain/customer_crypto.h"
#include "services/ticket/domain/validation.h"

namespace cs::ticket {
namespace {

using google::protobuf::util::MessageDifferencer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

const absl::Time kNow = absl::FromCivil(
    absl::CivilSecond(2026, 11, 23, 9, 30, 0), absl::FixedTimeZone(8 * 3600));
const Principal kAgent{"agent-007", {"agent"}, "客服部"};
const Principal kRouting{"routing-sla", {"service"}, ""};
const Principal kSupervisor{"sup-01", {"supervisor"}, "客服部"};
const Principal kOfficer{"co-01", {"complaint_officer"}, "投诉处理部"};

// Deterministic, valid ULIDs.
std::string Ulid(int n) { return absl::StrFormat("01KAQDWRF8%016d", n); }

v1::Customer ZhangSan() {
  v1::Customer c;
  c.set_name("customers/c-1001");
  c.set_id("c-1001");
  c.set_full_name("张三");
  c.set_title(v1::TITLE_MR);
  c.set_phone("13812341234");
  c.set_type(v1::CUSTOMER_TYPE_VIP);
  c.set_region("广东省广州市");
  return c;
}

// A record written before contact encryption: the clear profile as it is.
v1::StoredCustomer ZhangSanRecord() {
  v1::StoredCustomer stored;
  *stored.mutable_profile() = ZhangSan();
  return stored;
}

v1::CreateTicketRequest CreateRequest() {
  v1::CreateTicketRequest r;
  v1::Ticket* t = r.mutable_ticket();
  t->set_channel(cs::common::v1::CHANNEL_PHONE);
  t->set_stage(cs::common::v1::STAGE_AFTER_SALE);
  t->add_category("手机类");
  t->add_category("信号问题");
  t->add_category("企业客户");
  t->set_affected_customer_count(12);
  t->set_department("客服部");
  t->set_subject("手机信号弱，无法接通电话");
  t->set_description("客户张三（13812341234）反映办公室内手机信号弱。");
  t->set_customer_id("c-1001");
  t->set_region("广东省深圳市");
  r.set_request_id("req-0001");
  return r;
}

v1::Ticket NewTicket() {
  auto change = ApplyCreate(CreateRequest(), ZhangSanRecord(), Ulid(0),
                            "T20261123-0-000042", kAgent, kNow);
  EXPECT_TRUE(change.ok()) << change.status();
  return change->ticket;
}

template <typename T>
T Unpack(const PendingEvent& e) {
  T out;
  EXPECT_TRUE(e.payload.UnpackTo(&out)) << e.type;
  return out;
}

std::vector<std::string> Types(const std::vector<PendingEvent>& events) {
  std::vector<std::string> out;
  for (const PendingEvent& e : events) out.push_back(e.type);
  return out;
}

// No event may carry personal data or free text.
void ExpectNoPersonalData(const std::vector<PendingEvent>& events) {
  for (const PendingEvent& e : events) {
    const std::string bytes = e.payload.SerializeAsString();
    for (const char* secret :
         {"张三", "张先生", "13812341234", "138****1234", "手机信号弱",
          "11010519491231002X", "6222021234567890128", "您好", "核实"}) {
      EXPECT_THAT(bytes, Not(HasSubstr(secret))) << e.type << " " << secret;
    }
  }
}

v1::Ticket Assigned(const v1::Ticket& t, const std::string& assignee) {
  v1::AssignTicketRequest r;
  r.set_name(t.name());
  r.set_department("客服部");
  r.set_assignee(assignee);
  return ApplyAssign(t, r, kRouting, kNow)->ticket;
}

v1::AddReplyRequest Reply(const v1::Ticket& t, v1::AuthorKind kind,
                          v1::ReplyVisibility vis, const std::string& body) {
  v1::AddReplyRequest r;
  r.set_name(t.name());
  r.mutable_reply()->set_author_kind(kind);
  r.mutable_reply()->set_visibility(vis);
  r.mutable_reply()->set_body(body);
  return r;
}

v1::Ticket Resolved(const v1::Ticket& t, bool fcr, absl::Time at = kNow) {
  v1::ResolveTicketRequest r;
  r.set_name(t.name());
  r.set_resolution("已远程重置基站参数，信号恢复正常。");
  r.set_solved_at_first_contact(fcr);
  auto change = ApplyResolve(t, r, kAgent, at);
  EXPECT_TRUE(change.ok()) << change.status();
  return change->ticket;
}

// ---- Create
// ----------------------------------------------------------------------

TEST(ApplyCreateTest, BuildsNewTicketWithMaskedServiceRecord) {
  auto change = ApplyCreate(CreateRequest(), ZhangSanRecord(), Ulid(0),
                            "T20261123-0-000042", kAgent, kNow);
  ASSERT_TRUE(change.ok()) << change.status();
  const v1::Ticket& t = change->ticket;
  EXPECT_TRUE(change->changed);
  EXPECT_EQ(t.name(), "tickets/" + t.id());
  EXPECT_TRUE(cs::IsUlid(t.id()));
  EXPECT_EQ(t.number(), "T20261123-0-000042");
  EXPECT_EQ(t.status(), v1::TICKET_STATUS_NEW);
  EXPECT_EQ(t.customer_display_name(), "张先生");
  EXPECT_EQ(t.customer_contact(), "138****1234");
  EXPECT_EQ(t.customer_type(), v1::CUSTOMER_TYPE_VIP);  // from the profile
  EXPECT_EQ(t.region(), "广东省深圳市");                // from the request
  EXPECT_THAT(t.category(), ElementsAre("手机类", "信号问题", "企业客户"));
  EXPECT_EQ(FromProtoTime(t.create_time()), kNow);
  EXPECT_EQ(FromProtoTime(t.update_time()), kNow);
  EXPECT_EQ(t.created_by(), "agent-007");
  ASSERT_EQ(t.history_size(), 1);
  EXPECT_EQ(t.history(0).action(), v1::HISTORY_ACTION_CREATE);
  EXPECT_EQ(t.history(0).changes(0).new_value(), "NEW");
  EXPECT_EQ(t.etag(), ComputeEtag(t));
  EXPECT_EQ(t.etag().size(), 16u);

  ASSERT_THAT(Types(change->events), ElementsAre("TicketCreated"));
  EXPECT_EQ(change->events[0].subject, t.name());
  auto created = Unpack<v1::TicketCreated>(change->events[0]);
  EXPECT_EQ(created.facts().ticket(), t.name());
  EXPECT_EQ(created.facts().channel(), cs::common::v1::CHANNEL_PHONE);
  EXPECT_EQ(created.facts().stage(), cs::common::v1::STAGE_AFTER_SALE);
  EXPECT_EQ(created.facts().affected_customer_count(), 12);
  EXPECT_EQ(created.facts().customer_type(), v1::CUSTOMER_TYPE_VIP);
  EXPECT_EQ(created.facts().department(), "客服部");
  EXPECT_EQ(created.created_by(), "agent-007");
  ExpectNoPersonalData(change->events);
}

TEST(ApplyCreateTest, IgnoresOutputOnlyInput) {
  v1::CreateTicketRequest r = CreateRequest();
  r.mutable_ticket()->set_status(v1::TICKET_STATUS_RESOLVED);
  r.mutable_ticket()->set_assignee("agent-999");
  r.mutable_ticket()->set_resolution("伪造");
  auto change = ApplyCreate(r, ZhangSanRecord(), Ulid(0), "T20261123-0-000043",
                            kAgent, kNow);
  ASSERT_TRUE(change.ok());
  EXPECT_EQ(change->ticket.status(), v1::TICKET_STATUS_NEW);
  EXPECT_EQ(change->ticket.assignee(), "");
  EXPECT_EQ(change->ticket.resolution(), "");
}

TEST(ApplyCreateTest, CustomerMustMatch) {
  v1::StoredCustomer other = ZhangSanRecord();
  other.mutable_profile()->set_name("customers/c-2002");
  auto change = ApplyCreate(CreateRequest(), other, Ulid(0),
                            "T20261123-0-000042", kAgent, kNow);
  EXPECT_EQ(change.status().code(), absl::StatusCode::kInternal);
}

TEST(ApplyCreateTest, RequestIdReplay) {
  const v1::CreateTicketRequest r = CreateRequest();
  const std::string received = r.SerializeAsString();
  const v1::CreateRequestRecord record =
      MakeCreateRequestRecord(r, received, "T1", kNow);
  EXPECT_EQ(record.request_id(), "req-0001");
  EXPECT_EQ(record.ticket_id(), "T1");
  EXPECT_TRUE(CheckCreateReplay(record, r, received).ok());
  v1::CreateTicketRequest changed = r;
  changed.mutable_ticket()->set_subject("另一个问题");
  absl::Status s =
      CheckCreateReplay(record, changed, changed.SerializeAsString());
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(cs::FieldViolationsOf(s)[0].field, "request_id");
}

// The ticket's fields from the highest number down (a repeated field's
// elements kept in order), and request_id first: what another serialiser
// could send for the same request.
std::string ReorderedRequestBytes(const v1::CreateTicketRequest& request) {
  std::vector<std::pair<int, std::string>> fields;
  EXPECT_TRUE(proto_wire::ForEachField(request.ticket().SerializeAsString(),
                                       [&](const proto_wire::Field& f) {
                                         fields.emplace_back(f.number, f.whole);
                                       })
                  .ok());
  std::stable_sort(
      fields.begin(), fields.end(),
      [](const auto& a, const auto& b) { return a.first > b.first; });
  std::string ticket;
  for (const auto& field : fields) ticket += field.second;
  std::string bytes;
  proto_wire::AppendLengthDelimited(
      v1::CreateTicketRequest::kRequestIdFieldNumber, request.request_id(),
      &bytes);
  proto_wire::AppendLengthDelimited(v1::CreateTicketRequest::kTicketFieldNumber,
                                    ticket, &bytes);
  return bytes;
}

TEST(ApplyCreateTest, TheFingerprintIsTakenOfTheTicketAsReceived) {
  const v1::CreateTicketRequest r = CreateRequest();
  // As protobuf serialises it, the received ticket hashes as its
  // deterministic serialisation did, so records made before still match.
  EXPECT_EQ(CreateRequestFingerprint(r, r.SerializeAsString()),
            Sha256(DeterministicBytes(r.ticket())));
  const std::string reordered = ReorderedRequestBytes(r);
  v1::CreateTicketRequest parsed;
  ASSERT_TRUE(parsed.ParseFromString(reordered));
  ASSERT_TRUE(MessageDifferencer::Equals(parsed, r));
  EXPECT_NE(CreateRequestFingerprint(parsed, reordered),
            CreateRequestFingerprint(r, r.SerializeAsString()));
  // Without the ticket exactly once in the bytes: the deterministic form.
  EXPECT_EQ(CreateRequestFingerprint(r, ""),
            Sha256(DeterministicBytes(r.ticket())));
}

TEST(ApplyCreateTest, ARetrySerialisedDifferentlyStillReplays) {
  const v1::CreateTicketRequest r = CreateRequest();
  const std::string reordered = ReorderedRequestBytes(r);
  const v1::CreateRequestRecord first =
      MakeCreateRequestRecord(r, r.SerializeAsString(), "T1", kNow);
  EXPECT_TRUE(CheckCreateReplay(first, r, reordered).ok());
  // The first call's bytes were the unusual ones: the same bytes replay.
  const v1::CreateRequestRecord unusual =
      MakeCreateRequestRecord(r, reordered, "T1", kNow);
  EXPECT_TRUE(CheckCreateReplay(unusual, r, reordered).ok());
  v1::CreateTicketRequest changed = r;
  changed.mutable_ticket()->set_description("另一段描述");
  EXPECT_EQ(CheckCreateReplay(unusual, changed, ReorderedRequestBytes(changed))
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ApplyCreateTest, PermissionTargets) {
  const Target create = CreateTargetOf(CreateRequest(), kAgent);
  EXPECT_EQ(create.department, "客服部");
  EXPECT_EQ(create.created_by, "agent-007");
  EXPECT_TRUE(IsAllowed(PermissionTable::Defaults(), kAgent,
                        Action::kCreateTicket, create));
  const v1::Ticket t = Assigned(NewTicket(), "agent-008");
  const Target target = TargetOf(t);
  EXPECT_EQ(target.assignee, "agent-008");
  EXPECT_FALSE(IsAllowed(PermissionTable::Defaults(), kAgent,
                         Action::kResolveTicket, target));
}

TEST(ApplyCreateTest, PermissionTargetOffTheWire) {
  v1::Ticket t = Assigned(NewTicket(), "坐席-008");
  t.set_department("投诉处理部");
  t.set_created_by("agent-007");
  absl::StatusOr<Target> target = TargetOfWire(t.SerializeAsString());
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_EQ(target->department, "投诉处理部");
  EXPECT_EQ(target->assignee, "坐席-008");
  EXPECT_EQ(target->created_by, "agent-007");
  EXPECT_EQ(TargetOfWire("\x0a\x7f").status().code(),
            absl::StatusCode::kDataLoss);
}

// ---- Etag
// ------------------------------------------------------------------------

TEST(EtagTest, MismatchIsAborted) {
  const v1::Ticket t = NewTicket();
  v1::ChangeStatusRequest r;
  r.set_name(t.name());
  r.set_status(v1::TICKET_STATUS_IN_PROGRESS);
  r.set_etag("0000000000000000");
  auto change = ApplyChangeStatus(t, r, kAgent, kNow);
  EXPECT_EQ(change.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(cs::ErrorReasonOf(change.status()), "ETAG_MISMATCH");
  r.set_etag(t.etag());
  ASSERT_TRUE(ApplyChangeStatus(t, r, kAgent, kNow).ok());
  r.clear_etag();
  ASSERT_TRUE(ApplyChangeStatus(t, r, kAgent, kNow).ok());
}

TEST(EtagTest, ChangesWithEveryWrite) {
  const v1::Ticket t = NewTicket();
  const v1::Ticket a = Assigned(t, "agent-007");
  EXPECT_NE(a.etag(), t.etag());
  EXPECT_EQ(a.etag(), ComputeEtag(a));
}

// The bytes a change hands to the repository are the changed ticket, etag
// included, and hash back to that etag once parsed.
TEST(EtagTest, ChangeWireIsTheChangedTicket) {
  auto created = ApplyCreate(CreateRequest(), ZhangSanRecord(), Ulid(0),
                             "T20261123-0-000042", kAgent, kNow);
  ASSERT_TRUE(created.ok()) << created.status();
  v1::AddReplyRequest reply =
      Reply(created->ticket, v1::AUTHOR_KIND_AGENT, v1::REPLY_VISIBILITY_PUBLIC,
            "您好，已为您重置网络设置。");
  auto replied = ApplyReply(created->ticket, reply, Ulid(1), kAgent, kNow);
  ASSERT_TRUE(replied.ok()) << replied.status();
  for (const TicketChange* change : {&*created, &*replied}) {
    v1::Ticket parsed;
    ASSERT_TRUE(parsed.ParseFromString(change->wire));
    EXPECT_TRUE(MessageDifferencer::Equals(parsed, change->ticket))
        << parsed.DebugString();
    EXPECT_EQ(ComputeEtag(parsed), change->ticket.etag());
  }
  EXPECT_NE(replied->ticket.etag(), created->ticket.etag());
}

// ---- Assign
// ----------------------------------------------------------------------

TEST(ApplyAssignTest, RoutingAssignsAndGrades) {
  const v1::Ticket t = NewTicket();
  v1::AssignTicketRequest r;
  r.set_name(t.name());
  r.set_department("技术支持部");
  r.set_assignee("agent-008");
  r.set_grade(cs::common::v1::GRADE_B);
  r.set_note("按规则路由：B 级");
  auto change = ApplyAssign(t, r, kRouting, kNow + absl::Minutes(1));
  ASSERT_TRUE(change.ok()) << change.status();
  const v1::Ticket& a = change->ticket;
  EXPECT_EQ(a.status(), v1::TICKET_STATUS_ASSIGNED);
  EXPECT_EQ(a.department(), "技术支持部");
  EXPECT_EQ(a.assignee(), "agent-008");
  EXPECT_EQ(a.grade(), cs::common::v1::GRADE_B);
  const v1::HistoryEntry& h = a.history(a.history_size() - 1);
  EXPECT_EQ(h.action(), v1::HISTORY_ACTION_ASSIGN);
  EXPECT_EQ(h.actor(), "routing-sla");
  EXPECT_EQ(h.note(), "按规则路由：B 级");
  ASSERT_EQ(h.changes_size(), 4);
  EXPECT_EQ(h.changes(0).field(), "department");
  EXPECT_EQ(h.changes(0).old_value(), "客服部");
  EXPECT_EQ(h.changes(0).new_value(), "技术支持部");
  EXPECT_EQ(h.changes(2).field(), "grade");
  EXPECT_EQ(h.changes(2).new_value(), "B");
  EXPECT_EQ(h.changes(3).new_value(), "ASSIGNED");

  ASSERT_THAT(Types(change->events),
              ElementsAre("TicketAssigned", "TicketStatusChanged"));
  auto assigned = Unpack<v1::TicketAssigned>(change->events[0]);
  EXPECT_EQ(assigned.previous_department(), "客服部");
  EXPECT_EQ(assigned.previous_grade(), cs::common::v1::GRADE_UNSPECIFIED);
  EXPECT_EQ(assigned.facts().grade(), cs::common::v1::GRADE_B);
  EXPECT_EQ(assigned.facts().assignee(), "agent-008");
  auto status = Unpack<v1::TicketStatusChanged>(change->events[1]);
  EXPECT_EQ(status.previous_status(), v1::TICKET_STATUS_NEW);
  EXPECT_EQ(status.status(), v1::TICKET_STATUS_ASSIGNED);
  ExpectNoPersonalData(change->events);
}

TEST(ApplyAssignTest, SameAssignmentIsANoOp) {
  const v1::Ticket a = Assigned(NewTicket(), "agent-008");
  v1::AssignTicketRequest r;
  r.set_name(a.name());
  r.set_department("客服部");
  r.set_assignee("agent-008");
  auto change = ApplyAssign(a, r, kRouting, kNow);
  ASSERT_TRUE(change.ok());
  EXPECT_FALSE(change->changed);
  EXPECT_TRUE(change->events.empty());
  EXPECT_EQ(change->ticket.etag(), a.etag());
}

TEST(ApplyAssignTest, QueueAndReassignment) {
  const v1::Ticket a = Assigned(NewTicket(), "agent-008");
  const v1::Ticket queued = Assigned(a, "");
  EXPECT_EQ(queued.status(), v1::TICKET_STATUS_OPEN);
  EXPECT_EQ(queued.assignee(), "");
  // Reassigning work in progress keeps the status and emits no status event.
  auto working = ApplyReply(
      a, Reply(a, v1::AUTHOR_KIND_AGENT, v1::REPLY_VISIBILITY_PUBLIC, "您好"),
      Ulid(1), {"agent-008", {"agent"}, "客服部"}, kNow);
  ASSERT_TRUE(working.ok());
  v1::AssignTicketRequest r;
  r.set_name(a.name());
  r.set_department("客服部");
  r.set_assignee("agent-009");
  auto change = ApplyAssign(working->ticket, r, kRouting, kNow);
  ASSERT_TRUE(change.ok());
  EXPECT_EQ(change->ticket.status(), v1::TICKET_STATUS_IN_PROGRESS);
  EXPECT_THAT(Types(change->events), ElementsAre("TicketAssigned"));
}

TEST(ApplyAssignTest, ResolvedTicketsCannotBeAssigned) {
  const v1::Ticket r = Resolved(NewTicket(), true);
  v1::AssignTicketRequest req;
  req.set_name(r.name());
  req.set_department("客服部");
  req.set_assignee("agent-008");
  auto change = ApplyAssign(r, req, kRouting, kNow);
  EXPECT_EQ(change.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(cs::ErrorReasonOf(change.status()), "ILLEGAL_TRANSITION");
}

// ---- Reply
// -----------------------------------------------------------------------

TEST(ApplyReplyTest, FirstPublicAgentReplyStartsWork) {
  const v1::Ticket a = Assigned(NewTicket(), "agent-007");
  const absl::Time t1 = kNow + absl::Minutes(8);
  auto change =
      ApplyReply(a,
                 Reply(a, v1::AUTHOR_KIND_AGENT, v1::REPLY_VISIBILITY_PUBLIC,
                       "您好，已为您重置网络设置，请重启手机后再试。"),
                 Ulid(1), kAgent, t1);
  ASSERT_TRUE(change.ok()) << change.status();
  const v1::Ticket& t = change->ticket;
  EXPECT_EQ(t.status(), v1::TICKET_STATUS_IN_PROGRESS);
  EXPECT_EQ(FromProtoTime(t.first_response_time()), t1);
  ASSERT_EQ(t.replies_size(), 1);
  EXPECT_EQ(t.replies(0).id(), Ulid(1));
  EXPECT_EQ(t.replies(0).author(), "agent-007");
  EXPECT_EQ(t.replies(0).body(),
            "您好，已为您重置网络设置，请重启手机后再试。");
  ASSERT_THAT(Types(change->events),
              ElementsAre("TicketReplied", "TicketStatusChanged"));
  auto replied = Unpack<v1::TicketReplied>(change->events[0]);
  EXPECT_TRUE(replied.first_response());
  EXPECT_TRUE(replied.is_public());
  EXPECT_EQ(replied.agent(), "agent-007");
  EXPECT_EQ(FromProtoTime(replied.facts().first_response_time()), t1);
  ExpectNoPersonalData(change->events);

  // A later reply keeps the first response time.
  auto second = ApplyReply(t,
                           Reply(t, v1::AUTHOR_KIND_AGENT,
                                 v1::REPLY_VISIBILITY_PUBLIC, "还有问题吗？"),
                           Ulid(2), kAgent, t1 + absl::Hours(1));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(FromProtoTime(second->ticket.first_response_time()), t1);
  EXPECT_FALSE(Unpack<v1::TicketReplied>(second->events[0]).first_response());
  EXPECT_THAT(Types(second->events), ElementsAre("TicketReplied"));
}

TEST(ApplyReplyTest, InternalNotesAndSystemMessagesAreNotResponses) {
  const v1::Ticket a = Assigned(NewTicket(), "agent-007");
  auto note =
      ApplyReply(a,
                 Reply(a, v1::AUTHOR_KIND_AGENT, v1::REPLY_VISIBILITY_INTERNAL,
                       "疑似基站故障，已联系网络部"),
                 Ulid(1), kAgent, kNow);
  ASSERT_TRUE(note.ok());
  EXPECT_EQ(note->ticket.status(), v1::TICKET_STATUS_ASSIGNED);
  EXPECT_FALSE(note->ticket.has_first_response_time());
  EXPECT_FALSE(Unpack<v1::TicketReplied>(note->events[0]).is_public());

  auto ack = ApplyReply(a,
                        Reply(a, v1::AUTHOR_KIND_SYSTEM,
                              v1::REPLY_VISIBILITY_PUBLIC, "您的工单已受理"),
                        Ulid(2), kRouting, kNow);
  ASSERT_TRUE(ack.ok());
  EXPECT_FALSE(ack->ticket.has_first_response_time());
  EXPECT_EQ(ack->ticket.status(), v1::TICKET_STATUS_ASSIGNED);
}

TEST(ApplyReplyTest, CustomerReplyResumesPendingTicket) {
  v1::Ticket t = Assigned(NewTicket(), "agent-007");
  v1::ChangeStatusRequest pending;
  pending.set_name(t.name());
  pending.set_status(v1::TICKET_STATUS_IN_PROGRESS);
  t = ApplyChangeStatus(t, pending, kAgent, kNow)->ticket;
  pending.set_status(v1::TICKET_STATUS_PENDING_CUSTOMER);
  t = ApplyChangeStatus(t, pending, kAgent, kNow)->ticket;
  ASSERT_EQ(t.status(), v1::TICKET_STATUS_PENDING_CUSTOMER);

  auto change =
      ApplyReply(t,
                 Reply(t, v1::AUTHOR_KIND_CUSTOMER, v1::REPLY_VISIBILITY_PUBLIC,
                       "截图已发送，信号还是只有一格。"),
                 Ulid(3), {"chat-gateway", {"service"}, ""}, kNow);
  ASSERT_TRUE(change.ok());
  EXPECT_EQ(change->ticket.status(), v1::TICKET_STATUS_IN_PROGRESS);
  EXPECT_EQ(change->ticket.replies(0).author(), "customers/c-1001");
  auto replied = Unpack<v1::TicketReplied>(change->events[0]);
  EXPECT_EQ(replied.author_kind(), v1::AUTHOR_KIND_CUSTOMER);
  EXPECT_EQ(replied.agent(), "");
  auto status = Unpack<v1::TicketStatusChanged>(change->events[1]);
  EXPECT_EQ(status.previous_status(), v1::TICKET_STATUS_PENDING_CUSTOMER);
}

TEST(ApplyReplyTest, ClosedTicketTakesOnlyNotes) {
  v1::CloseTicketRequest close;
  close.set_name("x");
  const v1::Ticket closed =
      ApplyClose(Resolved(NewTicket(), true), close, kSupervisor, kNow)->ticket;
  auto reply = ApplyReply(
      closed,
      Reply(closed, v1::AUTHOR_KIND_AGENT, v1::REPLY_VISIBILITY_PUBLIC, "您好"),
      Ulid(1), kAgent, kNow);
  EXPECT_EQ(cs::ErrorReasonOf(reply.status()), "TICKET_CLOSED");
  auto note =
      ApplyReply(closed,
                 Reply(closed, v1::AUTHOR_KIND_AGENT,
                       v1::REPLY_VISIBILITY_INTERNAL, "质检备注：处理规范"),
                 Ulid(2), kAgent, kNow);
  EXPECT_TRUE(note.ok());
}

TEST(ApplyReplyTest, ReplyLimit) {
  v1::Ticket t = NewTicket();
  for (int i = 0; i < kMaxRepliesPerTicket; ++i) t.add_replies();
  auto change = ApplyReply(
      t, Reply(t, v1::AUTHOR_KIND_AGENT, v1::REPLY_VISIBILITY_PUBLIC, "您好"),
      Ulid(1), kAgent, kNow);
  EXPECT_EQ(change.status().code(), absl::StatusCode::kResourceExhausted);
}

// ---- Status, resolve, close, reopen
// -----------------------------------------------

TEST(ApplyChangeStatusTest, IllegalTransitionNamesState) {
  const v1::Ticket r = Resolved(NewTicket(), true);
  v1::ChangeStatusRequest req;
  req.set_name(r.name());
  req.set_status(v1::TICKET_STATUS_PENDING_CUSTOMER);
  auto change = ApplyChangeStatus(r, req, kAgent, kNow);
  EXPECT_EQ(change.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(change.status().message(), HasSubstr("RESOLVED"));
  EXPECT_EQ(cs::ErrorReasonOf(change.status()), "ILLEGAL_TRANSITION");
}

TEST(ApplyResolveTest, FirstContactResolution) {
  const v1::Ticket t = NewTicket();
  auto change = ApplyResolve(
      t,
      [&] {
        v1::ResolveTicketRequest r;
        r.set_name(t.name());
        r.set_resolution("指导客户开启 VoLTE，信号恢复。");
        r.set_solved_at_first_contact(true);
        return r;
      }(),
      kAgent, kNow + absl::Minutes(12));
  ASSERT_TRUE(change.ok()) << change.status();
  const v1::Ticket& r = change->ticket;
  EXPECT_EQ(r.status(), v1::TICKET_STATUS_RESOLVED);
  EXPECT_TRUE(r.solved_at_first_contact());
  EXPECT_EQ(r.resolution(), "指导客户开启 VoLTE，信号恢复。");
  EXPECT_EQ(FromProtoTime(r.resolve_time()), kNow + absl::Minutes(12));
  EXPECT_EQ(FromProtoDuration(r.service_duration()), absl::Minutes(12));
  ASSERT_THAT(Types(change->events),
              ElementsAre("TicketResolved", "TicketStatusChanged"));
  auto resolved = Unpack<v1::TicketResolved>(change->events[0]);
  EXPECT_TRUE(resolved.facts().solved_at_first_contact());
  EXPECT_EQ(resolved.previous_status(), v1::TICKET_STATUS_NEW);
  EXPECT_EQ(resolved.resolved_by(), "agent-007");
  const std::string bytes = change->events[0].payload.SerializeAsString();
  EXPECT_THAT(bytes, Not(HasSubstr("VoLTE")));
}

TEST(ApplyReopenTest, ReopenClearsResolutionAndFcr) {
  const v1::Ticket r = Resolved(NewTicket(), true);
  v1::ReopenTicketRequest req;
  req.set_name(r.name());
  req.set_reason("客户来电：问题复现");
  auto change = ApplyReopen(r, req, kAgent, kNow + absl::Hours(24 * 1));
  ASSERT_TRUE(change.ok()) << change.status();
  const v1::Ticket& t = change->ticket;
  EXPECT_EQ(t.status(), v1::TICKET_STATUS_REOPENED);
  EXPECT_EQ(t.reopen_count(), 1);
  EXPECT_FALSE(t.solved_at_first_contact());
  EXPECT_FALSE(t.has_resolve_time());
  EXPECT_EQ(t.resolution(), "");
  EXPECT_EQ(t.history(t.history_size() - 1).note(), "客户来电：问题复现");
  ASSERT_THAT(Types(change->events),
              ElementsAre("TicketReopened", "TicketStatusChanged"));
  EXPECT_EQ(Unpack<v1::TicketReopened>(change->events[0]).previous_status(),
            v1::TICKET_STATUS_RESOLVED);
  // Resolving a reopened ticket never counts as first-contact resolution.
  const v1::Ticket again = Resolved(t, true, kNow + absl::Hours(24 * 2));
  EXPECT_FALSE(again.solved_at_first_contact());
  EXPECT_EQ(FromProtoDuration(again.service_duration()), absl::Hours(24 * 2));
}

TEST(ApplyCloseTest, CloseAndReopenClosed) {
  const v1::Ticket r = Resolved(NewTicket(), false);
  v1::CloseTicketRequest close;
  close.set_name(r.name());
  close.set_reason("客户确认已解决");
  auto closed = ApplyClose(r, close, kSupervisor, kNow + absl::Hours(2));
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed->ticket.status(), v1::TICKET_STATUS_CLOSED);
  EXPECT_EQ(FromProtoTime(closed->ticket.close_time()), kNow + absl::Hours(2));
  ASSERT_THAT(Types(closed->events),
              ElementsAre("TicketClosed", "TicketStatusChanged"));
  EXPECT_EQ(Unpack<v1::TicketClosed>(closed->events[0]).merged_into(), "");

  auto twice = ApplyClose(closed->ticket, close, kSupervisor, kNow);
  EXPECT_EQ(cs::ErrorReasonOf(twice.status()), "ILLEGAL_TRANSITION");

  v1::ReopenTicketRequest reopen;
  reopen.set_name(r.name());
  reopen.set_reason("主管复核：未彻底解决");
  auto reopened = ApplyReopen(closed->ticket, reopen, kSupervisor, kNow);
  ASSERT_TRUE(reopened.ok());
  EXPECT_FALSE(reopened->ticket.has_close_time());

  v1::UpdateTicketRequest update;
  update.mutable_ticket()->set_subject("新标题");
  auto on_closed =
      ApplyUpdate(closed->ticket, update, {"subject"}, kAgent, kNow);
  EXPECT_EQ(cs::ErrorReasonOf(on_closed.status()), "TICKET_CLOSED");
}

// ---- Update
// ----------------------------------------------------------------------

TEST(ApplyUpdateTest, GradingInputsAndHistory) {
  const v1::Ticket t = NewTicket();
  v1::UpdateTicketRequest r;
  r.mutable_ticket()->set_name(t.name());
  r.mutable_ticket()->set_affected_customer_count(150);
  r.mutable_ticket()->mutable_loss_estimate()->set_currency_code("CNY");
  r.mutable_ticket()->mutable_loss_estimate()->set_minor_units(123456);
  r.mutable_ticket()->add_category("手机类");
  r.mutable_ticket()->add_category("通话问题");
  r.mutable_ticket()->set_etag(t.etag());
  auto paths = ValidateUpdateTicket(r);
  ASSERT_TRUE(paths.ok()) << paths.status();
  auto change = ApplyUpdate(t, r, *paths, kAgent, kNow + absl::Minutes(3));
  ASSERT_TRUE(change.ok()) << change.status();
  EXPECT_TRUE(change->changed);
  EXPECT_EQ(change->ticket.affected_customer_count(), 150);
  const v1::HistoryEntry& h =
      change->ticket.history(change->ticket.history_size() - 1);
  EXPECT_EQ(h.action(), v1::HISTORY_ACTION_UPDATE);
  ASSERT_EQ(h.changes_size(), 3);
  EXPECT_EQ(h.changes(0).field(), "category");
  EXPECT_EQ(h.changes(0).old_value(), "手机类 › 信号问题 › 企业客户");
  EXPECT_EQ(h.changes(0).new_value(), "手机类 › 通话问题");
  EXPECT_EQ(h.changes(1).new_value(), "150");
  EXPECT_EQ(h.changes(2).old_value(), "");
  EXPECT_EQ(h.changes(2).new_value(), "CNY 1234.56");
  ASSERT_THAT(Types(change->events), ElementsAre("TicketUpdated"));
  auto updated = Unpack<v1::TicketUpdated>(change->events[0]);
  EXPECT_TRUE(updated.grading_inputs_changed());
  EXPECT_THAT(
      updated.changed_fields(),
      ElementsAre("category", "affected_customer_count", "loss_estimate"));
  EXPECT_EQ(updated.facts().loss_estimate().minor_units(), 123456);
}

TEST(ApplyUpdateTest, SubjectOnlyIsNotAGradingInput) {
  const v1::Ticket t = NewTicket();
  v1::UpdateTicketRequest r;
  r.mutable_ticket()->set_subject("手机信号弱（已复现）");
  auto change = ApplyUpdate(t, r, {"subject"}, kAgent, kNow);
  ASSERT_TRUE(change.ok());
  EXPECT_FALSE(
      Unpack<v1::TicketUpdated>(change->events[0]).grading_inputs_changed());
  EXPECT_EQ(change->ticket.subject(), "手机信号弱（已复现）");
}

TEST(ApplyUpdateTest, UnchangedValuesAreANoOp) {
  const v1::Ticket t = NewTicket();
  v1::UpdateTicketRequest r;
  *r.mutable_ticket() = t;
  auto change =
      ApplyUpdate(t, r, {"subject", "category", "channel"}, kAgent, kNow);
  ASSERT_TRUE(change.ok());
  EXPECT_FALSE(change->changed);
  EXPECT_TRUE(change->events.empty());
  EXPECT_EQ(change->ticket.history_size(), t.history_size());
}

TEST(ApplyUpdateTest, ImmutableFieldsCannotChange) {
  const v1::Ticket t = NewTicket();
  v1::UpdateTicketRequest r;
  r.mutable_ticket()->set_channel(cs::common::v1::CHANNEL_EMAIL);
  auto change = ApplyUpdate(t, r, {"channel"}, kAgent, kNow);
  EXPECT_EQ(change.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(cs::FieldViolationsOf(change.status())[0].field, "ticket.channel");
}

// ---- Merge
// -----------------------------------------------------------------------

v1::Ticket OtherTicket(int n, const std::string& customer_id) {
  v1::CreateTicketRequest r = CreateRequest();
  r.mutable_ticket()->set_customer_id(customer_id);
  r.mutable_ticket()->set_channel(cs::common::v1::CHANNEL_ONLINE_CHAT);
  v1::StoredCustomer c = ZhangSanRecord();
  c.mutable_profile()->set_name("customers/" + customer_id);
  return ApplyCreate(r, c, Ulid(n), "T20261123-0-00004" + std::to_string(n),
                     kAgent, kNow)
      ->ticket;
}

TEST(ApplyMergeTest, SourcesAreClosedIntoTarget) {
  const v1::Ticket target = NewTicket();
  const v1::Ticket s1 = OtherTicket(1, "c-1001");
  const v1::Ticket s2 = Assigned(OtherTicket(2, "c-1001"), "agent-008");
  v1::MergeTicketsRequest r;
  r.set_target(target.name());
  r.add_sources(s1.name());
  r.add_sources(s2.name());
  r.set_reason("同一客户重复来电");
  r.set_target_etag(target.etag());
  auto change = ApplyMerge(target, {s1, s2}, r, kSupervisor, kNow);
  ASSERT_TRUE(change.ok()) << change.status();
  EXPECT_THAT(change->target.merged_from(), ElementsAre(s1.name(), s2.name()));
  EXPECT_EQ(change->target.status(), v1::TICKET_STATUS_NEW);
  ASSERT_EQ(change->sources.size(), 2u);
  for (const v1::Ticket& s : change->sources) {
    EXPECT_EQ(s.status(), v1::TICKET_STATUS_CLOSED);
    EXPECT_EQ(s.merged_into(), target.name());
    EXPECT_EQ(s.etag(), ComputeEtag(s));
  }
  // The bytes stored for each ticket are that ticket.
  ASSERT_EQ(change->source_wires.size(), 2u);
  v1::Ticket stored;
  ASSERT_TRUE(stored.ParseFromString(change->target_wire));
  EXPECT_TRUE(MessageDifferencer::Equals(stored, change->target));
  for (size_t i = 0; i < 2; ++i) {
    ASSERT_TRUE(stored.ParseFromString(change->source_wires[i]));
    EXPECT_TRUE(MessageDifferencer::Equals(stored, change->sources[i]));
  }
  EXPECT_THAT(Types(change->events),
              ElementsAre("TicketMerged", "TicketClosed", "TicketStatusChanged",
                          "TicketClosed", "TicketStatusChanged"));
  EXPECT_EQ(change->events[0].subject, target.name());
  EXPECT_EQ(change->events[1].subject, s1.name());
  EXPECT_EQ(Unpack<v1::TicketClosed>(change->events[3]).previous_status(),
            v1::TICKET_STATUS_ASSIGNED);
  EXPECT_EQ(Unpack<v1::TicketClosed>(change->events[1]).merged_into(),
            target.name());
  ExpectNoPersonalData(change->events);

  // A merged ticket cannot be reopened or rated.
  v1::ReopenTicketRequest reopen;
  reopen.set_reason("误合并");
  auto reopened = ApplyReopen(change->sources[0], reopen, kSupervisor, kNow);
  EXPECT_EQ(cs::ErrorReasonOf(reopened.status()), "TICKET_MERGED");
  v1::SubmitFeedbackRequest fb;
  fb.mutable_feedback()->set_csat(5);
  EXPECT_EQ(cs::ErrorReasonOf(
                ApplyFeedback(change->sources[0], fb, kAgent, kNow).status()),
            "TICKET_MERGED");
}

TEST(ApplyMergeTest, Preconditions) {
  const v1::Ticket target = NewTicket();
  v1::MergeTicketsRequest r;
  r.set_target(target.name());
  auto mismatch =
      ApplyMerge(target, {OtherTicket(1, "c-2002")}, r, kSupervisor, kNow);
  EXPECT_EQ(mismatch.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(cs::ErrorReasonOf(mismatch.status()), "CUSTOMER_MISMATCH");

  v1::CloseTicketRequest close;
  const v1::Ticket closed =
      ApplyClose(OtherTicket(2, "c-1001"), close, kSupervisor, kNow)->ticket;
  auto closed_source = ApplyMerge(target, {closed}, r, kSupervisor, kNow);
  EXPECT_EQ(cs::ErrorReasonOf(closed_source.status()), "TICKET_CLOSED");
  auto closed_target =
      ApplyMerge(closed, {OtherTicket(3, "c-1001")}, r, kSupervisor, kNow);
  EXPECT_EQ(cs::ErrorReasonOf(closed_target.status()), "TICKET_CLOSED");

  r.set_target_etag("stale");
  auto stale =
      ApplyMerge(target, {OtherTicket(4, "c-1001")}, r, kSupervisor, kNow);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
}

// ---- Feedback
// --------------------------------------------------------------------

TEST(ApplyFeedbackTest, OncePerResolvedTicket) {
  v1::SubmitFeedbackRequest r;
  r.mutable_feedback()->set_csat(4);
  r.mutable_feedback()->set_nps(9);
  r.mutable_feedback()->set_attitude(v1::AGENT_RATING_VERY_SATISFIED);
  r.mutable_feedback()->set_skill(v1::AGENT_RATING_SATISFIED);
  r.mutable_feedback()->set_timeliness(v1::AGENT_RATING_AVERAGE);
  r.mutable_feedback()->set_promises_kept(v1::AGENT_RATING_SATISFIED);
  r.mutable_feedback()->set_comment("张三：客服态度很好，您好！");

  const v1::Ticket open = Assigned(NewTicket(), "agent-007");
  auto early = ApplyFeedback(open, r, kAgent, kNow);
  EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(cs::ErrorReasonOf(early.status()), "TICKET_NOT_RESOLVED");

  const v1::Ticket resolved = Resolved(open, false);
  auto change = ApplyFeedback(resolved, r, {"survey-bot", {"service"}, ""},
                              kNow + absl::Hours(1));
  ASSERT_TRUE(change.ok()) << change.status();
  EXPECT_EQ(change->ticket.satisfaction(), 4);
  EXPECT_EQ(change->ticket.feedback().comment(), "张三：客服态度很好，您好！");
  EXPECT_EQ(FromProtoTime(change->ticket.feedback().submit_time()),
            kNow + absl::Hours(1));
  ASSERT_THAT(Types(change->events), ElementsAre("FeedbackSubmitted"));
  auto fb = Unpack<v1::FeedbackSubmitted>(change->events[0]);
  EXPECT_EQ(fb.csat(), 4);
  EXPECT_TRUE(fb.has_nps());
  EXPECT_EQ(fb.nps(), 9);
  EXPECT_EQ(fb.timeliness(), v1::AGENT_RATING_AVERAGE);
  EXPECT_EQ(fb.facts().assignee(), "agent-007");
  ExpectNoPersonalData(change->events);  // the comment stays out

  auto again = ApplyFeedback(change->ticket, r, kAgent, kNow);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
}

// ---- A whole ticket's life
// --------------------------------------------------------

TEST(ApplyScenarioTest, PhoneTicketFromCreationToClosure) {
  absl::Time now = kNow;
  v1::Ticket t = NewTicket();
  t = Assigned(t, "agent-007");
  now += absl::Minutes(5);
  t = ApplyReply(t,
                 Reply(t, v1::AUTHOR_KIND_AGENT, v1::REPLY_VISIBILITY_PUBLIC,
                       "您好，请提供信号截图。"),
                 Ulid(1), kAgent, now)
          ->ticket;
  v1::ChangeStatusRequest wait;
  wait.set_name(t.name());
  wait.set_status(v1::TICKET_STATUS_PENDING_CUSTOMER);
  wait.set_reason("等待客户截图");
  wait.set_etag(t.etag());
  t = ApplyChangeStatus(t, wait, kAgent, now)->ticket;
  now += absl::Hours(3);
  t = ApplyReply(t,
                 Reply(t, v1::AUTHOR_KIND_CUSTOMER, v1::REPLY_VISIBILITY_PUBLIC,
                       "截图已上传"),
                 Ulid(2), kRouting, now)
          ->ticket;
  EXPECT_EQ(t.status(), v1::TICKET_STATUS_IN_PROGRESS);
  now += absl::Hours(1);
  t = Resolved(t, false, now);
  v1::SubmitFeedbackRequest fb;
  fb.mutable_feedback()->set_csat(5);
  t = ApplyFeedback(t, fb, kRouting, now)->ticket;
  v1::CloseTicketRequest close;
  t = ApplyClose(t, close, kSupervisor, now + absl::Hours(24 * 1))->ticket;

  EXPECT_EQ(t.status(), v1::TICKET_STATUS_CLOSED);
  EXPECT_EQ(FromProtoTime(t.first_response_time()), kNow + absl::Minutes(5));
  EXPECT_EQ(FromProtoDuration(t.service_duration()),
            absl::Minutes(5) + absl::Hours(4));
  EXPECT_EQ(t.replies_size(), 2);
  std::vector<v1::HistoryAction> actions;
  for (const auto& h : t.history()) actions.push_back(h.action());
  EXPECT_THAT(
      actions,
      ElementsAre(v1::HISTORY_ACTION_CREATE, v1::HISTORY_ACTION_ASSIGN,
                  v1::HISTORY_ACTION_REPLY, v1::HISTORY_ACTION_CHANGE_STATUS,
                  v1::HISTORY_ACTION_REPLY, v1::HISTORY_ACTION_RESOLVE,
                  v1::HISTORY_ACTION_FEEDBACK, v1::HISTORY_ACTION_CLOSE));
}

// ---- Customers
// -------------------------------------------------------------------

constexpr absl::string_view kKeyHex =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

Keyring TestKeyring() {
  return *Keyring::Parse(absl::StrCat("pii 1 ", kKeyHex));
}

v1::UpsertCustomerRequest UpsertZhangSan() {
  v1::UpsertCustomerRequest r;
  v1::Customer* c = r.mutable_customer();
  c->set_name("customers/c-1001");
  c->set_type(v1::CUSTOMER_TYPE_VIP);
  c->set_region("广东省深圳市");
  c->set_full_name("张三");
  c->set_title(v1::TITLE_MR);
  c->set_phone("+86 138 1234 1234");
  c->set_id_card("11010519491231002x");
  c->set_bank_card("6222 0212 3456 7890 128");
  return r;
}

absl::StatusOr<CustomerChange> Upsert(const v1::StoredCustomer* existing,
                                      const v1::UpsertCustomerRequest& r,
                                      const Keyring& ring, absl::Time now) {
  absl::StatusOr<std::vector<std::string>> paths = ValidateUpsertCustomer(r);
  if (!paths.ok()) return paths.status();
  return ApplyUpsertCustomer(existing, r, *paths, ring, now);
}

TEST(ApplyCustomerTest, CreateEncryptsSecretsAndNormalizes) {
  const Keyring ring = TestKeyring();
  auto change = Upsert(nullptr, UpsertZhangSan(), ring, kNow);
  ASSERT_TRUE(change.ok()) << change.status();
  EXPECT_TRUE(change->created);
  const v1::StoredCustomer& s = change->stored;
  EXPECT_EQ(s.profile().id(), "c-1001");
  EXPECT_EQ(s.profile().phone(), "138****1234");  // masked; clear is sealed
  EXPECT_EQ(
      *ring.Decrypt(s.phone_ciphertext(),
                    PiiAad("customers/c-1001", common::v1::PII_FIELD_PHONE)),
      "13812341234");
  EXPECT_EQ(s.profile().id_card(), "");
  EXPECT_EQ(s.profile().bank_card(), "");
  EXPECT_EQ(s.profile().id_card_masked(), "110***********002X");
  EXPECT_EQ(s.profile().bank_card_masked(), "****0128");
  EXPECT_FALSE(s.id_card_ciphertext().empty());
  EXPECT_FALSE(s.bank_card_ciphertext().empty());
  EXPECT_EQ(s.profile().etag(), ComputeEtag(s));
  const std::string stored_bytes = DeterministicBytes(s);
  EXPECT_THAT(stored_bytes, Not(HasSubstr("11010519491231002")));
  EXPECT_THAT(stored_bytes, Not(HasSubstr("6222021234567890128")));
  EXPECT_THAT(stored_bytes, Not(HasSubstr("13812341234")));
  EXPECT_THAT(stored_bytes, Not(HasSubstr("张三")));
  EXPECT_EQ(
      *ring.Decrypt(s.id_card_ciphertext(),
                    PiiAad("customers/c-1001", common::v1::PII_FIELD_ID_CARD)),
      "11010519491231002X");
}

// A ticket snapshots the record's masked contact as the record keeps it:
// creating one decrypts nothing (the ciphertexts below are not even valid),
// and the masked name follows a changed title.
TEST(ApplyCustomerTest, TicketSnapshotNeedsNoKey) {
  const Keyring ring = TestKeyring();
  const v1::StoredCustomer created =
      Upsert(nullptr, UpsertZhangSan(), ring, kNow)->stored;
  v1::UpsertCustomerRequest retitle;
  retitle.mutable_customer()->set_name("customers/c-1001");
  retitle.mutable_customer()->set_title(v1::TITLE_MS);
  retitle.mutable_update_mask()->add_paths("title");
  auto retitled = Upsert(&created, retitle, ring, kNow + absl::Hours(1));
  ASSERT_TRUE(retitled.ok()) << retitled.status();
  v1::StoredCustomer stored = retitled->stored;
  stored.set_full_name_ciphertext("不是密文");
  stored.set_phone_ciphertext("不是密文");
  auto change = ApplyCreate(CreateRequest(), stored, Ulid(0),
                            "T20261123-0-000042", kAgent, kNow);
  ASSERT_TRUE(change.ok()) << change.status();
  EXPECT_EQ(change->ticket.customer_display_name(), "张女士");
  EXPECT_EQ(change->ticket.customer_contact(), "138****1234");
}

TEST(ApplyCustomerTest, CreateNeedsFullName) {
  v1::UpsertCustomerRequest r;
  r.mutable_customer()->set_name("customers/c-1001");
  r.mutable_customer()->set_region("北京市");
  r.mutable_update_mask()->add_paths("region");
  auto change = Upsert(nullptr, r, TestKeyring(), kNow);
  EXPECT_EQ(change.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(cs::FieldViolationsOf(change.status())[0].field,
            "customer.full_name");
}

TEST(ApplyCustomerTest, UpdatesKeepSecretsAndDetectNoOps) {
  const Keyring ring = TestKeyring();
  const v1::StoredCustomer created =
      Upsert(nullptr, UpsertZhangSan(), ring, kNow)->stored;

  // Same profile without secrets: nothing changes.
  v1::UpsertCustomerRequest same = UpsertZhangSan();
  same.mutable_customer()->clear_id_card();
  same.mutable_customer()->clear_bank_card();
  auto noop = Upsert(&created, same, ring, kNow + absl::Hours(1));
  ASSERT_TRUE(noop.ok()) << noop.status();
  EXPECT_FALSE(noop->changed);
  EXPECT_EQ(noop->stored.id_card_ciphertext(), created.id_card_ciphertext());

  // Mask-limited update of the region.
  v1::UpsertCustomerRequest region;
  region.mutable_customer()->set_name("customers/c-1001");
  region.mutable_customer()->set_region("广东省珠海市");
  region.mutable_customer()->set_etag(created.profile().etag());
  region.mutable_update_mask()->add_paths("region");
  auto moved = Upsert(&created, region, ring, kNow + absl::Hours(2));
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_TRUE(moved->changed);
  EXPECT_FALSE(moved->created);
  EXPECT_EQ(moved->stored.profile().region(), "广东省珠海市");
  EXPECT_EQ(moved->stored.profile().full_name(), "张先生");
  EXPECT_EQ(OpenContact(moved->stored, ring)->full_name, "张三");
  EXPECT_EQ(moved->stored.id_card_ciphertext(), created.id_card_ciphertext());
  EXPECT_NE(moved->stored.profile().etag(), created.profile().etag());
  EXPECT_EQ(FromProtoTime(moved->stored.profile().create_time()), kNow);

  // Stale etag.
  auto stale = Upsert(&moved->stored, region, ring, kNow);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);

  // Listing a secret with an empty value removes it.
  v1::UpsertCustomerRequest remove;
  remove.mutable_customer()->set_name("customers/c-1001");
  remove.mutable_update_mask()->add_paths("bank_card");
  auto removed = Upsert(&moved->stored, remove, ring, kNow);
  ASSERT_TRUE(removed.ok());
  EXPECT_TRUE(removed->stored.bank_card_ciphertext().empty());
  EXPECT_EQ(removed->stored.profile().bank_card_masked(), "");
  EXPECT_FALSE(removed->stored.id_card_ciphertext().empty());
}

TEST(ApplyCustomerTest, ViewMasksUnlessAuthorised) {
  const Keyring ring = TestKeyring();
  const v1::StoredCustomer s =
      Upsert(nullptr, UpsertZhangSan(), ring, kNow)->stored;
  // At rest only the masked forms are in clear.
  EXPECT_EQ(s.profile().full_name(), "张先生");
  EXPECT_EQ(s.profile().phone(), "138****1234");
  EXPECT_FALSE(s.full_name_ciphertext().empty());
  EXPECT_FALSE(absl::StrContains(s.SerializeAsString(), "13812341234"));
  EXPECT_FALSE(absl::StrContains(s.SerializeAsString(), "张三"));
  const v1::Customer masked = CustomerView(s, false, ring).value();
  EXPECT_EQ(masked.full_name(), "张先生");
  EXPECT_EQ(masked.phone(), "138****1234");
  EXPECT_EQ(masked.id_card_masked(), "110***********002X");
  EXPECT_EQ(masked.id_card(), "");
  const v1::Customer clear =
      CustomerView(
          s,
          IsAllowed(PermissionTable::Defaults(), kSupervisor, Action::kReadPii),
          ring)
          .value();
  EXPECT_EQ(clear.full_name(), "张三");
  EXPECT_EQ(clear.phone(), "13812341234");
  EXPECT_EQ(clear.id_card(), "");
}

TEST(ApplyCustomerTest, RevealIsAuthorisedAndAudited) {
  const Keyring ring = TestKeyring();
  const v1::StoredCustomer s =
      Upsert(nullptr, UpsertZhangSan(), ring, kNow)->stored;
  v1::RevealCustomerPiiRequest r;
  r.set_name("customers/c-1001");
  r.set_field(common::v1::PII_FIELD_ID_CARD);
  r.set_reason("核实身份：退款申请");
  ASSERT_TRUE(ValidateRevealCustomerPii(r).ok());

  auto reveal = RevealCustomerPii(PermissionTable::Defaults(), kOfficer, s, r,
                                  ring, Ulid(9), kNow + absl::Minutes(1));
  ASSERT_TRUE(reveal.ok()) << reveal.status();
  EXPECT_EQ(reveal->value, "11010519491231002X");
  const common::v1::AuditRecord& a = reveal->audit;
  EXPECT_EQ(a.name(), "auditRecords/" + Ulid(9));
  EXPECT_EQ(a.actor(), "co-01");
  EXPECT_THAT(a.actor_roles(), ElementsAre("complaint_officer"));
  EXPECT_EQ(a.actor_department(), "投诉处理部");
  EXPECT_EQ(a.action(), common::v1::AUDIT_ACTION_REVEAL_PII);
  EXPECT_EQ(a.resources(0), "customers/c-1001");
  EXPECT_EQ(a.field(), common::v1::PII_FIELD_ID_CARD);
  EXPECT_EQ(a.reason(), "核实身份：退款申请");
  EXPECT_EQ(FromProtoTime(a.time()), kNow + absl::Minutes(1));
  EXPECT_THAT(a.SerializeAsString(), Not(HasSubstr("11010519491231002X")));

  r.set_field(common::v1::PII_FIELD_BANK_CARD);
  EXPECT_EQ(RevealCustomerPii(PermissionTable::Defaults(), kSupervisor, s, r,
                              ring, Ulid(10), kNow)
                ->value,
            "6222021234567890128");

  auto denied = RevealCustomerPii(PermissionTable::Defaults(), kAgent, s, r,
                                  ring, Ulid(11), kNow);
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
}

TEST(ApplyCustomerTest, RevealFailures) {
  const Keyring ring = TestKeyring();
  v1::StoredCustomer s = Upsert(nullptr, UpsertZhangSan(), ring, kNow)->stored;
  v1::RevealCustomerPiiRequest r;
  r.set_field(common::v1::PII_FIELD_BANK_CARD);
  r.set_reason("核实退款账户");

  v1::StoredCustomer no_card = s;
  no_card.clear_bank_card_ciphertext();
  auto missing = RevealCustomerPii(PermissionTable::Defaults(), kSupervisor,
                                   no_card, r, ring, Ulid(1), kNow);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), Not(HasSubstr("张三")));

  // A ciphertext copied onto another customer's record does not open.
  v1::StoredCustomer other = s;
  other.mutable_profile()->set_name("customers/c-2002");
  auto moved = RevealCustomerPii(PermissionTable::Defaults(), kSupervisor,
                                 other, r, ring, Ulid(2), kNow);
  EXPECT_EQ(moved.status().code(), absl::StatusCode::kDataLoss);

  // The field cannot be swapped either.
  v1::StoredCustomer swapped = s;
  swapped.set_bank_card_ciphertext(s.id_card_ciphertext());
  EXPECT_EQ(RevealCustomerPii(PermissionTable::Defaults(), kSupervisor, swapped,
                              r, ring, Ulid(3), kNow)
                .status()
                .code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace cs::ticket
