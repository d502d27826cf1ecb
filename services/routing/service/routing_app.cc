#include "services/routing/service/routing_app.h"

#include <algorithm>
#include <iterator>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "cs/ticket/v1/events.pb.h"
#include "cs/ticket/v1/quality.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "libs/common/errors.h"
#include "libs/common/log.h"
#include "libs/common/page_token.h"
#include "libs/common/status_macros.h"
#include "libs/common/subject_name.h"
#include "libs/common/time_proto.h"
#include "libs/common/utf8.h"
#include "services/routing/domain/agent_selection.h"
#include "services/routing/domain/calendar_config.h"
#include "services/routing/domain/clock_requests.h"
#include "services/routing/domain/grading.h"
#include "services/routing/domain/sla_clock.h"
#include "services/routing/domain/sla_policy.h"

namespace cs::routing {

static_assert(AgentRegistry::kFamily == kAgentsFamily,
              "the agents family is named in two places");

namespace {

// What a new clock records besides its policy: escalation routes on the
// department and assignee, reports break breaches down by channel and
// region.
struct ClockContext {
  std::string department;
  std::string assignee;
  common::v1::Channel channel = common::v1::CHANNEL_UNSPECIFIED;
  std::string region;
};

ClockContext TicketClockContext(const v1::TicketRouting& routing,
                                const ticket::v1::TicketFacts& facts) {
  return {routing.department(), routing.assignee(), facts.channel(),
          facts.region()};
}

template <typename Message>
std::unique_ptr<google::protobuf::Message> NewPayload() {
  return std::make_unique<Message>();
}

// Ticket events after TicketCreated that routing follows, each with the
// cs.ticket.v1 message it carries (which has the ticket's TicketFacts in its
// `facts` field). Naming the classes here, rather than looking the type up
// by name in the generated descriptor pool, also links their generated code
// into the binary: the pool only holds types some code of the binary
// references, and FollowUpRecorded and ServiceRecordChecked (quality.proto)
// were missing from routing-server that way.
struct FollowedTicketEvent {
  absl::string_view type;
  std::unique_ptr<google::protobuf::Message> (*new_payload)();
};
constexpr FollowedTicketEvent kFollowedTicketEvents[] = {
    {"TicketUpdated", &NewPayload<ticket::v1::TicketUpdated>},
    {"TicketAssigned", &NewPayload<ticket::v1::TicketAssigned>},
    {"TicketReplied", &NewPayload<ticket::v1::TicketReplied>},
    {"TicketStatusChanged", &NewPayload<ticket::v1::TicketStatusChanged>},
    {"TicketResolved", &NewPayload<ticket::v1::TicketResolved>},
    {"TicketClosed", &NewPayload<ticket::v1::TicketClosed>},
    {"TicketReopened", &NewPayload<ticket::v1::TicketReopened>},
    {"TicketMerged", &NewPayload<ticket::v1::TicketMerged>},
    {"FollowUpRecorded", &NewPayload<ticket::v1::FollowUpRecorded>},
    {"ServiceRecordChecked", &NewPayload<ticket::v1::ServiceRecordChecked>},
};

using common::v1::Grade;
using ticket::v1::TicketFacts;
using ticket::v1::TicketStatus;

constexpr absl::string_view kTicketsPrefix = "tickets/";
constexpr absl::string_view kClocksPrefix = "clocks/";
// Queue entries a drain examines at most (oldest first).
constexpr size_t kDrainScanLimit = 1000;
constexpr size_t kMaxNoteChars = 1000;

// "tickets/X" → "X"; "" when `name` is not a ticket name.
std::string TicketIdOf(absl::string_view name) {
  if (!absl::ConsumePrefix(&name, kTicketsPrefix) || name.empty()) return "";
  return std::string(name);
}

bool IsTicketKind(v1::ClockKind kind) {
  return kind == v1::CLOCK_KIND_FIRST_RESPONSE ||
         kind == v1::CLOCK_KIND_NEXT_REPLY ||
         kind == v1::CLOCK_KIND_PERIODIC_UPDATE ||
         kind == v1::CLOCK_KIND_RESOLUTION;
}

// Ticket clocks follow the ticket's events (status, replies, resolution,
// follow-ups); starting, pausing or ending one by hand would let a caller
// silence an SLA and its escalation. FAILED_PRECONDITION for those kinds.
absl::Status RefuseTicketDrivenClock(v1::ClockKind kind) {
  if (!IsTicketKind(kind) && kind != v1::CLOCK_KIND_FOLLOW_UP &&
      kind != v1::CLOCK_KIND_RECORD_COMPLETENESS) {
    return absl::OkStatus();
  }
  return WithErrorInfo(
      absl::FailedPreconditionError(absl::StrCat(
          v1::ClockKind_Name(kind),
          " clocks follow their ticket's status and replies; they are not "
          "started or changed through StartClock/UpdateClock")),
      "TICKET_DRIVEN_CLOCK");
}

// A ledger reason of a StartClock/UpdateClock call: the caller's reason (or
// the method) and who made the call.
std::string ApiReason(absl::string_view method, absl::string_view reason,
                      const auth::Principal& caller) {
  if (reason.empty()) return absl::StrCat(method, " by ", caller.subject);
  return absl::StrCat(reason, " (", method, " by ", caller.subject, ")");
}

bool IsOpen(const SlaClock& clock) {
  return clock.state() == v1::CLOCK_STATE_RUNNING ||
         clock.state() == v1::CLOCK_STATE_PAUSED;
}

// Open = work may still happen on it (not RESOLVED/CLOSED).
bool TicketIsOpen(TicketStatus status) {
  return status != ticket::v1::TICKET_STATUS_UNSPECIFIED &&
         status != ticket::v1::TICKET_STATUS_RESOLVED &&
         status != ticket::v1::TICKET_STATUS_CLOSED;
}

bool IsGrade(Grade grade) {
  return grade == common::v1::GRADE_A || grade == common::v1::GRADE_B ||
         grade == common::v1::GRADE_C;
}

std::string GradeText(Grade grade) {
  return std::string(
      absl::StripPrefix(common::v1::Grade_Name(grade), "GRADE_"));
}

std::vector<std::string> CategoryOf(const TicketFacts& facts) {
  return {facts.category().begin(), facts.category().end()};
}

// A stored clock as a SlaClock; DATA_LOSS naming `clock_id` when its record
// does not describe a valid clock.
absl::StatusOr<SlaClock> RestoreClock(absl::string_view clock_id,
                                      const v1::StoredClock& stored) {
  absl::StatusOr<SlaClock> clock =
      SlaClock::FromProto(stored.clock(), stored.warning_fraction());
  if (!clock.ok()) {
    return absl::DataLossError(
        absl::StrCat("stored clock ", clock_id,
                     " is inconsistent: ", clock.status().message()));
  }
  return clock;
}

std::string ClockIdOf(const SlaClock& clock) {
  return std::string(absl::StripPrefix(clock.name(), kClocksPrefix));
}

// Timers keep microseconds (truncated): arm at the first whole microsecond
// at or after the deadline, so that the firing time never precedes it.
absl::Time CeilMicros(absl::Time t) {
  absl::Time floor = absl::FromUnixMicros(absl::ToUnixMicros(t));
  return floor < t ? floor + absl::Microseconds(1) : floor;
}

template <typename Message>
absl::StatusOr<Message> Unpack(const common::v1::Event& event) {
  Message message;
  if (!event.payload().UnpackTo(&message)) {
    return absl::InvalidArgumentError(
        absl::StrCat("event ", event.sequence(), " (", event.type(),
                     "): payload is not a ", Message::descriptor()->name()));
  }
  return message;
}

}  // namespace

// ---------------------------------------------------------------------------
// Settings

absl::StatusOr<RoutingSettings> LoadRoutingSettings(
    absl::string_view routing_config_path, absl::string_view calendars_path,
    const DepartmentDirectory& departments) {
  ASSIGN_OR_RETURN(auto calendars, LoadCalendarsFile(calendars_path));
  ASSIGN_OR_RETURN(
      LoadedConfig config,
      LoadRoutingConfigFile(routing_config_path, CalendarNames(calendars),
                            departments));
  return RoutingSettings{std::move(config), std::move(calendars)};
}

// ---------------------------------------------------------------------------
// Txn: one unit of routing work. It caches the records and clocks it reads,
// keeps a local copy of the agents' loads that follows its own decisions,
// and at Finish() writes what changed (with the clocks' timers) into the
// WriteSet and registers the in-memory effects to run after a successful
// commit. The caller holds state_mu_ from before the Txn until the commit.

class RoutingApp::Txn {
 public:
  Txn(RoutingApp& app, WriteSet& writes)
      : app_(app), writes_(writes), now_(app.clock_.Now()) {}

  absl::Time now() const { return now_; }
  const LoadedConfig& config() const { return app_.settings_.config; }

  // ---- Records

