// csbench's RPC load generator: keeps `concurrency` unary calls in flight
// against a ticket server (or an echo server for the baseline), and for the
// kb_search and complaint_file operations the knowledge-base and complaint
// servers, with the gRPC callback client, each completion immediately starting
// the next call, for a duration or a number of calls, and reports throughput,
// latency percentiles and errors by status code.
//
//   cs::csbench::LoadOptions options;
//   options.target = "127.0.0.1:50051";
//   options.mix =
//   *cs::csbench::OpMix::Parse("create=20,get=50,list=10,reply=20");
//   options.token = token;   // see MintBenchToken
//   absl::StatusOr<cs::csbench::RunReport> report =
//   cs::csbench::RunLoad(options);
//
// Before the clock starts, ticket mixes upsert `customers` customers
// ("customers/bench-c-0001" …) and, when the mix reads or replies, create
// `prepare_tickets` tickets for those calls to work on; tickets created during
// the run join that pool. Every CreateTicket and complaint File carries a
// request_id unique to the process run ("csb-<random>-<slot>-<seq>"). When
// the mix searches the knowledge base, a category "压测类目-<random>" and
// `prepare_articles` published articles (created and submitted by the token's
// subject, approved by the review token's: the knowledge base wants two
// people) are made first, so searches find something.
#ifndef CS_TOOLS_CSBENCH_LOAD_H_
#define CS_TOOLS_CSBENCH_LOAD_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cs/ticket/v1/ticket.pb.h"
#include "libs/auth/roles.h"
#include "libs/common/tls.h"
#include "tools/csbench/measure.h"
#include "tools/csbench/op_mix.h"
#include "tools/csbench/payloads.h"
#include "tools/csbench/report.h"

namespace cs::csbench {

struct LoadOptions {
  std::string target;            // host:port of the ticket (or echo) server
  std::string kb_target;         // host:port, for kb_search
  std::string complaint_target;  // host:port, for complaint_file
  ClientTlsConfig tls;  // TLS/mTLS when tls.ca_file is set (validated)
  OpMix mix;
  int concurrency = 64;  // calls in flight
  int channels = 1;      // separate HTTP/2 connections, slots spread evenly
  Window::Options window;
  std::string token;  // bearer token; empty sends none (the echo server)
  // A second kb_editor's token, to approve the prepared articles.
  std::string review_token;
  absl::Duration call_deadline = absl::Seconds(30);
  int customers = 16;
  int prepare_tickets = 200;
  int prepare_articles = 50;
  ticket::v1::TicketView get_view = ticket::v1::TICKET_VIEW_BASIC;
  int list_page_size = 20;
  uint64_t seed = 1;
  bool progress = true;
  std::string label;
  PayloadGenerator::Options payload;
};

// Runs the load. Fails (without measuring) with the status of the first
// failed set-up step: UNAVAILABLE when the target cannot be reached within
// 10 s, or the server's answer to UpsertCustomer / CreateTicket during
// preparation (UNAUTHENTICATED for a bad token, ...). Errors during the
// measured window are counted in the report, not returned.
absl::StatusOr<RunReport> RunLoad(const LoadOptions& options);

// The roles of the benchmark principal: every operation of the mix, with
// clear personal data (supervisor).
inline constexpr auth::RoleSet kBenchRoles{
    auth::Role::kAgent, auth::Role::kSupervisor, auth::Role::kService,
    auth::Role::kKbEditor, auth::Role::kComplaintOfficer};

// An HS256 token for the benchmark principal `subject` with `roles` (add
// admin for TestClock; only agent to measure what an agent's calls cost:
// department scope and masked free text) in the given department, valid for
// `ttl`, signed with the key in `key_file` (as written by `csctl keygen`).
// Errors of auth::LoadKeyFile / auth::MintToken.
absl::StatusOr<std::string> MintBenchToken(
    const std::string& key_file, const std::string& department,
    const std::string& issuer, const std::string& audience, absl::Duration ttl,
    auth::RoleSet roles = kBenchRoles, const std::string& subject = "csbench");

}  // namespace cs::csbench

#endif  // CS_TOOLS_CSBENCH_LOAD_H_
