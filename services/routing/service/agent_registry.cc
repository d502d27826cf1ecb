#include "services/routing/service/agent_registry.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/common/errors.h"
#include "libs/common/page_token.h"
#include "libs/common/status_macros.h"
#include "libs/common/time_proto.h"
#include "libs/common/utf8.h"

namespace cs::routing {
namespace {

constexpr absl::string_view kPrefix = "agents/";

bool IsAgentIdChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' ||
         c == '_' || c == '@' || c == '-';
}

absl::Status CheckText(absl::string_view field, absl::string_view text,
                       size_t min_chars, size_t max_chars) {
  if (!IsValidUtf8(text) || HasControlChars(text, /*allow_newlines=*/false)) {
    return InvalidField(field,
                        "must be valid UTF-8 without control characters");
  }
  size_t length = CharLength(text);
  if (length < min_chars || length > max_chars) {
    return InvalidField(field, absl::StrCat("must be ", min_chars, "–",
                                            max_chars, " characters"));
  }
  return absl::OkStatus();
}

// The stored form: profile and availability, never load.
v1::Agent ProfileOf(const v1::Agent& agent) {
  v1::Agent profile = agent;
  profile.clear_active_tickets();
  profile.clear_last_assigned_time();
  return profile;
}

}  // namespace

absl::Status ValidateAgent(const v1::Agent& agent) {
  absl::string_view name = agent.name();
  if (!absl::StartsWith(name, kPrefix)) {
    return InvalidField("agent.name", "must look like agents/{agent_id}");
  }
  absl::string_view id = name.substr(kPrefix.size());
  if (id.empty() || id.size() > 64) {
    return InvalidField("agent.name", "agent id must be 1–64 characters");
  }
  for (char c : id) {
    if (!IsAgentIdChar(c)) {
      return InvalidField("agent.name",
                          "agent id may only use A–Z a–z 0–9 . _ @ -");
    }
  }
  RETURN_IF_ERROR(CheckText("agent.display_name", agent.display_name(), 0, 64));
  RETURN_IF_ERROR(CheckText("agent.department", agent.department(), 1, 64));
  if (agent.skills_size() > 32) {
    return InvalidField("agent.skills", "at most 32 skills");
  }
  for (int i = 0; i < agent.skills_size(); ++i) {
    RETURN_IF_ERROR(CheckText(absl::StrCat("agent.skills[", i, "]"),
                              agent.skills(i), 1, 32));
  }
  if (agent.capacity() < 1 || agent.capacity() > 200) {
    return InvalidField("agent.capacity", "must be between 1 and 200");
  }
  return absl::OkStatus();
}

AgentRegistry::AgentRegistry(Store& store, const Clock& clock)
    : store_(store), family_(*store.Family(kFamily)), clock_(clock) {}

absl::Status AgentRegistry::Load() {
  absl::MutexLock lock(&mu_);
  v1::Agent agent;
  return store_.ScanProtos(family_, "", "", 0, "agent", &agent,
                           [&](absl::string_view key) {
                             agents_[std::string(key)] = std::move(agent);
                             return true;
                           });
}

absl::StatusOr<std::string> AgentRegistry::AgentIdOf(
    absl::string_view name) const {
  if (!absl::StartsWith(name, kPrefix) || name.size() == kPrefix.size()) {
    return InvalidField("name", "must look like agents/{agent_id}");
  }
  return std::string(name.substr(kPrefix.size()));
}

absl::Status AgentRegistry::Save(const v1::Agent& agent) {
  WriteSet writes;
  writes.PutProto(family_, agent.name().substr(kPrefix.size()),
                  ProfileOf(agent));
  return store_.Commit(writes);
}

absl::StatusOr<v1::Agent> AgentRegistry::Register(const v1::Agent& request) {
  RETURN_IF_ERROR(ValidateAgent(request));
  std::string id = request.name().substr(kPrefix.size());
  absl::MutexLock lock(&mu_);
  v1::Agent agent = request;
  auto existing = agents_.find(id);
  if (existing != agents_.end()) {
    agent.set_availability(existing->second.availability());
    agent.set_active_tickets(existing->second.active_tickets());
    *agent.mutable_last_assigned_time() = existing->second.last_assigned_time();
  } else {
    agent.set_availability(v1::AVAILABILITY_OFFLINE);
    agent.clear_active_tickets();
    agent.clear_last_assigned_time();
  }
  *agent.mutable_update_time() = ToProtoTime(clock_.Now());
  RETURN_IF_ERROR(Save(agent));
  agents_[id] = agent;
  return agent;
}