  // The record of `ticket_id`; nullptr when routing has none.
  absl::StatusOr<v1::StoredRouting*> Routing(const std::string& ticket_id) {
    auto it = routings_.find(ticket_id);
    if (it != routings_.end()) return it->second.get();
    ASSIGN_OR_RETURN(std::optional<v1::StoredRouting> stored,
                     app_.store_->GetRouting(ticket_id));
    if (!stored) return nullptr;
    auto& slot = routings_[ticket_id];
    slot = std::make_unique<v1::StoredRouting>(*std::move(stored));
    return slot.get();
  }
  v1::StoredRouting* NewRouting(const std::string& ticket_id) {
    auto& slot = routings_[ticket_id];
    slot = std::make_unique<v1::StoredRouting>();
    dirty_routings_.insert(ticket_id);
    return slot.get();
  }
  void Dirty(const std::string& ticket_id) {
    dirty_routings_.insert(ticket_id);
  }

  // ---- Clocks

  absl::StatusOr<SlaClock*> Clock(const std::string& clock_id) {
    auto it = clocks_.find(clock_id);
    if (it != clocks_.end()) return it->second.get();
    ASSIGN_OR_RETURN(std::optional<v1::StoredClock> stored,
                     app_.store_->GetClock(clock_id));
    if (!stored) return nullptr;
    return Cache(clock_id, *stored);
  }

  // The clock `clock_id` as this Txn sees it: the cached one when it was
  // read before (it may have changed since), else `stored`, now cached.
  absl::StatusOr<SlaClock*> Cache(const std::string& clock_id,
                                  const v1::StoredClock& stored) {
    auto cached = clocks_.find(clock_id);
    if (cached != clocks_.end()) return cached->second.get();
    ASSIGN_OR_RETURN(SlaClock clock, RestoreClock(clock_id, stored));
    auto& slot = clocks_[clock_id];
    slot = std::make_unique<SlaClock>(std::move(clock));
    return slot.get();
  }

  // Every clock of `subject`, by kind, then in the order started.
  absl::StatusOr<std::vector<SlaClock*>> ClocksOf(const std::string& subject) {
    auto it = subject_clock_ids_.find(subject);
    if (it == subject_clock_ids_.end()) {
      ASSIGN_OR_RETURN(auto stored, app_.store_->ClocksOf(subject));
      std::vector<std::string> ids;
      for (const auto& [id, record] : stored) {
        RETURN_IF_ERROR(Cache(id, record).status());
        ids.push_back(id);
      }
      it = subject_clock_ids_.emplace(subject, std::move(ids)).first;
    }
    std::vector<SlaClock*> clocks;
    for (const std::string& id : it->second) {
      ASSIGN_OR_RETURN(SlaClock * clock, Clock(id));
      if (clock != nullptr) clocks.push_back(clock);
    }
    return clocks;
  }

  // The running or paused clock of (subject, kind), or nullptr.
  absl::StatusOr<SlaClock*> OpenClock(const std::string& subject,
                                      v1::ClockKind kind) {
    ASSIGN_OR_RETURN(std::vector<SlaClock*> clocks, ClocksOf(subject));
    for (SlaClock* clock : clocks) {
      if (clock->kind() == kind && IsOpen(*clock)) return clock;
    }
    return nullptr;
  }

  // Starts a new clock of (subject, policy.kind) at `start` (paused at once
  // when `paused`), records what already fell due by now, publishes.
  absl::StatusOr<SlaClock*> StartClock(const std::string& subject,
                                       const ClockPolicy& policy, Grade grade,
                                       const ClockContext& context,
                                       absl::Time start,
                                       absl::string_view reason, bool paused) {
    ASSIGN_OR_RETURN(std::vector<SlaClock*> existing, ClocksOf(subject));
    int n = 1;
    for (SlaClock* clock : existing) {
      if (clock->kind() == policy.kind) ++n;
    }
    const std::string id = ClockId(subject, policy.kind, n);
    auto owned = std::make_unique<SlaClock>(absl::StrCat(kClocksPrefix, id),
                                            subject, policy, grade);
    SlaClock* clock = owned.get();
    clock->set_department(context.department);
    clock->set_assignee(context.assignee);
    clock->set_channel(context.channel);
    clock->set_region(context.region);
    ASSIGN_OR_RETURN(std::vector<LedgerEntry> entries,
                     clock->Start(start, reason));
    const BusinessCalendar& calendar = app_.CalendarOf(policy.calendar);
    if (paused) {
      ASSIGN_OR_RETURN(
          std::vector<LedgerEntry> more,
          clock->Pause(start, "ticket is PENDING_CUSTOMER", calendar));
      entries.insert(entries.end(), more.begin(), more.end());
    }
    std::vector<LedgerEntry> due =
        clock->RecordDue(std::max(now_, start), calendar);
    entries.insert(entries.end(), due.begin(), due.end());
    clocks_[id] = std::move(owned);
    subject_clock_ids_[subject].push_back(id);
    Changed(*clock, entries);
    return clock;
  }

  // Marks `clock` for saving (and re-arming) and publishes the events of
  // `entries` (SlaClockStarted / SlaWarning / SlaBreached /
  // SlaClockFulfilled / SlaClockStopped).
  void Changed(const SlaClock& clock, const std::vector<LedgerEntry>& entries) {
    dirty_clocks_.insert(ClockIdOf(clock));
    if (entries.empty()) return;
    const v1::SlaClock view =
        clock.ToProto(now_, app_.CalendarOf(clock.policy().calendar));
    for (const LedgerEntry& entry : entries) {
      switch (entry.transition) {
        case v1::CLOCK_TRANSITION_START: {
          v1::SlaClockStarted event;
          *event.mutable_clock() = view;
          Publish(clock.subject(), event);
          break;
        }
        case v1::CLOCK_TRANSITION_WARN: {
          v1::SlaWarning event;
          *event.mutable_clock() = view;
          *event.mutable_due_time() = ToProtoTime(entry.time);
          Publish(clock.subject(), event);
          CountDeadline(view, entry.transition);
          break;
        }
        case v1::CLOCK_TRANSITION_BREACH: {
          v1::SlaBreached event;
          *event.mutable_clock() = view;
          *event.mutable_breach_time() = ToProtoTime(entry.time);
          Publish(clock.subject(), event);
          CountDeadline(view, entry.transition);
          break;
        }
        case v1::CLOCK_TRANSITION_FULFIL: {
          v1::SlaClockFulfilled event;
          *event.mutable_clock() = view;
          Publish(clock.subject(), event);
          break;
        }
        case v1::CLOCK_TRANSITION_STOP: {
          v1::SlaClockStopped event;
          *event.mutable_clock() = view;
          Publish(clock.subject(), event);
          break;
        }
        default:  // PAUSE, RESUME, RECOMPUTE: in the ledger only
          break;
      }
    }
  }

  enum class Op { kPause, kResume, kFulfil, kStop };

  // Applies one transition at `at` and publishes what it recorded.
  absl::Status Transition(SlaClock& clock, Op op, absl::Time at,
                          absl::string_view reason) {
    const BusinessCalendar& calendar = app_.CalendarOf(clock.policy().calendar);
    absl::StatusOr<std::vector<LedgerEntry>> entries;
    switch (op) {
      case Op::kPause:
        entries = clock.Pause(at, reason, calendar);
        break;
      case Op::kResume:
        entries = clock.Resume(at, reason, calendar);
        break;
      case Op::kFulfil:
        entries = clock.Fulfil(at, reason, calendar);
        break;
      case Op::kStop:
        entries = clock.Stop(at, reason, calendar);
        break;
    }
    RETURN_IF_ERROR(entries.status());
    Changed(clock, *entries);
    return absl::OkStatus();
  }

  // The timer of `clock` fired: records the deadline(s) due by `at`.
  void RecordDue(SlaClock& clock, absl::Time at) {
    std::vector<LedgerEntry> entries =
        clock.RecordDue(at, app_.CalendarOf(clock.policy().calendar));
    Changed(clock, entries);
  }

  // Department/assignee of the open clocks of `subject` (escalation routes
  // on them).
  absl::Status SetClockContext(const std::string& subject,
                               const std::string& department,
                               const std::string& assignee) {
    return ChangeOpenClocks(subject, [&](SlaClock& clock) {
      if (clock.department() == department && clock.assignee() == assignee) {
        return false;
      }
      clock.set_department(department);
      clock.set_assignee(assignee);
      return true;
    });
  }

  // The ticket's region on its open clocks (reports break breaches down by
  // it).
  absl::Status SetClockRegion(const std::string& subject,
                              const std::string& region) {
    return ChangeOpenClocks(subject, [&](SlaClock& clock) {
      if (clock.region() == region) return false;
      clock.set_region(region);
      return true;
    });
  }

