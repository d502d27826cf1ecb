#include "services/ticket/domain/validation.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/errors.h"
#include "libs/common/ids.h"
#include "libs/common/pii_mask.h"
#include "libs/common/time_proto.h"

namespace cs::ticket {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

std::vector<std::string> Fields(const absl::Status& s) {
  std::vector<std::string> out;
  for (const auto& v : cs::FieldViolationsOf(s)) out.push_back(v.field);
  return out;
}

std::string Repeat(absl::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out.append(s.data(), s.size());
  return out;
}

const std::string kTicketName =
    "tickets/" + cs::NewUlid(absl::FromUnixSeconds(1763870400));

v1::CreateTicketRequest ValidCreate() {
  v1::CreateTicketRequest r;
  v1::Ticket* t = r.mutable_ticket();
  t->set_channel(cs::common::v1::CHANNEL_PHONE);
  t->set_stage(cs::common::v1::STAGE_AFTER_SALE);
  t->add_category("手机类");
  t->add_category("信号问题");
  t->add_category("企业客户");
  t->set_affected_customer_count(12);
  t->mutable_loss_estimate()->set_currency_code("CNY");
  t->mutable_loss_estimate()->set_minor_units(150000);
  t->set_department("客服部");
  t->set_subject("手机信号弱，无法接通电话");
  t->set_description(
      "客户张三反映：办公室内手机信号弱。\n已尝试重启，无改善。");
  t->set_customer_id("c-1001");
  t->set_region("广东省深圳市");
  r.set_request_id("6f1c2a9e-1b7d-4c1e-9a51-0e7d1f1a2b3c");
  return r;
}

// ---- Formats
// -------------------------------------------------------------------

TEST(PhoneTest, MobileForms) {
  EXPECT_EQ(*NormalizePhone("13812341234"), "13812341234");
  EXPECT_EQ(*NormalizePhone("+86 138 1234 1234"), "13812341234");
  EXPECT_EQ(*NormalizePhone("0086-138-1234-1234"), "13812341234");
  EXPECT_EQ(*NormalizePhone(" 19912345678 "), "19912345678");
  EXPECT_TRUE(IsMobilePhone("+8613812341234"));
  EXPECT_FALSE(IsMobilePhone("010-12345678"));
}

TEST(PhoneTest, LandlineForms) {
  EXPECT_EQ(*NormalizePhone("010-12345678"), "010-12345678");
  EXPECT_EQ(*NormalizePhone("01012345678"), "010-12345678");
  EXPECT_EQ(*NormalizePhone("(021)87654321"), "021-87654321");
  EXPECT_EQ(*NormalizePhone("0755-1234567"), "0755-1234567");
  EXPECT_EQ(*NormalizePhone("0755 8765 4321"), "0755-87654321");
  EXPECT_EQ(*NormalizePhone("0755-87654321-808"), "0755-87654321-808");
  EXPECT_EQ(*NormalizePhone("+86 10 12345678"), "010-12345678");
}

TEST(PhoneTest, RejectsInvalidNumbers) {
  for (const char* bad :
       {"", "12345678901", "1381234123", "138123412345", "010-0123456",
        "075-12345678", "0755-123456", "010-1234567890", "abc",
        "１３８１２３４１２３４", "0755-87654321-1234567", "(138)12341234",
        "10086", "4008123123"}) {
    EXPECT_FALSE(IsValidPhone(bad)) << bad;
  }
}

TEST(IdCardTest, Gb11643Checksum) {
  EXPECT_EQ(IdCardCheckChar("11010519491231002"), 'X');
  EXPECT_TRUE(IsValidIdCard("11010519491231002X"));
  EXPECT_TRUE(IsValidIdCard("11010519491231002x"));
  EXPECT_EQ(NormalizeIdCard("11010519491231002x"), "11010519491231002X");
  EXPECT_FALSE(IsValidIdCard("110105194912310021"));  // wrong check char
  EXPECT_FALSE(IsValidIdCard("11010519490231002X"));  // 31 Feb... wrong date
  EXPECT_FALSE(IsValidIdCard("01010519491231002X"));  // region starts with 0
  EXPECT_FALSE(IsValidIdCard("1101051949123100X"));   // 17 chars
  EXPECT_FALSE(IsValidIdCard("11010518491231002X"));  // born 1849
  EXPECT_EQ(IdCardCheckChar("1101051949123100"), '\0');
  // A second real-form number with a digit check character.
  const std::string first17 = "44030419900307123";
  const std::string id = first17 + IdCardCheckChar(first17);
  EXPECT_TRUE(IsValidIdCard(id));
}

TEST(BankCardTest, LuhnAndLength) {
  EXPECT_TRUE(IsValidBankCard("6222021234567890128"));
  EXPECT_TRUE(IsValidBankCard("6222 0212 3456 7890 128"));
  EXPECT_TRUE(IsValidBankCard("4111111111111111"));
  EXPECT_TRUE(IsValidBankCard("622848012345674"));
  EXPECT_FALSE(IsValidBankCard("6222021234567890127"));   // bad check digit
  EXPECT_FALSE(IsValidBankCard("62220212345"));           // 11 digits
  EXPECT_FALSE(IsValidBankCard("62220212345678901284"));  // 20 digits
  EXPECT_FALSE(IsValidBankCard("6222O21234567890128"));   // letter O
  EXPECT_EQ(NormalizeBankCard("6222-0212 3456"), "622202123456");
  EXPECT_FALSE(LuhnValid(""));
}

TEST(IdentifierTest, Formats) {
  EXPECT_TRUE(IsValidCustomerId("c-1001_A"));
  EXPECT_FALSE(IsValidCustomerId("c/1001"));
  EXPECT_FALSE(IsValidCustomerId("张三"));
  EXPECT_FALSE(IsValidCustomerId(std::string(65, 'a')));
  EXPECT_TRUE(IsValidAgentId("agent.007@cs"));
  EXPECT_FALSE(IsValidAgentId("agent 007"));
  EXPECT_TRUE(IsValidRequestId("req:2026/11/23#1"));
  EXPECT_FALSE(IsValidRequestId("req 1"));
}

TEST(ResourceNameTest, TicketAndCustomerNames) {
  const std::string id = cs::NewUlid(absl::FromUnixSeconds(1763870400));
  EXPECT_EQ(*ParseTicketName(TicketName(id)), id);
  EXPECT_EQ(CustomerName("c-1001"), "customers/c-1001");
  EXPECT_EQ(*ParseCustomerName("customers/c-1001"), "c-1001");

  absl::StatusOr<std::string> bad = ParseTicketName("tickets/123", "target");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(bad.status()), ElementsAre("target"));
  EXPECT_FALSE(ParseTicketName("customers/" + id).ok());
  EXPECT_THAT(ParseTicketName("").status().message(), HasSubstr("is required"));
  EXPECT_FALSE(ParseCustomerName("customers/").ok());
  EXPECT_FALSE(ParseCustomerName("customers/张三").ok());
}