absl::StatusOr<v1::Agent> AgentRegistry::Get(absl::string_view name) const {
  ASSIGN_OR_RETURN(std::string id, AgentIdOf(name));
  absl::MutexLock lock(&mu_);
  auto it = agents_.find(id);
  if (it == agents_.end()) {
    return absl::NotFoundError(absl::StrCat(name, " does not exist"));
  }
  return it->second;
}

absl::StatusOr<v1::ListAgentsResponse> AgentRegistry::List(
    const v1::ListAgentsRequest& request) const {
  if (!IsValidUtf8(request.department())) {
    return InvalidField("department", "must be valid UTF-8");
  }
  uint64_t query =
      QueryFingerprint(absl::StrCat("agents|", request.department()));
  ASSIGN_OR_RETURN(std::string after,
                   DecodePageToken(request.page_token(), query));
  ASSIGN_OR_RETURN(const int32_t page_size,
                   CheckedPageSize(request.page_size()));
  v1::ListAgentsResponse response;
  absl::MutexLock lock(&mu_);
  for (auto it = agents_.upper_bound(after); it != agents_.end(); ++it) {
    if (!request.department().empty() &&
        it->second.department() != request.department()) {
      continue;
    }
    if (response.agents_size() == page_size) {
      response.set_next_page_token(EncodePageToken(
          response.agents().rbegin()->name().substr(kPrefix.size()), query));
      break;
    }
    *response.add_agents() = it->second;
  }
  return response;
}

absl::StatusOr<v1::Agent> AgentRegistry::SetAvailability(
    absl::string_view name, v1::Availability availability) {
  ASSIGN_OR_RETURN(std::string id, AgentIdOf(name));
  if (availability != v1::AVAILABILITY_ONLINE &&
      availability != v1::AVAILABILITY_OFFLINE) {
    return InvalidField("availability", "must be ONLINE or OFFLINE");
  }
  absl::MutexLock lock(&mu_);
  auto it = agents_.find(id);
  if (it == agents_.end()) {
    return absl::NotFoundError(absl::StrCat(name, " does not exist"));
  }
  v1::Agent agent = it->second;
  agent.set_availability(availability);
  *agent.mutable_update_time() = ToProtoTime(clock_.Now());
  RETURN_IF_ERROR(Save(agent));
  it->second = agent;
  return agent;
}

void AgentRegistry::NoteAssigned(absl::string_view agent_id, absl::Time when) {
  absl::MutexLock lock(&mu_);
  auto it = agents_.find(std::string(agent_id));
  if (it == agents_.end()) return;
  it->second.set_active_tickets(it->second.active_tickets() + 1);
  *it->second.mutable_last_assigned_time() = ToProtoTime(when);
}

void AgentRegistry::NoteReleased(absl::string_view agent_id) {
  absl::MutexLock lock(&mu_);
  auto it = agents_.find(std::string(agent_id));
  if (it == agents_.end() || it->second.active_tickets() == 0) return;
  it->second.set_active_tickets(it->second.active_tickets() - 1);
}

void AgentRegistry::RestoreLoad(absl::string_view agent_id, int active,
                                absl::Time last_assigned) {
  absl::MutexLock lock(&mu_);
  auto it = agents_.find(std::string(agent_id));
  if (it == agents_.end()) return;
  it->second.set_active_tickets(active);
  if (last_assigned == absl::InfinitePast()) {
    it->second.clear_last_assigned_time();
  } else {
    *it->second.mutable_last_assigned_time() = ToProtoTime(last_assigned);
  }
}

std::vector<v1::Agent> AgentRegistry::Snapshot() const {
  absl::MutexLock lock(&mu_);
  std::vector<v1::Agent> out;
  out.reserve(agents_.size());
  for (const auto& [id, agent] : agents_) out.push_back(agent);
  return out;
}

}  // namespace cs::routing