  // Applies `change` to each open clock of `subject`; a clock it changed
  // (returned true for) is saved.
  absl::Status ChangeOpenClocks(const std::string& subject,
                                absl::FunctionRef<bool(SlaClock&)> change) {
    ASSIGN_OR_RETURN(std::vector<SlaClock*> clocks, ClocksOf(subject));
    for (SlaClock* clock : clocks) {
      if (IsOpen(*clock) && change(*clock)) Changed(*clock, {});
    }
    return absl::OkStatus();
  }

  // ---- Agents

  std::vector<AgentState>& Agents() {
    if (!agents_loaded_) {
      for (const v1::Agent& agent : app_.agents_->Snapshot()) {
        agents_.push_back(AgentStateFromProto(agent));
      }
      agents_loaded_ = true;
    }
    return agents_;
  }
  AgentState* FindAgent(absl::string_view id) {
    for (AgentState& agent : Agents()) {
      if (agent.id == id) return &agent;
    }
    return nullptr;
  }
  bool HasFreeAgent(absl::string_view department) {
    for (const AgentState& agent : Agents()) {
      if (agent.online && agent.department == department &&
          agent.active < agent.capacity) {
        return true;
      }
    }
    return false;
  }

  // Counts the ticket against `agent` (stored, local copy, registry after
  // commit).
  void CountAgainst(v1::StoredRouting& record, const std::string& ticket_id,
                    const std::string& agent) {
    record.set_counted_agent(agent);
    *record.mutable_counted_time() = ToProtoTime(now_);
    app_.store_->PutLoad(writes_, agent, ticket_id, now_);
    if (AgentState* state = FindAgent(agent)) {
      ++state->active;
      state->last_assigned = now_;
    }
    AgentRegistry* registry = app_.agents_.get();
    const absl::Time when = now_;
    after_commit_.push_back(
        [registry, agent, when] { registry->NoteAssigned(agent, when); });
  }

  // Stops counting the ticket against its agent. Returns that agent's
  // department ("" when none or unknown), whose queue may now move.
  std::string Release(v1::StoredRouting& record, const std::string& ticket_id) {
    const std::string agent = record.counted_agent();
    if (agent.empty()) return "";
    record.clear_counted_agent();
    app_.store_->DeleteLoad(writes_, agent, ticket_id);
    std::string department;
    if (AgentState* state = FindAgent(agent)) {
      if (state->active > 0) --state->active;
      department = state->department;
    }
    AgentRegistry* registry = app_.agents_.get();
    after_commit_.push_back(
        [registry, agent] { registry->NoteReleased(agent); });
    return department;
  }

  // ---- Queue

  void Enqueue(v1::StoredRouting& record, const std::string& ticket_id) {
    Dequeue(record);
    const absl::Time since = record.facts().has_create_time()
                                 ? FromProtoTime(record.facts().create_time())
                                 : now_;
    const std::string& department = record.routing().department();
    const std::string key = QueueKey(department, since, ticket_id);
    app_.queue_floors_.Lower(department, key);
    writes_.Put(app_.store_->queue(), key, "");
    removed_queue_keys_.erase(key);
    std::string& lowest = lowest_queued_[department];
    if (lowest.empty() || key < lowest) lowest = key;
    record.set_queue_key(key);
    record.mutable_routing()->set_queued(true);
    record.mutable_routing()->clear_assignee();
  }

  void Dequeue(v1::StoredRouting& record) {
    if (!record.queue_key().empty()) {
      writes_.Delete(app_.store_->queue(), record.queue_key());
      removed_queue_keys_.insert(record.queue_key());
      record.clear_queue_key();
    }
    record.mutable_routing()->set_queued(false);
  }

  // ---- Assignments and events

  // Writes the request that tells the ticket service about the record's
  // department, assignee and grade (sent by the Assigner after commit).
  void SendAssignment(const v1::StoredRouting& record,
                      const std::string& ticket_id, absl::string_view note) {
    ticket::v1::AssignTicketRequest request;
    request.set_name(absl::StrCat(kTicketsPrefix, ticket_id));
    request.set_department(record.routing().department());
    request.set_assignee(record.routing().assignee());
    request.set_grade(record.routing().grade());
    request.set_note(Utf8Prefix(note, kMaxNoteChars));
    app_.store_->PutAssignment(writes_, ticket_id, request);
    if (!assigned_ticket_ || ticket_id < *assigned_ticket_) {
      assigned_ticket_ = ticket_id;
    }
  }

  void DropAssignment(const std::string& ticket_id) {
    app_.store_->DeleteAssignment(writes_, ticket_id);
  }

  // The assignment waiting to be sent for `ticket_id`, if any.
  absl::StatusOr<std::optional<ticket::v1::AssignTicketRequest>>
  PendingAssignment(const std::string& ticket_id) {
    ticket::v1::AssignTicketRequest request;
    absl::Status status = app_.store_->store().GetProto(
        app_.store_->assignments(), ticket_id, &request);
    if (absl::IsNotFound(status)) return std::nullopt;
    RETURN_IF_ERROR(status);
    return request;
  }

  void Publish(const std::string& subject,
               const google::protobuf::Message& payload) {
    app_.outbox_.Append(writes_, subject, payload);
  }

  // Counts a warning or breach once its batch has committed.
  void CountDeadline(const v1::SlaClock& view, v1::ClockTransition transition) {
    if (!app_.options_.on_deadline) return;
    writes_.OnCommit([hook = app_.options_.on_deadline, view,
                      transition](bool committed) {
      if (committed) hook(view, transition);
    });
  }

  void PublishRouted(const v1::StoredRouting& record) {
    v1::TicketRouted event;
    *event.mutable_routing() = record.routing();
    Publish(record.routing().ticket(), event);
  }

  // ---- Routing decisions

  // Picks an agent of the record's department for the ticket, or queues it;
  // then sends the assignment. `notes` explain the decision (kept in the
  // ticket's history).
  void RouteToAgent(v1::StoredRouting& record, const std::string& ticket_id,
                    std::vector<std::string> notes) {
    Dequeue(record);
    const std::vector<std::string> skills =
        RequiredSkills(CategoryOf(record.facts()), config().skills);
    AgentChoice choice = ChooseAgent(Agents(), record.routing().department(),
                                     skills, config().skills);
    notes.push_back(choice.reason);
    if (choice.agent) {
      CountAgainst(record, ticket_id, *choice.agent);
      record.mutable_routing()->set_assignee(*choice.agent);
    } else {
      Enqueue(record, ticket_id);
    }
    *record.mutable_routing()->mutable_routed_time() = ToProtoTime(now_);
    SendAssignment(record, ticket_id, absl::StrJoin(notes, "; "));
  }

  // Gives queued tickets of `department`, oldest first, to its free agents.
  absl::Status Drain(const std::string& department) {
    if (department.empty() || !HasFreeAgent(department)) {
      return absl::OkStatus();
    }
    QueueFloors::Mark seen = app_.queue_floors_.Read(department);
    ASSIGN_OR_RETURN(
        std::vector<std::string> keys,
        app_.store_->QueueKeys(department, seen.floor, kDrainScanLimit));
    if (keys.empty()) return absl::OkStatus();
    const DrainScan& scan = drained_[department] =
        DrainScan{std::move(seen), std::move(keys)};
    for (const std::string& key : scan.keys) {
      if (!HasFreeAgent(department)) break;
      if (removed_queue_keys_.count(key) > 0) continue;
      std::string queue_department, ticket_id;
      if (!ParseQueueKey(key, &queue_department, &ticket_id)) continue;
      ASSIGN_OR_RETURN(v1::StoredRouting * record, Routing(ticket_id));
      if (record == nullptr || record->queue_key() != key ||
          !record->active()) {
        // An orphan entry (cannot happen unless a write was lost): drop it.
        writes_.Delete(app_.store_->queue(), key);
        removed_queue_keys_.insert(key);
        continue;
      }
      const std::vector<std::string> skills =
          RequiredSkills(CategoryOf(record->facts()), config().skills);
      AgentChoice choice =
          ChooseAgent(Agents(), department, skills, config().skills);
      if (!choice.agent) continue;  // needs skills no free agent has
      Dequeue(*record);
      CountAgainst(*record, ticket_id, *choice.agent);
      record->mutable_routing()->set_assignee(*choice.agent);
      *record->mutable_routing()->mutable_routed_time() = ToProtoTime(now_);
      SendAssignment(*record, ticket_id,
                     absl::StrCat("assigned from the ", department,
                                  " queue: ", choice.reason));
      RETURN_IF_ERROR(SetClockContext(record->routing().ticket(), department,
                                      *choice.agent));
      PublishRouted(*record);
      Dirty(ticket_id);
    }
    return absl::OkStatus();
  }