// ---- CreateTicket
// ----------------------------------------------------------------

TEST(ValidateCreateTicketTest, AcceptsChineseTicket) {
  EXPECT_TRUE(ValidateCreateTicket(ValidCreate()).ok());
}

TEST(ValidateCreateTicketTest, MissingTicket) {
  absl::Status s = ValidateCreateTicket(v1::CreateTicketRequest());
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(s), ElementsAre("ticket"));
}

TEST(ValidateCreateTicketTest, ReportsEveryMissingRequiredField) {
  v1::CreateTicketRequest r;
  r.mutable_ticket();
  absl::Status s = ValidateCreateTicket(r);
  EXPECT_THAT(Fields(s), UnorderedElementsAre(
                             "ticket.channel", "ticket.stage", "ticket.subject",
                             "ticket.description", "ticket.customer_id"));
  EXPECT_THAT(s.message(), HasSubstr("ticket.channel: is required"));
  EXPECT_THAT(s.message(), HasSubstr("and 4 more"));
}

TEST(ValidateCreateTicketTest, SubjectLengthCountsCharacters) {
  v1::CreateTicketRequest r = ValidCreate();
  r.mutable_ticket()->set_subject(Repeat("信", 200));  // 600 bytes
  EXPECT_TRUE(ValidateCreateTicket(r).ok());
  r.mutable_ticket()->set_subject(Repeat("信", 201));
  absl::Status s = ValidateCreateTicket(r);
  EXPECT_THAT(Fields(s), ElementsAre("ticket.subject"));
  EXPECT_THAT(s.message(), HasSubstr("at most 200 characters (has 201)"));
}

