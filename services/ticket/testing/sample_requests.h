// Test-only: typical ticket-service requests with Chinese data, for tests
// that need a valid customer and ticket but do not test their content.
#ifndef CS_SERVICES_TICKET_TESTING_SAMPLE_REQUESTS_H_
#define CS_SERVICES_TICKET_TESTING_SAMPLE_REQUESTS_H_

#include <string>

#include "cs/ticket/v1/ticket.pb.h"

namespace cs::ticket::testing {

// Creates customers/c-1001, 张三 (Mr), phone 13812341234.
inline v1::UpsertCustomerRequest SampleCustomerRequest() {
  v1::UpsertCustomerRequest request;
  v1::Customer* c = request.mutable_customer();
  c->set_name("customers/c-1001");
  c->set_full_name("张三");
  c->set_title(v1::TITLE_MR);
  c->set_phone("13812341234");
  return request;
}

// A phone ticket of customer c-1001 for 客服部 with `subject`.
inline v1::CreateTicketRequest SampleCreateRequest(const std::string& subject) {
  v1::CreateTicketRequest request;
  v1::Ticket* t = request.mutable_ticket();
  t->set_channel(cs::common::v1::CHANNEL_PHONE);
  t->set_stage(cs::common::v1::STAGE_AFTER_SALE);
  t->set_subject(subject);
  t->set_description("客户反映在地下车库手机信号弱，无法通话。");
  t->set_customer_id("c-1001");
  t->set_department("客服部");
  return request;
}

}  // namespace cs::ticket::testing

#endif  // CS_SERVICES_TICKET_TESTING_SAMPLE_REQUESTS_H_