  // Sets the grade routing works with and retargets the open ticket clocks
  // to the policies of the new grade (RECOMPUTE entries).
  absl::Status Regrade(v1::StoredRouting& record, Grade grade,
                       const std::vector<std::string>& reasons, absl::Time at,
                       absl::string_view why) {
    v1::TicketRouting* routing = record.mutable_routing();
    routing->set_grade(grade);
    routing->clear_grade_reasons();
    for (const std::string& reason : reasons)
      routing->add_grade_reasons(reason);
    const TicketFacts& facts = record.facts();
    ASSIGN_OR_RETURN(std::vector<SlaClock*> clocks,
                     ClocksOf(routing->ticket()));
    for (SlaClock* clock : clocks) {
      if (!IsOpen(*clock) || !IsTicketKind(clock->kind())) continue;
      ASSIGN_OR_RETURN(ClockPolicy policy,
                       MatchPolicy(config().sla, clock->kind(), facts.stage(),
                                   facts.channel(), grade));
      const BusinessCalendar& old_calendar =
          app_.CalendarOf(clock->policy().calendar);
      const BusinessCalendar& new_calendar = app_.CalendarOf(policy.calendar);
      ASSIGN_OR_RETURN(
          std::vector<LedgerEntry> entries,
          clock->Retarget(at, policy,
                          absl::StrCat(why, ": grade ", GradeText(grade)),
                          old_calendar, new_calendar));
      clock->set_grade(grade);
      Changed(*clock, entries);
    }
    return absl::OkStatus();
  }

  // A ticket clock of `kind` for the record's ticket, policy by its stage,
  // channel and routing's grade.
  absl::Status StartTicketClock(const v1::StoredRouting& record,
                                v1::ClockKind kind, absl::Time at,
                                absl::string_view reason) {
    const TicketFacts& facts = record.facts();
    ASSIGN_OR_RETURN(ClockPolicy policy,
                     MatchPolicy(config().sla, kind, facts.stage(),
                                 facts.channel(), record.routing().grade()));
    return StartClock(
               record.routing().ticket(), policy, record.routing().grade(),
               TicketClockContext(record.routing(), facts), at, reason,
               facts.status() == ticket::v1::TICKET_STATUS_PENDING_CUSTOMER)
        .status();
  }

  // Resolved or closed: the agent is free for the next ticket.
  absl::Status Deactivate(v1::StoredRouting& record,
                          const std::string& ticket_id) {
    if (!record.active()) return absl::OkStatus();
    record.set_active(false);
    const std::string department = Release(record, ticket_id);
    Dequeue(record);
    DropAssignment(ticket_id);
    return Drain(department);
  }

  // ---- Ticket events

  absl::Status OnCreated(const std::string& ticket_id,
                         const ticket::v1::TicketCreated& event,
                         absl::Time at) {
    TicketFacts facts = event.facts();
    GradeDecision grade =
        DecideGrade(facts, config().grading, GradeTrigger::kTicketCreated);
    facts.set_grade(grade.grade);
    ASSIGN_OR_RETURN(
        DepartmentDecision department,
        RouteDepartment(grade.grade, CategoryOf(facts), config().departments));
    v1::StoredRouting* record = NewRouting(ticket_id);
    *record->mutable_facts() = facts;
    record->set_active(TicketIsOpen(facts.status()));
    v1::TicketRouting* routing = record->mutable_routing();
    routing->set_ticket(facts.ticket());
    routing->set_grade(grade.grade);
    for (const std::string& r : grade.reasons) routing->add_grade_reasons(r);
    routing->set_department(department.department);
    for (const std::string& d : department.collaborating_departments) {
      routing->add_collaborating_departments(d);
    }
    routing->set_config_version(config().version);
    std::vector<std::string> notes = grade.reasons;
    notes.push_back(department.reason);
    if (record->active()) {
      RouteToAgent(*record, ticket_id, std::move(notes));
    } else {
      *routing->mutable_routed_time() = ToProtoTime(now_);
    }
    PublishRouted(*record);

    ASSIGN_OR_RETURN(std::vector<ClockToStart> clocks,
                     ClocksToStart(facts, config().sla));
    const absl::Time created =
        facts.has_create_time() ? FromProtoTime(facts.create_time()) : at;
    for (const ClockToStart& c : clocks) {
      RETURN_IF_ERROR(StartClock(facts.ticket(), c.policy, grade.grade,
                                 TicketClockContext(*routing, facts), created,
                                 "TicketCreated", false)
                          .status());
    }
    return absl::OkStatus();
  }

  absl::Status OnUpdated(const std::string& ticket_id,
                         v1::StoredRouting& record,
                         const ticket::v1::TicketUpdated& event,
                         absl::Time at) {
    const TicketFacts& facts = event.facts();
    RETURN_IF_ERROR(SetClockRegion(facts.ticket(), facts.region()));
    if (event.grading_inputs_changed()) {
      GradeDecision grade = DecideGrade(facts, config().grading,
                                        GradeTrigger::kGradingInputsChanged);
      if (grade.grade == record.routing().grade()) return absl::OkStatus();
      RETURN_IF_ERROR(Regrade(record, grade.grade, grade.reasons, at,
                              "grading inputs changed"));
      if (!record.active()) {
        PublishRouted(record);
        return absl::OkStatus();
      }
      ASSIGN_OR_RETURN(DepartmentDecision department,
                       RouteDepartment(grade.grade, CategoryOf(facts),
                                       config().departments));
      std::vector<std::string> notes = grade.reasons;
      if (department.department != record.routing().department()) {
        const std::string released = Release(record, ticket_id);
        v1::TicketRouting* routing = record.mutable_routing();
        routing->set_department(department.department);
        routing->clear_collaborating_departments();
        for (const std::string& d : department.collaborating_departments) {
          routing->add_collaborating_departments(d);
        }
        notes.push_back(department.reason);
        RouteToAgent(record, ticket_id, std::move(notes));
        RETURN_IF_ERROR(SetClockContext(
            routing->ticket(), routing->department(), routing->assignee()));
        PublishRouted(record);
        return Drain(released);
      }
      SendAssignment(record, ticket_id,
                     absl::StrCat("re-graded: ", absl::StrJoin(notes, "; ")));
      PublishRouted(record);
      return absl::OkStatus();
    }
    const bool grade_set =
        std::find(event.changed_fields().begin(), event.changed_fields().end(),
                  "grade") != event.changed_fields().end();
    if (grade_set && IsGrade(facts.grade()) &&
        facts.grade() != record.routing().grade()) {
      RETURN_IF_ERROR(
          Regrade(record, facts.grade(),
                  {absl::StrCat("grade set to ", GradeText(facts.grade()),
                                " by ", event.updated_by())},
                  at, "grade set by a person"));
      // A decision not sent yet must not undo the person's grade.
      ASSIGN_OR_RETURN(auto pending, PendingAssignment(ticket_id));
      if (pending && record.active()) {
        SendAssignment(record, ticket_id, pending->note());
      }
      PublishRouted(record);
    }
    return absl::OkStatus();
  }

  absl::Status OnAssigned(const std::string& ticket_id,
                          v1::StoredRouting& record,
                          const ticket::v1::TicketAssigned& event,
                          absl::Time at) {
    const TicketFacts& facts = event.facts();
    v1::TicketRouting* routing = record.mutable_routing();
    if (event.assigned_by() == app_.options_.self_subject) {
      // An echo of routing's own call: the record already holds the
      // decision. If the ticket now differs from it and nothing newer is
      // waiting to be sent, the call was overtaken (a person's change landed
      // first, or a later decision was delivered before this echo): send
      // the record's state again (a no-op when it already holds).
      const bool differs =
          facts.department() != routing->department() ||
          facts.assignee() != routing->assignee() ||
          (IsGrade(routing->grade()) && facts.grade() != routing->grade());
      if (!record.active() || !differs) return absl::OkStatus();
      ASSIGN_OR_RETURN(auto pending, PendingAssignment(ticket_id));
      if (!pending) {
        SendAssignment(record, ticket_id,
                       "routing: restoring the last routing decision");
      }
      return absl::OkStatus();
    }
    // A person routed the ticket: their decision wins over one not sent yet.
    DropAssignment(ticket_id);
    Dequeue(record);
    routing->set_department(facts.department());
    std::string released;
    if (record.active()) {
      if (facts.assignee() != record.counted_agent()) {
        released = Release(record, ticket_id);
        if (!facts.assignee().empty()) {
          CountAgainst(record, ticket_id, facts.assignee());
        }
      }
      routing->set_assignee(facts.assignee());
      *routing->mutable_routed_time() = ToProtoTime(now_);
      if (facts.assignee().empty()) {
        RouteToAgent(record, ticket_id,
                     {absl::StrCat("put in the ", facts.department(),
                                   " queue by ", event.assigned_by())});
      }
    } else {
      routing->set_assignee(facts.assignee());
    }
    if (IsGrade(facts.grade()) && facts.grade() != routing->grade()) {
      RETURN_IF_ERROR(
          Regrade(record, facts.grade(),
                  {absl::StrCat("grade set to ", GradeText(facts.grade()),
                                " by ", event.assigned_by())},
                  at, "grade set by a person"));
    }
    RETURN_IF_ERROR(SetClockContext(routing->ticket(), routing->department(),
                                    routing->assignee()));
    PublishRouted(record);
    return Drain(released);
  }

