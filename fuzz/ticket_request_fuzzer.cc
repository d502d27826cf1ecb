// CreateTicket requests as the server receives them: bytes → the request
// guard's wire check → protobuf parse → validation → the domain's create
// (against an in-memory customer, no store). The guard and protobuf agree
// on what parses; nothing crashes; a request that validates creates a NEW
// ticket carrying its subject.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "cs/ticket/v1/ticket.pb.h"
#include "fuzz/fuzz_input.h"
#include "libs/server/request_check.h"
#include "services/ticket/domain/apply.h"
#include "services/ticket/domain/validation.h"

namespace v1 = cs::ticket::v1;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  const bool guarded_ok =
      cs::CheckRequestBytes(bytes, *v1::CreateTicketRequest::descriptor()).ok();
  v1::CreateTicketRequest request;
  const bool parsed = request.ParseFromString(bytes);
  FUZZ_CHECK(guarded_ok == parsed);
  if (!parsed || !cs::ticket::ValidateCreateTicket(request).ok()) return 0;

  v1::StoredCustomer customer;
  v1::Customer* profile = customer.mutable_profile();
  profile->set_name("customers/" + request.ticket().customer_id());
  profile->set_full_name("张三");
  profile->set_title(v1::TITLE_MR);
  profile->set_phone("13812341234");
  profile->set_region("广东省深圳市");
  cs::ticket::Principal actor{
      .subject = "agent-007", .roles = {"agent"}, .department = "客服部"};
  auto change = cs::ticket::ApplyCreate(
      request, customer, "01J0000000000000000000FUZZ", "T20261123-0-000001",
      actor, absl::FromUnixSeconds(1795000000));
  FUZZ_CHECK(change.ok());
  FUZZ_CHECK(change->ticket.status() == v1::TICKET_STATUS_NEW);
  FUZZ_CHECK(change->ticket.subject() == request.ticket().subject());
  FUZZ_CHECK(!change->events.empty());
  FUZZ_CHECK(change->ticket.customer_contact() == "138****1234");
  v1::Ticket stored;
  FUZZ_CHECK(stored.ParseFromString(change->wire));
  FUZZ_CHECK(stored.etag() == change->ticket.etag());
  return 0;
}