TEST(ValidateCreateTicketTest, TextRules) {
  v1::CreateTicketRequest r = ValidCreate();
  r.mutable_ticket()->set_subject("手机\xE4\xBF信号弱");  // truncated sequence
  EXPECT_THAT(cs::FieldViolationsOf(ValidateCreateTicket(r)),
              ElementsAre(testing::Field(&cs::FieldViolation::description,
                                         "must be valid UTF-8")));
  r = ValidCreate();
  r.mutable_ticket()->set_subject("手机信号弱\n第二行");
  EXPECT_THAT(Fields(ValidateCreateTicket(r)), ElementsAre("ticket.subject"));
  r = ValidCreate();
  r.mutable_ticket()->set_subject("   ");
  EXPECT_THAT(ValidateCreateTicket(r).message(),
              HasSubstr("must not be blank"));
  r = ValidCreate();
  r.mutable_ticket()->set_description("第一行\r\n\t第二行");
  EXPECT_TRUE(ValidateCreateTicket(r).ok());
  r.mutable_ticket()->set_description(std::string("含\0空字符", 13));
  EXPECT_THAT(Fields(ValidateCreateTicket(r)),
              ElementsAre("ticket.description"));
  r = ValidCreate();
  r.mutable_ticket()->set_department("  ");
  EXPECT_THAT(Fields(ValidateCreateTicket(r)),
              ElementsAre("ticket.department"));
}

TEST(ValidateCreateTicketTest, EnumsNumbersMoneyAndCategories) {
  v1::CreateTicketRequest r = ValidCreate();
  v1::Ticket* t = r.mutable_ticket();
  t->set_channel(static_cast<cs::common::v1::Channel>(99));
  t->set_grade(static_cast<cs::common::v1::Grade>(-1));
  t->set_customer_type(static_cast<v1::CustomerType>(7));
  t->set_affected_customer_count(-3);
  t->mutable_loss_estimate()->set_currency_code("RMB");
  t->mutable_loss_estimate()->set_minor_units(-1);
  t->add_category("");
  t->add_category("a");
  t->add_category("b");
  t->set_region(Repeat("省", 65));
  t->set_department(Repeat("部", 65));
  t->set_customer_id("c/1001");
  r.set_request_id("has space");
  absl::Status s = ValidateCreateTicket(r);
  EXPECT_THAT(Fields(s),
              UnorderedElementsAre(
                  "ticket.channel", "ticket.grade", "ticket.customer_type",
                  "ticket.affected_customer_count",
                  "ticket.loss_estimate.currency_code",
                  "ticket.loss_estimate.minor_units", "ticket.category",
                  "ticket.category[3]", "ticket.region", "ticket.department",
                  "ticket.customer_id", "request_id"));
  EXPECT_THAT(s.message(), HasSubstr("unknown value 99"));
}

// Labels go into events, reports and metrics for every role: personal data
// there is refused, without echoing it.
TEST(ValidateCreateTicketTest, LabelsRefusePersonalData) {
  v1::CreateTicketRequest r = ValidCreate();
  v1::Ticket* t = r.mutable_ticket();
  t->clear_category();
  t->add_category("咨询");
  t->add_category("回电13912345678");
  t->set_region("北京市朝阳区 lisi@example.com");
  t->set_department("客服部11010519491231002X");
  absl::Status s = ValidateCreateTicket(r);
  EXPECT_THAT(Fields(s), UnorderedElementsAre("ticket.category[1]",
                                              "ticket.region",
                                              "ticket.department"));
  EXPECT_THAT(s.message(), HasSubstr("must not hold personal data"));
  EXPECT_THAT(s.message(), Not(HasSubstr("13912345678")));
  EXPECT_THAT(s.message(), Not(HasSubstr("lisi@")));

  // Digits that are no personal data stay allowed.
  t->set_category(1, "5G套餐");
  t->set_region("深圳市南山区科技园1号");
  t->set_department("客服二部");
  EXPECT_TRUE(ValidateCreateTicket(r).ok()) << ValidateCreateTicket(r);
}