  absl::Status OnReplied(v1::StoredRouting& record,
                         const ticket::v1::TicketReplied& event,
                         absl::Time at) {
    if (!event.is_public()) return absl::OkStatus();
    const absl::Time when =
        event.has_reply_time() ? FromProtoTime(event.reply_time()) : at;
    const std::string& subject = record.routing().ticket();
    const TicketFacts& facts = event.facts();
    const SlaPolicies& sla = config().sla;
    if (event.author_kind() == ticket::v1::AUTHOR_KIND_AGENT) {
      ASSIGN_OR_RETURN(std::vector<SlaClock*> clocks, ClocksOf(subject));
      for (SlaClock* clock : clocks) {
        if (!IsOpen(*clock)) continue;
        switch (clock->kind()) {
          case v1::CLOCK_KIND_FIRST_RESPONSE:
            RETURN_IF_ERROR(Transition(*clock, Op::kFulfil, when,
                                       "first public agent reply"));
            break;
          case v1::CLOCK_KIND_NEXT_REPLY:
          case v1::CLOCK_KIND_PERIODIC_UPDATE:
            RETURN_IF_ERROR(
                Transition(*clock, Op::kFulfil, when, "public agent reply"));
            break;
          default:
            break;
        }
      }
      if (sla.ticket_clocks.periodic_update && TicketIsOpen(facts.status())) {
        RETURN_IF_ERROR(StartTicketClock(record, v1::CLOCK_KIND_PERIODIC_UPDATE,
                                         when, "public agent reply"));
      }
    } else if (event.author_kind() == ticket::v1::AUTHOR_KIND_CUSTOMER) {
      if (!sla.ticket_clocks.next_reply || !TicketIsOpen(facts.status()) ||
          !facts.has_first_response_time()) {
        return absl::OkStatus();
      }
      ASSIGN_OR_RETURN(SlaClock * waiting,
                       OpenClock(subject, v1::CLOCK_KIND_NEXT_REPLY));
      if (waiting != nullptr) return absl::OkStatus();  // still unanswered
      RETURN_IF_ERROR(StartTicketClock(record, v1::CLOCK_KIND_NEXT_REPLY, when,
                                       "customer message"));
    }
    return absl::OkStatus();
  }

  absl::Status OnStatusChanged(v1::StoredRouting& record,
                               const ticket::v1::TicketStatusChanged& event,
                               absl::Time at) {
    constexpr TicketStatus kPending =
        ticket::v1::TICKET_STATUS_PENDING_CUSTOMER;
    const bool pause =
        event.status() == kPending && event.previous_status() != kPending;
    const bool resume = event.previous_status() == kPending &&
                        TicketIsOpen(event.status()) &&
                        event.status() != kPending;
    if (!pause && !resume) return absl::OkStatus();
    const std::string reason = absl::StrCat(
        "TicketStatusChanged ",
        absl::StripPrefix(ticket::v1::TicketStatus_Name(event.status()),
                          "TICKET_STATUS_"));
    ASSIGN_OR_RETURN(std::vector<SlaClock*> clocks,
                     ClocksOf(record.routing().ticket()));
    for (SlaClock* clock : clocks) {
      if (!IsTicketKind(clock->kind())) continue;
      if (pause && clock->state() == v1::CLOCK_STATE_RUNNING) {
        RETURN_IF_ERROR(Transition(*clock, Op::kPause, at, reason));
      } else if (resume && clock->state() == v1::CLOCK_STATE_PAUSED) {
        RETURN_IF_ERROR(Transition(*clock, Op::kResume, at, reason));
      }
    }
    return absl::OkStatus();
  }

  absl::Status OnResolved(const std::string& ticket_id,
                          v1::StoredRouting& record,
                          const ticket::v1::TicketResolved& event,
                          absl::Time at) {
    const TicketFacts& facts = event.facts();
    const absl::Time when =
        facts.has_resolve_time() ? FromProtoTime(facts.resolve_time()) : at;
    ASSIGN_OR_RETURN(std::vector<SlaClock*> clocks,
                     ClocksOf(record.routing().ticket()));
    for (SlaClock* clock : clocks) {
      if (!IsOpen(*clock) || !IsTicketKind(clock->kind())) continue;
      if (clock->kind() == v1::CLOCK_KIND_RESOLUTION) {
        RETURN_IF_ERROR(
            Transition(*clock, Op::kFulfil, when, "TicketResolved"));
      } else {
        RETURN_IF_ERROR(Transition(*clock, Op::kStop, when, "ticket resolved"));
      }
    }
    for (v1::ClockKind kind :
         {v1::CLOCK_KIND_FOLLOW_UP, v1::CLOCK_KIND_RECORD_COMPLETENESS}) {
      if (!TicketClockEnabled(config().sla, kind)) continue;
      RETURN_IF_ERROR(StopOpen(record, kind, when, "resolved again"));
      RETURN_IF_ERROR(StartTicketClock(record, kind, when, "TicketResolved"));
    }
    return Deactivate(record, ticket_id);
  }

  // Fulfils the open clock of `kind` of the record's ticket, if any.
  absl::Status FulfilOpen(v1::StoredRouting& record, v1::ClockKind kind,
                          absl::Time at, absl::string_view reason) {
    ASSIGN_OR_RETURN(SlaClock * clock,
                     OpenClock(record.routing().ticket(), kind));
    if (clock == nullptr) return absl::OkStatus();
    return Transition(*clock, Op::kFulfil, at, reason);
  }

  absl::Status StopOpen(v1::StoredRouting& record, v1::ClockKind kind,
                        absl::Time at, absl::string_view reason) {
    ASSIGN_OR_RETURN(SlaClock * clock,
                     OpenClock(record.routing().ticket(), kind));
    if (clock == nullptr) return absl::OkStatus();
    return Transition(*clock, Op::kStop, at, reason);
  }

  absl::Status OnClosed(const std::string& ticket_id, v1::StoredRouting& record,
                        const ticket::v1::TicketClosed& event, absl::Time at) {
    const TicketFacts& facts = event.facts();
    const absl::Time when =
        facts.has_close_time() ? FromProtoTime(facts.close_time()) : at;
    const std::string reason =
        event.merged_into().empty()
            ? std::string("TicketClosed")
            : absl::StrCat("TicketClosed: merged into ", event.merged_into());
    ASSIGN_OR_RETURN(std::vector<SlaClock*> clocks,
                     ClocksOf(record.routing().ticket()));
    for (SlaClock* clock : clocks) {
      if (!IsOpen(*clock) || !IsTicketKind(clock->kind())) continue;
      RETURN_IF_ERROR(Transition(*clock, Op::kStop, when, reason));
    }
    return Deactivate(record, ticket_id);
  }

  absl::Status OnReopened(const std::string& ticket_id,
                          v1::StoredRouting& record,
                          const ticket::v1::TicketReopened& event,
                          absl::Time at) {
    const TicketFacts& facts = event.facts();
    if (!record.active()) {
      record.set_active(true);
      v1::TicketRouting* routing = record.mutable_routing();
      if (!facts.department().empty()) {
        routing->set_department(facts.department());
      }
      if (!facts.assignee().empty()) {
        CountAgainst(record, ticket_id, facts.assignee());
        routing->set_assignee(facts.assignee());
      } else {
        RouteToAgent(record, ticket_id, {"reopened without an assignee"});
      }
      PublishRouted(record);
    }
    if (TicketClockEnabled(config().sla, v1::CLOCK_KIND_RESOLUTION)) {
      RETURN_IF_ERROR(StartTicketClock(record, v1::CLOCK_KIND_RESOLUTION, at,
                                       "TicketReopened"));
    }
    // A new resolution starts new follow-up and record clocks.
    RETURN_IF_ERROR(
        StopOpen(record, v1::CLOCK_KIND_FOLLOW_UP, at, "TicketReopened"));
    return StopOpen(record, v1::CLOCK_KIND_RECORD_COMPLETENESS, at,
                    "TicketReopened");
  }

  // ---- Finish

  // Writes every changed record and clock (arming or cancelling its timer)
  // into the WriteSet and registers the in-memory effects for after the
  // commit.
  absl::Status Finish() {
    for (const std::string& id : dirty_routings_) {
      app_.store_->PutRouting(writes_, id, *routings_.at(id));
    }
    for (const std::string& id : dirty_clocks_) {
      const SlaClock& clock = *clocks_.at(id);
      const BusinessCalendar& calendar =
          app_.CalendarOf(clock.policy().calendar);
      v1::StoredClock stored;
      *stored.mutable_clock() = clock.ToProto(now_, calendar);
      stored.set_warning_fraction(clock.policy().warning_fraction);
      app_.store_->PutClock(writes_, id, stored);
      std::optional<absl::Time> next = clock.NextDeadline(calendar);
      if (next && *next != absl::InfiniteFuture()) {
        RETURN_IF_ERROR(app_.timers_->Arm(writes_, id, CeilMicros(*next)));
      } else {
        app_.timers_->Cancel(writes_, id);
      }
    }
    RaiseQueueFloors();
    if (assigned_ticket_) {
      Assigner* assigner = app_.assigner_.get();
      after_commit_.push_back([assigner, ticket = *assigned_ticket_] {
        assigner->WakeFor(ticket);
      });
    }
    if (!after_commit_.empty()) {
      writes_.OnCommit([effects = std::move(after_commit_)](bool committed) {
        if (!committed) return;
        for (const auto& effect : effects) effect();
      });
      after_commit_.clear();
    }
    return absl::OkStatus();
  }

 private:
  // What one Drain() scan of a department's queue read.
  struct DrainScan {
    QueueFloors::Mark seen;         // the floor the scan started at
    std::vector<std::string> keys;  // the queue keys it found, in order
  };

  // Once committed, moves each drained department's floor up to the first
  // key the scan left queued (past the last key it read when it took them
  // all), or to a key this Txn queued if that is lower.
  void RaiseQueueFloors() {
    for (const auto& [department, scan] : drained_) {
      auto left = absl::c_find_if(scan.keys, [&](const std::string& key) {
        return removed_queue_keys_.count(key) == 0;
      });
      std::string floor =
          left != scan.keys.end() ? *left : ResumeAfter(scan.keys.back());
      auto queued = lowest_queued_.find(department);
      if (queued != lowest_queued_.end()) {
        floor = std::min(floor, queued->second);
      }
      if (floor <= scan.seen.floor) continue;
      after_commit_.push_back(
          [floors = &app_.queue_floors_, department, floor = std::move(floor),
           seen = scan.seen] { floors->Raise(department, floor, seen); });
    }
  }

  RoutingApp& app_;
  WriteSet& writes_;
  const absl::Time now_;

  std::map<std::string, std::unique_ptr<v1::StoredRouting>> routings_;
  std::set<std::string> dirty_routings_;
  std::map<std::string, std::unique_ptr<SlaClock>> clocks_;
  std::map<std::string, std::vector<std::string>> subject_clock_ids_;
  std::set<std::string> dirty_clocks_;
  std::set<std::string> removed_queue_keys_;
  std::map<std::string, DrainScan> drained_;  // by department
  // The lowest queue key this Txn wrote, by department.
  std::map<std::string, std::string> lowest_queued_;
  std::vector<AgentState> agents_;
  bool agents_loaded_ = false;
  // The smallest key of the assignments written, which the Assigner must
  // look at once they are committed.
  std::optional<std::string> assigned_ticket_;
  std::vector<std::function<void()>> after_commit_;
};

// ---------------------------------------------------------------------------
// Life cycle

absl::StatusOr<std::unique_ptr<RoutingApp>> RoutingApp::Create(
    Store& store, Outbox& outbox, Clock& clock, RoutingSettings settings,
    TicketClient& tickets, Options options) {
  ASSIGN_OR_RETURN(std::unique_ptr<RoutingStore> routing_store,
                   RoutingStore::Open(store));
  RETURN_IF_ERROR(store.Family(AgentRegistry::kFamily).status());
  return std::unique_ptr<RoutingApp>(
      new RoutingApp(store, outbox, clock, std::move(settings), tickets,
                     std::move(options), std::move(routing_store)));
}

RoutingApp::RoutingApp(Store& store, Outbox& outbox, Clock& clock,
                       RoutingSettings settings, TicketClient& tickets,
                       Options options,
                       std::unique_ptr<RoutingStore> routing_store)
    : store_base_(store),
      outbox_(outbox),
      clock_(clock),
      settings_(std::move(settings)),
      options_(std::move(options)),
      store_(std::move(routing_store)),
      agents_(std::make_unique<AgentRegistry>(store, clock)) {
  TimerEngine::Options timer_options = options_.timers;
  if (timer_options.name == "timers") timer_options.name = "sla-timers";
  timers_ = std::make_unique<TimerEngine>(
      store, store_->timers(), clock,
      [this](const Timer& timer, WriteSet& writes) {
        return HandleTimer(timer, writes);
      },
      timer_options);
  assigner_ = std::make_unique<Assigner>(store, store_->assignments(), tickets,
                                         state_mu_, options_.assigner);
  if (!options_.ticket_events_target.empty()) {
    EventConsumer::Options consumer_options;
    consumer_options.name = std::string(kConsumerName);
    consumer_options.target = options_.ticket_events_target;
    consumer_options.channels = options_.channels;
    consumer_options.types = {"TicketCreated"};
    for (const FollowedTicketEvent& followed : kFollowedTicketEvents) {
      consumer_options.types.emplace_back(followed.type);
    }
    consumer_options.token = options_.token;
    consumer_options.initial_backoff = options_.consumer_initial_backoff;
    consumer_options.on_cursor = options_.on_cursor;
    consumer_options.on_dead_letter = options_.on_dead_letter;
    consumer_ = std::make_unique<EventConsumer>(
        store, std::move(consumer_options),
        [this](const common::v1::Event& event, WriteSet& writes) {
          return HandleTicketEvent(event, writes);
        });
  }
}

RoutingApp::~RoutingApp() { Stop(); }

absl::Status RoutingApp::Start() {
  absl::MutexLock lifecycle(&lifecycle_mu_);
  if (running_) return absl::OkStatus();
  RETURN_IF_ERROR(agents_->Load());
  ASSIGN_OR_RETURN(auto loads, store_->Loads());
  for (const auto& [agent, load] : loads) {
    agents_->RestoreLoad(agent, load.active, load.last_assigned);
  }
  RETURN_IF_ERROR(timers_->Start());
  {
    // Agents may have come online (or the configuration changed) while
    // tickets waited: give them out before new events arrive.
    absl::MutexLock lock(&state_mu_);
    absl::StatusOr<std::vector<std::string>> departments =
        store_->QueuedDepartments();
    absl::Status drained = departments.status();
    if (departments.ok()) {
      for (const std::string& department : *departments) {
        drained.Update(
            CommitTxn([&](Txn& txn) { return txn.Drain(department); }));
      }
    }
    if (!drained.ok()) {
      Log(LogLevel::kWarning, "routing",
          absl::StrCat("handing out queued tickets at start failed: ",
                       drained.ToString()));
    }
  }
  if (consumer_ != nullptr) {
    if (absl::Status started = consumer_->Start(); !started.ok()) {
      timers_->Stop();
      return started;
    }
  }
  assigner_->Start();
  running_ = true;
  return absl::OkStatus();
}

void RoutingApp::Stop() {
  absl::MutexLock lifecycle(&lifecycle_mu_);
  if (!running_) return;
  if (consumer_ != nullptr) consumer_->Stop();
  assigner_->Stop();
  timers_->Stop();
  running_ = false;
}

bool RoutingApp::WaitForTicketEvents(uint64_t sequence,
                                     absl::Duration timeout) const {
  return consumer_ != nullptr && consumer_->WaitForCursor(sequence, timeout);
}

bool RoutingApp::WaitAssignerIdle(absl::Duration timeout) const {
  return assigner_->WaitIdle(timeout);
}

bool RoutingApp::WaitTimersIdle(absl::Duration timeout) const {
  return timers_->WaitIdle(timeout);
}

const BusinessCalendar& RoutingApp::CalendarOf(const std::string& name) const {
  auto it = settings_.calendars.find(name);
  if (it != settings_.calendars.end()) return it->second;
  it = settings_.calendars.find(settings_.config.sla.default_calendar);
  if (it != settings_.calendars.end()) return it->second;
  static const BusinessCalendar* const always =
      new BusinessCalendar(BusinessCalendar::AlwaysOpen());
  return *always;
}

absl::Status RoutingApp::CommitTxn(
    const std::function<absl::Status(Txn&)>& work) {
  WriteSet writes;
  Txn txn(*this, writes);
  RETURN_IF_ERROR(work(txn));
  RETURN_IF_ERROR(txn.Finish());
  if (writes.empty()) return absl::OkStatus();
  return store_base_.Commit(writes);
}

// ---------------------------------------------------------------------------
// Handlers

absl::Status RoutingApp::HandleTicketEvent(const common::v1::Event& event,
                                           WriteSet& writes) {
  // Held until `writes` is written (or dropped) by the consumer: the
  // decision and its commit are one critical section.
  auto lock = std::make_shared<absl::MutexLock>(&state_mu_);
  writes.OnWritten([lock] {});
  Txn txn(*this, writes);
  RETURN_IF_ERROR(ApplyTicketEvent(txn, event));
  return txn.Finish();
}

absl::Status RoutingApp::ApplyTicketEvent(Txn& txn,
                                          const common::v1::Event& event) {
  const absl::Time at = event.has_occurred_time()
                            ? FromProtoTime(event.occurred_time())
                            : txn.now();
  const std::string& type = event.type();

  if (type == "TicketCreated") {
    ASSIGN_OR_RETURN(auto created, Unpack<ticket::v1::TicketCreated>(event));
    const std::string id = TicketIdOf(created.facts().ticket());
    if (id.empty()) {
      Log(LogLevel::kWarning, "routing",
          absl::StrCat("event ", event.sequence(),
                       ": no ticket name; skipped"));
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(v1::StoredRouting * existing, txn.Routing(id));
    if (existing != nullptr) return absl::OkStatus();  // seen before
    RETURN_IF_ERROR(txn.OnCreated(id, created, at));
    ASSIGN_OR_RETURN(v1::StoredRouting * record, txn.Routing(id));
    record->set_last_sequence(event.sequence());
    return absl::OkStatus();
  }

  // Every other event is about a ticket routing already knows.
  const auto* followed = absl::c_find_if(
      kFollowedTicketEvents,
      [&](const FollowedTicketEvent& f) { return f.type == type; });
  if (followed == std::end(kFollowedTicketEvents)) {
    return absl::OkStatus();  // not a type routing reacts to
  }
  std::unique_ptr<google::protobuf::Message> payload = followed->new_payload();
  if (!event.payload().UnpackTo(payload.get())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "event ", event.sequence(), " (", type, "): payload does not parse"));
  }
  const google::protobuf::FieldDescriptor* facts_field =
      payload->GetDescriptor()->FindFieldByName("facts");
  const auto& facts = static_cast<const TicketFacts&>(
      payload->GetReflection()->GetMessage(*payload, facts_field));
  const std::string id = TicketIdOf(facts.ticket());
  if (id.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(v1::StoredRouting * record, txn.Routing(id));
  if (record == nullptr) {
    // Created before routing kept records (or trimmed from the log): there
    // is nothing to drive.
    Log(LogLevel::kDebug, "routing",
        absl::StrCat("event ", event.sequence(), " (", type,
                     ") for unknown ticket ", id, "; skipped"));
    return absl::OkStatus();
  }
  if (record->last_sequence() >= event.sequence()) return absl::OkStatus();
  *record->mutable_facts() = facts;
  if (type == "TicketUpdated") {
    RETURN_IF_ERROR(txn.OnUpdated(
        id, *record, static_cast<const ticket::v1::TicketUpdated&>(*payload),
        at));
  } else if (type == "TicketAssigned") {
    RETURN_IF_ERROR(txn.OnAssigned(
        id, *record, static_cast<const ticket::v1::TicketAssigned&>(*payload),
        at));
  } else if (type == "TicketReplied") {
    RETURN_IF_ERROR(txn.OnReplied(
        *record, static_cast<const ticket::v1::TicketReplied&>(*payload), at));
  } else if (type == "TicketStatusChanged") {
    RETURN_IF_ERROR(txn.OnStatusChanged(
        *record, static_cast<const ticket::v1::TicketStatusChanged&>(*payload),
        at));
  } else if (type == "TicketResolved") {
    RETURN_IF_ERROR(txn.OnResolved(
        id, *record, static_cast<const ticket::v1::TicketResolved&>(*payload),
        at));
  } else if (type == "TicketClosed") {
    RETURN_IF_ERROR(txn.OnClosed(
        id, *record, static_cast<const ticket::v1::TicketClosed&>(*payload),
        at));
  } else if (type == "TicketReopened") {
    RETURN_IF_ERROR(txn.OnReopened(
        id, *record, static_cast<const ticket::v1::TicketReopened&>(*payload),
        at));
  } else if (type == "FollowUpRecorded") {
    RETURN_IF_ERROR(txn.FulfilOpen(*record, v1::CLOCK_KIND_FOLLOW_UP, at,
                                   "FollowUpRecorded"));
  } else if (type == "ServiceRecordChecked" &&
             static_cast<const ticket::v1::ServiceRecordChecked&>(*payload)
                 .complete()) {
    RETURN_IF_ERROR(txn.FulfilOpen(*record, v1::CLOCK_KIND_RECORD_COMPLETENESS,
                                   at, "service record complete"));
  }
  record->set_last_sequence(event.sequence());
  txn.Dirty(id);
  return absl::OkStatus();
}

absl::Status RoutingApp::HandleTimer(const Timer& timer, WriteSet& writes) {
  auto lock = std::make_shared<absl::MutexLock>(&state_mu_);
  writes.OnWritten([lock] {});
  Txn txn(*this, writes);
  ASSIGN_OR_RETURN(SlaClock * clock, txn.Clock(timer.id));
  if (clock == nullptr) return absl::OkStatus();  // nothing left to watch
  // timer.due is the deadline rounded up to whole microseconds, so every
  // deadline it was armed for is recorded, at its TRUE instant.
  txn.RecordDue(*clock, std::max(txn.now(), timer.due));
  return txn.Finish();
}

// ---------------------------------------------------------------------------
// RoutingService

absl::Status RoutingApp::CheckAgentManager(const auth::Principal& caller,
                                           absl::string_view department) const {
  if (caller.HasAnyRole({auth::Role::kSupervisor, auth::Role::kAdmin})) {
    return absl::OkStatus();
  }
  if (caller.HasRole(auth::Role::kTeamLead) && !caller.department.empty() &&
      caller.department == department) {
    return absl::OkStatus();
  }
  return WithErrorInfo(
      absl::PermissionDeniedError(absl::StrCat(
          "a team lead may only manage agents of their own department (",
          caller.department.empty() ? "none" : caller.department, "), not ",
          department)),
      "DEPARTMENT_SCOPE", {{"department", std::string(department)}});
}

absl::StatusOr<v1::Agent> RoutingApp::RegisterAgent(
    const auth::Principal& caller, const v1::RegisterAgentRequest& req) {
  RETURN_IF_ERROR(ValidateAgent(req.agent()));
  RETURN_IF_ERROR(
      options_.departments.Check("agent.department", req.agent().department()));
  RETURN_IF_ERROR(CheckAgentManager(caller, req.agent().department()));
  absl::MutexLock lock(&state_mu_);
  absl::StatusOr<v1::Agent> existing = agents_->Get(req.agent().name());
  if (existing.ok()) {
    RETURN_IF_ERROR(CheckAgentManager(caller, existing->department()));
  }
  ASSIGN_OR_RETURN(v1::Agent agent, agents_->Register(req.agent()));
  if (!existing.ok()) {
    // Tickets a person assigned before the agent registered still count.
    const std::string id(absl::StripPrefix(agent.name(), "agents/"));
    ASSIGN_OR_RETURN(StoredLoad load, store_->LoadOf(id));
    agents_->RestoreLoad(id, load.active, load.last_assigned);
  }
  absl::Status drained =
      CommitTxn([&](Txn& txn) { return txn.Drain(agent.department()); });
  if (!drained.ok()) {
    // The profile is saved; the queue moves at the next occasion.
    Log(LogLevel::kWarning, "routing",
        absl::StrCat("handing out queued tickets of ", agent.department(),
                     " failed: ", drained.ToString()));
  }
  return agents_->Get(agent.name());
}

absl::StatusOr<v1::Agent> RoutingApp::GetAgent(const auth::Principal& caller,
                                               const v1::GetAgentRequest& req) {
  return agents_->Get(req.name());
}

absl::StatusOr<v1::ListAgentsResponse> RoutingApp::ListAgents(
    const auth::Principal& caller, const v1::ListAgentsRequest& req) {
  return agents_->List(req);
}

absl::StatusOr<v1::Agent> RoutingApp::SetAgentAvailability(
    const auth::Principal& caller, const v1::SetAgentAvailabilityRequest& req) {
  if (req.availability() != v1::AVAILABILITY_ONLINE &&
      req.availability() != v1::AVAILABILITY_OFFLINE) {
    return InvalidField("availability", "must be ONLINE or OFFLINE");
  }
  ASSIGN_OR_RETURN(v1::Agent current, agents_->Get(req.name()));
  RETURN_IF_ERROR(CheckAgentManager(caller, current.department()));
  absl::MutexLock lock(&state_mu_);
  ASSIGN_OR_RETURN(v1::Agent agent,
                   agents_->SetAvailability(req.name(), req.availability()));
  if (agent.availability() == v1::AVAILABILITY_ONLINE) {
    absl::Status drained =
        CommitTxn([&](Txn& txn) { return txn.Drain(agent.department()); });
    if (!drained.ok()) {
      Log(LogLevel::kWarning, "routing",
          absl::StrCat("handing out queued tickets of ", agent.department(),
                       " failed: ", drained.ToString()));
    }
  }
  return agents_->Get(agent.name());
}

absl::StatusOr<v1::TicketRouting> RoutingApp::GetTicketRouting(
    const auth::Principal& caller, const v1::GetTicketRoutingRequest& req) {
  const std::string id = TicketIdOf(req.ticket());
  if (id.empty()) return InvalidField("ticket", "must look like tickets/{id}");
  RETURN_IF_ERROR(ValidateSubjectName("ticket", req.ticket()));
  ASSIGN_OR_RETURN(std::optional<v1::StoredRouting> record,
                   store_->GetRouting(id));
  if (!record) {
    return absl::NotFoundError(
        absl::StrCat(req.ticket(), " has not been routed"));
  }
  return record->routing();
}

absl::StatusOr<v1::ListQueueResponse> RoutingApp::ListQueue(
    const auth::Principal& caller, const v1::ListQueueRequest& req) {
  RETURN_IF_ERROR(CheckText("department", req.department(), 64));
  const uint64_t query =
      QueryFingerprint(absl::StrCat("queue|", req.department()));
  ASSIGN_OR_RETURN(std::string after, DecodePageToken(req.page_token(), query));
  ASSIGN_OR_RETURN(const int32_t page_size, CheckedPageSize(req.page_size()));
  const std::string prefix =
      req.department().empty() ? "" : QueuePrefix(req.department());
  const std::string end = prefix.empty() ? "" : PrefixEnd(prefix);
  // A department's first page starts at its floor, past the tombstones of
  // the tickets handed out.
  std::string from = prefix;
  if (!after.empty()) {
    from = ResumeAfter(after);
  } else if (!prefix.empty()) {
    from = std::max(prefix, queue_floors_.Read(req.department()).floor);
  }
  std::vector<std::string> keys;
  RETURN_IF_ERROR(store_base_.Scan(
      store_->queue(), from, end, static_cast<size_t>(page_size) + 1,
      [&](absl::string_view key, absl::string_view) {
        keys.emplace_back(key);
        return true;
      }));
  v1::ListQueueResponse response;
  for (size_t i = 0; i < keys.size() && i < static_cast<size_t>(page_size);
       ++i) {
    std::string department, ticket_id;
    if (!ParseQueueKey(keys[i], &department, &ticket_id)) continue;
    ASSIGN_OR_RETURN(std::optional<v1::StoredRouting> record,
                     store_->GetRouting(ticket_id));
    if (record) *response.add_tickets() = record->routing();
  }
  if (keys.size() > static_cast<size_t>(page_size)) {
    response.set_next_page_token(
        EncodePageToken(keys[static_cast<size_t>(page_size) - 1], query));
  }
  return response;
}

// ---------------------------------------------------------------------------
// SlaService

absl::StatusOr<v1::SlaClock> RoutingApp::StartClock(
    const auth::Principal& caller, const v1::StartClockRequest& req) {
  const absl::Time now = clock_.Now();
  RETURN_IF_ERROR(
      ValidateStartClock(req, CalendarNames(settings_.calendars), now));
  RETURN_IF_ERROR(RefuseTicketDrivenClock(req.kind()));
  absl::Time start =
      req.has_start_time() ? FromProtoTime(req.start_time()) : now;

  absl::MutexLock lock(&state_mu_);
  WriteSet writes;
  Txn txn(*this, writes);
  ASSIGN_OR_RETURN(SlaClock * running,
                   txn.OpenClock(req.subject(), req.kind()));
  if (running != nullptr) {  // idempotent: the running clock, unchanged
    return running->ToProto(now, CalendarOf(running->policy().calendar));
  }
  // A ticket's clock follows the ticket's stage and channel (and grade,
  // unless the caller gives one).
  common::v1::Stage stage = common::v1::STAGE_UNSPECIFIED;
  common::v1::Channel channel = common::v1::CHANNEL_UNSPECIFIED;
  Grade grade = req.grade();
  std::string department = req.department();
  std::string assignee = req.assignee();
  if (const std::string ticket_id = TicketIdOf(req.subject());
      !ticket_id.empty() && IsTicketKind(req.kind())) {
    ASSIGN_OR_RETURN(v1::StoredRouting * record, txn.Routing(ticket_id));
    if (record != nullptr) {
      stage = record->facts().stage();
      channel = record->facts().channel();
      if (grade == common::v1::GRADE_UNSPECIFIED) {
        grade = record->routing().grade();
      }
      if (department.empty()) department = record->routing().department();
      if (assignee.empty()) assignee = record->routing().assignee();
    }
  }
  absl::StatusOr<ClockPolicy> matched =
      MatchPolicy(settings_.config.sla, req.kind(), stage, channel, grade);
  ClockPolicy policy;
  if (req.has_target()) {
    policy.name = "";
    policy.version = settings_.config.version;
    policy.kind = req.kind();
    policy.target = FromProtoDuration(req.target());
    policy.calendar = matched.ok() ? matched->calendar
                                   : settings_.config.sla.default_calendar;
    policy.warning_fraction = settings_.config.sla.default_warning_fraction;
  } else if (matched.ok()) {
    policy = *matched;
  } else {
    return InvalidField(
        "target", absl::StrCat(matched.status().message(), "; give a target"));
  }
  if (!req.calendar().empty()) policy.calendar = req.calendar();
  const std::string reason = ApiReason("StartClock", req.reason(), caller);
  ASSIGN_OR_RETURN(
      SlaClock * clock,
      txn.StartClock(req.subject(), policy, grade, {department, assignee},
                     start, reason, false));
  v1::SlaClock view = clock->ToProto(now, CalendarOf(policy.calendar));
  RETURN_IF_ERROR(txn.Finish());
  RETURN_IF_ERROR(store_base_.Commit(writes));
  return view;
}

absl::StatusOr<v1::SlaClock> RoutingApp::UpdateClock(
    const auth::Principal& caller, const v1::UpdateClockRequest& req) {
  RETURN_IF_ERROR(ValidateUpdateClock(req));
  RETURN_IF_ERROR(RefuseTicketDrivenClock(req.kind()));
  const v1::ClockState target_state = StateAfter(req.transition());

  absl::MutexLock lock(&state_mu_);
  WriteSet writes;
  Txn txn(*this, writes);
  ASSIGN_OR_RETURN(std::vector<SlaClock*> clocks, txn.ClocksOf(req.subject()));
  SlaClock* chosen = nullptr;
  for (SlaClock* clock : clocks) {
    if (clock->kind() != req.kind()) continue;
    // The open one if any, else the latest.
    if (chosen == nullptr || !IsOpen(*chosen)) chosen = clock;
  }
  if (chosen == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        req.subject(), " has no ", ClockKindText(req.kind()), " clock"));
  }
  const BusinessCalendar& calendar = CalendarOf(chosen->policy().calendar);
  if (chosen->state() == target_state) {  // a retry: already done
    return chosen->ToProto(txn.now(), calendar);
  }
  const std::string reason = ApiReason("UpdateClock", req.reason(), caller);
  Txn::Op op = Txn::Op::kPause;
  switch (req.transition()) {
    case v1::CLOCK_TRANSITION_RESUME:
      op = Txn::Op::kResume;
      break;
    case v1::CLOCK_TRANSITION_FULFIL:
      op = Txn::Op::kFulfil;
      break;
    case v1::CLOCK_TRANSITION_STOP:
      op = Txn::Op::kStop;
      break;
    default:
      break;
  }
  RETURN_IF_ERROR(txn.Transition(*chosen, op, txn.now(), reason));
  v1::SlaClock view = chosen->ToProto(txn.now(), calendar);
  RETURN_IF_ERROR(txn.Finish());
  RETURN_IF_ERROR(store_base_.Commit(writes));
  return view;
}