TEST(ValidateCreateTicketTest, OutputOnlyFieldsAreIgnored) {
  v1::CreateTicketRequest r = ValidCreate();
  r.mutable_ticket()->set_status(static_cast<v1::TicketStatus>(77));
  r.mutable_ticket()->set_assignee("not an id!");
  r.mutable_ticket()->set_number("garbage");
  EXPECT_TRUE(ValidateCreateTicket(r).ok());
}

// ---- Other ticket requests
// ------------------------------------------------------

TEST(ValidateListTicketsTest, FiltersAndPaging) {
  v1::ListTicketsRequest r;
  EXPECT_TRUE(ValidateListTickets(r).ok());
  r.set_page_size(-1);
  r.mutable_filter()->add_statuses(v1::TICKET_STATUS_UNSPECIFIED);
  r.mutable_filter()->add_channels(static_cast<cs::common::v1::Channel>(42));
  r.mutable_filter()->set_assignee("坐席一");
  r.set_order_by(static_cast<v1::TicketOrder>(5));
  EXPECT_THAT(Fields(ValidateListTickets(r)),
              UnorderedElementsAre("page_size", "filter.statuses[0]",
                                   "filter.channels[0]", "filter.assignee",
                                   "order_by"));
  v1::ListTicketsRequest range;
  *range.mutable_filter()->mutable_create_time_from() =
      ToProtoTime(absl::FromUnixSeconds(2000));
  *range.mutable_filter()->mutable_create_time_to() =
      ToProtoTime(absl::FromUnixSeconds(1000));
  EXPECT_THAT(Fields(ValidateListTickets(range)),
              ElementsAre("filter.create_time_to"));
  range.mutable_filter()->mutable_create_time_to()->set_seconds(3000);
  range.mutable_filter()->set_department("客服部");
  range.mutable_filter()->add_grades(cs::common::v1::GRADE_UNSPECIFIED);
  EXPECT_TRUE(ValidateListTickets(range).ok());
}

TEST(ValidateUpdateTicketTest, StarMeansEveryMutableField) {
  v1::UpdateTicketRequest r;
  *r.mutable_ticket() = ValidCreate().ticket();
  r.mutable_ticket()->set_name(kTicketName);
  r.mutable_update_mask()->add_paths("*");
  auto paths = ValidateUpdateTicket(r);
  ASSERT_TRUE(paths.ok()) << paths.status();
  EXPECT_THAT(*paths, ElementsAre("subject", "description", "stage", "category",
                                  "grade", "affected_customer_count",
                                  "loss_estimate", "customer_type", "region"));
}

TEST(ValidateUpdateTicketTest, EmptyMaskMeansEverySetField) {
  v1::UpdateTicketRequest r;
  r.mutable_ticket()->set_name(kTicketName);
  r.mutable_ticket()->set_grade(cs::common::v1::GRADE_A);
  r.mutable_ticket()->set_affected_customer_count(150);
  r.mutable_ticket()->set_channel(cs::common::v1::CHANNEL_EMAIL);
  r.mutable_ticket()->set_status(v1::TICKET_STATUS_CLOSED);  // output only
  auto paths = ValidateUpdateTicket(r);
  ASSERT_TRUE(paths.ok()) << paths.status();
  EXPECT_THAT(*paths,
              ElementsAre("grade", "affected_customer_count", "channel"));
}

TEST(ValidateUpdateTicketTest, ExplicitMaskDropsOutputOnlyPaths) {
  v1::UpdateTicketRequest r;
  r.mutable_ticket()->set_name(kTicketName);
  r.mutable_ticket()->set_subject("信号问题已升级");
  for (const char* p : {"subject", "status", "assignee", "etag", "subject"}) {
    r.mutable_update_mask()->add_paths(p);
  }
  auto paths = ValidateUpdateTicket(r);
  ASSERT_TRUE(paths.ok()) << paths.status();
  EXPECT_THAT(*paths, ElementsAre("subject"));

  r.mutable_update_mask()->Clear();
  r.mutable_update_mask()->add_paths("status");
  EXPECT_THAT(*ValidateUpdateTicket(r), IsEmpty());
}