absl::StatusOr<v1::GetTicketClocksResponse> RoutingApp::GetTicketClocks(
    const auth::Principal& caller, const v1::GetTicketClocksRequest& req) {
  RETURN_IF_ERROR(ValidateSubjectName("subject", req.subject()));
  ASSIGN_OR_RETURN(auto stored_clocks, store_->ClocksOf(req.subject()));
  const absl::Time now = clock_.Now();
  std::vector<v1::SlaClock> clocks;
  for (const auto& [id, stored] : stored_clocks) {
    ASSIGN_OR_RETURN(SlaClock clock, RestoreClock(id, stored));
    clocks.push_back(clock.ToProto(now, CalendarOf(clock.policy().calendar)));
  }
  if (clocks.empty()) {
    return absl::NotFoundError(absl::StrCat(req.subject(), " has no clocks"));
  }
  std::stable_sort(clocks.begin(), clocks.end(),
                   [](const v1::SlaClock& a, const v1::SlaClock& b) {
                     const absl::Time ta = FromProtoTime(a.start_time());
                     const absl::Time tb = FromProtoTime(b.start_time());
                     if (ta != tb) return ta < tb;
                     return a.name() < b.name();
                   });
  v1::GetTicketClocksResponse response;
  for (v1::SlaClock& clock : clocks) *response.add_clocks() = std::move(clock);
  return response;
}

absl::StatusOr<v1::ListPoliciesResponse> RoutingApp::ListPolicies(
    const auth::Principal& caller, const v1::ListPoliciesRequest& req) {
  v1::ListPoliciesResponse response;
  for (const SlaPolicySpec& policy : settings_.config.sla.policies) {
    *response.add_policies() = ToView(settings_.config.sla, policy);
  }
  response.set_config_version(settings_.config.version);
  return response;
}

}  // namespace cs::routing