TEST(ValidateUpdateTicketTest, RejectsBadMasksAndValues) {
  v1::UpdateTicketRequest r;
  r.mutable_ticket()->set_name(kTicketName);
  r.mutable_update_mask()->add_paths("colour");
  r.mutable_update_mask()->add_paths("loss_estimate.minor_units");
  absl::Status s = ValidateUpdateTicket(r).status();
  EXPECT_THAT(Fields(s),
              ElementsAre("update_mask.paths[0]", "update_mask.paths[1]"));
  r.mutable_update_mask()->Clear();
  r.mutable_update_mask()->add_paths("*");
  r.mutable_update_mask()->add_paths("subject");
  EXPECT_THAT(Fields(ValidateUpdateTicket(r).status()),
              ElementsAre("update_mask.paths[0]"));
  // A listed required field cannot be cleared.
  r.mutable_update_mask()->Clear();
  r.mutable_update_mask()->add_paths("subject");
  r.mutable_update_mask()->add_paths("stage");
  EXPECT_THAT(Fields(ValidateUpdateTicket(r).status()),
              ElementsAre("ticket.subject", "ticket.stage"));
  // The name is required.
  v1::UpdateTicketRequest unnamed;
  unnamed.mutable_ticket()->set_subject("x");
  EXPECT_THAT(Fields(ValidateUpdateTicket(unnamed).status()),
              ElementsAre("ticket.name"));
  EXPECT_THAT(Fields(ValidateUpdateTicket(v1::UpdateTicketRequest()).status()),
              ElementsAre("ticket"));
}

TEST(ValidateAssignTicketTest, Fields) {
  v1::AssignTicketRequest r;
  r.set_name(kTicketName);
  r.set_department("技术支持部");
  r.set_assignee("agent-007");
  r.set_grade(cs::common::v1::GRADE_B);
  EXPECT_TRUE(ValidateAssignTicket(r).ok());
  r.set_assignee("");
  EXPECT_TRUE(ValidateAssignTicket(r).ok());
  r.set_department(" ");
  r.set_assignee("王 五");
  r.set_name("tickets/1");
  EXPECT_THAT(Fields(ValidateAssignTicket(r)),
              UnorderedElementsAre("name", "department", "assignee"));
}

TEST(ValidateAddReplyTest, Fields) {
  v1::AddReplyRequest r;
  r.set_name(kTicketName);
  r.mutable_reply()->set_author_kind(v1::AUTHOR_KIND_AGENT);
  r.mutable_reply()->set_visibility(v1::REPLY_VISIBILITY_PUBLIC);
  r.mutable_reply()->set_body("您好，已为您重置网络设置，请重启手机后再试。");
  EXPECT_TRUE(ValidateAddReply(r).ok());
  r.mutable_reply()->set_author_kind(v1::AUTHOR_KIND_CUSTOMER);
  r.mutable_reply()->set_visibility(v1::REPLY_VISIBILITY_INTERNAL);
  EXPECT_THAT(Fields(ValidateAddReply(r)), ElementsAre("reply.visibility"));
  r.mutable_reply()->set_author_kind(v1::AUTHOR_KIND_UNSPECIFIED);
  r.mutable_reply()->set_visibility(v1::REPLY_VISIBILITY_UNSPECIFIED);
  r.mutable_reply()->set_body(Repeat("字", 10001));
  EXPECT_THAT(
      Fields(ValidateAddReply(r)),
      ElementsAre("reply.author_kind", "reply.visibility", "reply.body"));
}

TEST(ValidateChangeStatusTest, OnlyWorkStatuses) {
  v1::ChangeStatusRequest r;
  r.set_name(kTicketName);
  r.set_status(v1::TICKET_STATUS_PENDING_CUSTOMER);
  r.set_reason("等待客户提供截图");
  EXPECT_TRUE(ValidateChangeStatus(r).ok());
  r.set_status(v1::TICKET_STATUS_RESOLVED);
  absl::Status s = ValidateChangeStatus(r);
  EXPECT_THAT(Fields(s), ElementsAre("status"));
  EXPECT_THAT(s.message(), HasSubstr("ResolveTicket"));
  r.set_status(v1::TICKET_STATUS_UNSPECIFIED);
  EXPECT_THAT(ValidateChangeStatus(r).message(), HasSubstr("is required"));
}

TEST(ValidateLifecycleRequestsTest, ResolveCloseReopen) {
  v1::ResolveTicketRequest resolve;
  resolve.set_name(kTicketName);
  EXPECT_THAT(Fields(ValidateResolveTicket(resolve)),
              ElementsAre("resolution"));
  resolve.set_resolution("已远程重置基站参数，信号恢复正常。");
  EXPECT_TRUE(ValidateResolveTicket(resolve).ok());

  v1::CloseTicketRequest close;
  close.set_name(kTicketName);
  EXPECT_TRUE(ValidateCloseTicket(close).ok());
  close.set_reason(Repeat("因", 1001));
  EXPECT_THAT(Fields(ValidateCloseTicket(close)), ElementsAre("reason"));

  v1::ReopenTicketRequest reopen;
  reopen.set_name(kTicketName);
  EXPECT_THAT(Fields(ValidateReopenTicket(reopen)), ElementsAre("reason"));
  reopen.set_reason("客户来电：问题复现");
  EXPECT_TRUE(ValidateReopenTicket(reopen).ok());
}

TEST(ValidateMergeTicketsTest, Sources) {
  const std::string a = "tickets/" + cs::NewUlid(absl::FromUnixSeconds(1));
  const std::string b = "tickets/" + cs::NewUlid(absl::FromUnixSeconds(2));
  v1::MergeTicketsRequest r;
  r.set_target(kTicketName);
  EXPECT_THAT(Fields(ValidateMergeTickets(r)), ElementsAre("sources"));
  r.add_sources(a);
  r.add_sources(b);
  EXPECT_TRUE(ValidateMergeTickets(r).ok());
  r.add_sources(a);
  r.add_sources(kTicketName);
  r.add_sources("tickets/x");
  absl::Status s = ValidateMergeTickets(r);
  EXPECT_THAT(Fields(s), ElementsAre("sources[2]", "sources[3]", "sources[4]"));
  EXPECT_THAT(s.message(), HasSubstr("duplicates sources[0]"));
  v1::MergeTicketsRequest many;
  many.set_target(kTicketName);
  for (int i = 0; i < 21; ++i) {
    many.add_sources("tickets/" + cs::NewUlid(absl::FromUnixSeconds(10 + i)));
  }
  EXPECT_THAT(Fields(ValidateMergeTickets(many)), Contains("sources"));
}

// ---- Customers, feedback, PII
// ---------------------------------------------------

v1::UpsertCustomerRequest ValidUpsert() {
  v1::UpsertCustomerRequest r;
  v1::Customer* c = r.mutable_customer();
  c->set_name("customers/c-1001");
  c->set_type(v1::CUSTOMER_TYPE_VIP);
  c->set_region("广东省深圳市");
  c->set_full_name("张三");
  c->set_title(v1::TITLE_MR);
  c->set_phone("+86 138 1234 1234");
  c->set_id_card("11010519491231002X");
  c->set_bank_card("6222 0212 3456 7890 128");
  return r;
}

TEST(ValidateUpsertCustomerTest, AcceptsFullProfile) {
  auto paths = ValidateUpsertCustomer(ValidUpsert());
  ASSERT_TRUE(paths.ok()) << paths.status();
  EXPECT_THAT(*paths, ElementsAre("type", "region", "full_name", "title",
                                  "phone", "id_card", "bank_card"));
}

TEST(ValidateUpsertCustomerTest, EmptySecretsAreKeptWithoutMask) {
  v1::UpsertCustomerRequest r = ValidUpsert();
  r.mutable_customer()->clear_id_card();
  r.mutable_customer()->clear_bank_card();
  EXPECT_THAT(*ValidateUpsertCustomer(r),
              ElementsAre("type", "region", "full_name", "title", "phone"));
  r.mutable_update_mask()->add_paths("id_card");
  r.mutable_update_mask()->add_paths("etag");
  EXPECT_THAT(*ValidateUpsertCustomer(r), ElementsAre("id_card"));
}

TEST(ValidateUpsertCustomerTest, BadPersonalDataNamesFieldButNotValue) {
  v1::UpsertCustomerRequest r = ValidUpsert();
  r.mutable_customer()->set_phone("1381234123");
  r.mutable_customer()->set_id_card("110105194912310021");
  r.mutable_customer()->set_bank_card("6222021234567890127");
  r.mutable_customer()->set_full_name("");
  absl::Status s = ValidateUpsertCustomer(r).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(s), ElementsAre("customer.full_name", "customer.phone",
                                     "customer.id_card", "customer.bank_card"));
  for (const auto& v : cs::FieldViolationsOf(s)) {
    EXPECT_THAT(v.description,
                AllOf(Not(HasSubstr("1381234123")), Not(HasSubstr("110105")),
                      Not(HasSubstr("622202"))));
  }
  EXPECT_THAT(s.message(), Not(HasSubstr("1381234123")));
}

TEST(ValidateUpsertCustomerTest, NameAndMask) {
  v1::UpsertCustomerRequest r = ValidUpsert();
  r.mutable_customer()->set_name("customer/c-1001");
  r.mutable_update_mask()->add_paths("phone_number");
  EXPECT_THAT(Fields(ValidateUpsertCustomer(r).status()),
              ElementsAre("customer.name", "update_mask.paths[0]"));
  EXPECT_THAT(
      Fields(ValidateUpsertCustomer(v1::UpsertCustomerRequest()).status()),
      ElementsAre("customer"));
}

TEST(ValidateSubmitFeedbackTest, Ranges) {
  v1::SubmitFeedbackRequest r;
  r.set_name(kTicketName);
  r.mutable_feedback()->set_csat(5);
  r.mutable_feedback()->set_nps(0);  // 0 is a real answer
  r.mutable_feedback()->set_attitude(v1::AGENT_RATING_VERY_SATISFIED);
  r.mutable_feedback()->set_comment("客服态度很好，问题解决得很快！");
  EXPECT_TRUE(ValidateSubmitFeedback(r).ok());
  r.mutable_feedback()->set_csat(6);
  r.mutable_feedback()->set_nps(11);
  r.mutable_feedback()->set_skill(static_cast<v1::AgentRating>(9));
  EXPECT_THAT(Fields(ValidateSubmitFeedback(r)),
              ElementsAre("feedback.csat", "feedback.nps", "feedback.skill"));
  r.mutable_feedback()->set_csat(0);
  EXPECT_THAT(ValidateSubmitFeedback(r).message(),
              HasSubstr("feedback.csat: is required"));
  v1::SubmitFeedbackRequest none;
  none.set_name(kTicketName);
  EXPECT_THAT(Fields(ValidateSubmitFeedback(none)), ElementsAre("feedback"));
}

TEST(ValidateRevealCustomerPiiTest, ReasonIsCountedInCharacters) {
  v1::RevealCustomerPiiRequest r;
  r.set_name("customers/c-1001");
  r.set_field(common::v1::PII_FIELD_ID_CARD);
  r.set_reason("核实身份");  // 4 characters, 12 bytes
  EXPECT_TRUE(ValidateRevealCustomerPii(r).ok());
  r.set_reason("核实");  // 6 bytes but only 2 characters
  EXPECT_THAT(Fields(ValidateRevealCustomerPii(r)), ElementsAre("reason"));
  r.set_reason("");
  r.set_field(common::v1::PII_FIELD_UNSPECIFIED);
  EXPECT_THAT(Fields(ValidateRevealCustomerPii(r)),
              ElementsAre("field", "reason"));
}

TEST(ValidateOtherRequestsTest, CustomerHistoryAuditGet) {
  v1::ListCustomerHistoryRequest h;
  h.set_customer("customers/c-1001");
  EXPECT_TRUE(ValidateListCustomerHistory(h).ok());
  h.set_customer("c-1001");
  h.set_page_size(-5);
  EXPECT_THAT(Fields(ValidateListCustomerHistory(h)),
              ElementsAre("customer", "page_size"));

  v1::GetTicketRequest g;
  g.set_name(kTicketName);
  g.set_view(v1::TICKET_VIEW_FULL);
  EXPECT_TRUE(ValidateGetTicket(g).ok());
  g.set_view(static_cast<v1::TicketView>(3));
  EXPECT_THAT(Fields(ValidateGetTicket(g)), ElementsAre("view"));

  v1::GetCustomerRequest gc;
  EXPECT_THAT(Fields(ValidateGetCustomer(gc)), ElementsAre("name"));
}

}  // namespace
}  // namespace cs::ticket
