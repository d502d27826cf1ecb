// Security properties of the ticket service's personal data, end to end
// through the real gRPC API on loopback and a real RocksDB store:
//   * data at rest: 1,000 ID-card numbers and phones, no plaintext in any
//     file of the store nor in the server's log output;
//   * key rotation: old records stay readable while RotatePiiKeys runs in
//     batches; afterwards no value is left on the old key, which can then
//     be removed from the keyring;
//   * the audit trail: permission-table changes at start-up, and queries by
//     actor, action, resource, time range and page.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "cs/ticket/v1/ticket.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/log.h"
#include "libs/common/pii_mask.h"
#include "libs/common/time_proto.h"
#include "libs/server/service_host.h"
#include "libs/server/test_host.h"
#include "services/ticket/domain/permissions.h"
#include "services/ticket/domain/pii_cipher.h"
#include "services/ticket/domain/validation.h"
#include "services/ticket/grpc/ticket_grpc_service.h"
#include "services/ticket/service/ticket_app.h"
#include "services/ticket/store/ticket_repository.h"

namespace cs::ticket {
namespace {

using auth::Role;
using ::testing::HasSubstr;
using Stub = v1::TicketService::Stub;

constexpr char kKey1[] =
    "k1 1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr char kKey2[] =
    "k2 1 f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff202122232425262728292a2b2c2d2e2f";

// A valid 18-character ID-card number (GB 11643 check character), distinct
// for each n < 1000: Beijing Chaoyang, born n days after 1970-01-01.
std::string IdCard(int n) {
  const absl::CivilDay born = absl::CivilDay(1970, 1, 1) + n;
  const std::string first17 =
      absl::StrFormat("110105%04d%02d%02d%03d", born.year(), born.month(),
                      born.day(), n % 1000);
  return first17 + IdCardCheckChar(first17);
}

// A distinct mainland mobile number.
std::string Phone(int n) {
  return absl::StrFormat("1391%07d", 4000000 + n * 37);
}

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

class PiiSecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = cs::testing::TestServerConfig(dir_, "ticket");
    config_.sync = false;  // durability is not under test here
    // Uncompressed table files: a byte scan then sees every stored value.
    config_.store_compression = false;
    agent_ = cs::testing::TestToken({Role::kAgent}, "agent-007");
    supervisor_ = cs::testing::TestToken({Role::kSupervisor}, "sup-1");
    admin_ = cs::testing::TestToken({Role::kAdmin}, "admin-1", "");
    director_ = cs::testing::TestToken({Role::kDirector}, "dir-1");
  }

  void TearDown() override { Stop(); }

  void Start(const std::string& keyring_text,
             const PermissionTable& permissions = PermissionTable::Defaults()) {
    auto host = ServiceHost::Create(config_, TicketColumnFamilies());
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = *std::move(host);
    host_->manual_clock()->SetTime(now_);
    auto keyring = Keyring::Parse(keyring_text);
    ASSERT_TRUE(keyring.ok()) << keyring.status();
    auto app =
        TicketApp::Create(host_->store(), host_->outbox(), host_->commits(),
                          host_->clock(), permissions, *std::move(keyring), {});
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = *std::move(app);
    grpc_ = std::make_unique<TicketGrpcService>(*host_, *app_);
    host_->RegisterService(grpc_.get());
    ASSERT_TRUE(host_->Start().ok());
    stub_ =
        v1::TicketService::NewStub(cs::testing::LoopbackChannel(host_->port()));
  }

  void Stop() {
    if (host_ == nullptr) return;
    now_ = host_->manual_clock()->Now();
    host_->Shutdown();
    stub_.reset();
    grpc_.reset();
    app_.reset();
    host_.reset();
  }

  template <typename Response, typename Request>
  absl::StatusOr<Response> Call(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const std::string& token, const Request& request) {
    return cs::testing::CallAs(stub_.get(), method, token, request);
  }

  absl::StatusOr<v1::Customer> Upsert(int n, bool with_id_card = true) {
    v1::UpsertCustomerRequest r;
    v1::Customer* c = r.mutable_customer();
    c->set_name(absl::StrCat("customers/c-", n));
    c->set_full_name(n % 2 == 0 ? "王小明" : "李晓红");
    c->set_title(n % 2 == 0 ? v1::TITLE_MR : v1::TITLE_MS);
    c->set_phone(Phone(n));
    if (with_id_card) c->set_id_card(IdCard(n));
    return Call(&Stub::UpsertCustomer, agent_, r);
  }

  absl::StatusOr<v1::Customer> GetClear(int n) {
    v1::GetCustomerRequest r;
    r.set_name(absl::StrCat("customers/c-", n));
    return Call(&Stub::GetCustomer, supervisor_, r);
  }

  absl::StatusOr<std::string> RevealIdCard(int n) {
    v1::RevealCustomerPiiRequest r;
    r.set_name(absl::StrCat("customers/c-", n));
    r.set_field(common::v1::PII_FIELD_ID_CARD);
    r.set_reason("核实身份：密钥轮换检查");
    auto revealed = Call(&Stub::RevealCustomerPii, supervisor_, r);
    if (!revealed.ok()) return revealed.status();
    return revealed->value();
  }

  std::map<std::string, int64_t> KeyUsage() {
    auto usage =
        Call(&Stub::GetPiiKeyUsage, admin_, v1::GetPiiKeyUsageRequest());
    EXPECT_TRUE(usage.ok()) << usage.status();
    std::map<std::string, int64_t> out;
    if (usage.ok()) {
      for (const v1::PiiKeyUsage& u : usage->usage()) out[u.key()] = u.values();
    }
    return out;
  }

  std::vector<common::v1::AuditRecord> Audit(
      common::v1::ListAuditRecordsRequest request) {
    std::vector<common::v1::AuditRecord> out;
    do {
      auto page = Call(&Stub::ListAuditRecords, director_, request);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      for (const common::v1::AuditRecord& r : page->audit_records())
        out.push_back(r);
      request.set_page_token(page->next_page_token());
    } while (!request.page_token().empty());
    return out;
  }

  cs::testing::TempDir dir_;
  ServerConfig config_;
  absl::Time now_ = absl::FromCivil(absl::CivilSecond(2026, 11, 23, 10, 0, 0),
                                    absl::UTCTimeZone());
  std::string agent_, supervisor_, admin_, director_;
  std::unique_ptr<ServiceHost> host_;
  std::unique_ptr<TicketApp> app_;
  std::unique_ptr<TicketGrpcService> grpc_;
  std::unique_ptr<Stub> stub_;
};

TEST_F(PiiSecurityTest, NoPlaintextIdCardOrPhoneInAnyStoreFileOrLogLine) {
  constexpr int kCustomers = 1000;
  cs::SetMinLogLevel(LogLevel::kDebug);
  ::testing::internal::CaptureStderr();
  Start(kKey1);
  std::vector<std::string> secrets;  // every form of every seeded value
  std::vector<std::string> controls;
  int sst_files = 0;
  for (int n = 0; n < kCustomers; ++n) {
    if (n == kCustomers - 100) {
      // Most of the data into table files; the last 100 stay in the WAL.
      ASSERT_TRUE(host_->store().Flush().ok());
      for (const auto& entry :
           std::filesystem::recursive_directory_iterator(config_.data_dir)) {
        if (entry.path().extension() == ".sst") ++sst_files;
      }
      EXPECT_GT(sst_files, 0);
    }
    ASSERT_TRUE(Upsert(n).ok()) << n;
    // The control: non-PII ticket text the scan must find.
    controls.push_back(absl::StrCat("磁盘扫描对照文本-", n, "-信号弱"));
    v1::CreateTicketRequest create;
    v1::Ticket* t = create.mutable_ticket();
    t->set_channel(common::v1::CHANNEL_PHONE);
    t->set_stage(common::v1::STAGE_AFTER_SALE);
    t->set_subject(controls.back());
    t->set_description("手机信号弱，通话经常中断");
    t->set_customer_id(absl::StrCat("c-", n));
    auto ticket = Call(&Stub::CreateTicket, agent_, create);
    ASSERT_TRUE(ticket.ok()) << ticket.status();
    ASSERT_EQ(ticket->customer_contact().size(), 11u);  // 139****nnnn
    secrets.push_back(IdCard(n));
    secrets.push_back(IdCard(n).substr(0, 17));  // digits only
    secrets.push_back(Phone(n));
  }
  // A bad phone is refused without being echoed back.
  v1::UpsertCustomerRequest bad;
  bad.mutable_customer()->set_name("customers/c-bad");
  bad.mutable_customer()->set_full_name("赵六");
  bad.mutable_customer()->set_phone("1391234567X");
  auto refused = Call(&Stub::UpsertCustomer, agent_, bad);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("phone"));
  EXPECT_FALSE(absl::StrContains(refused.status().ToString(), "1391234567"));
  // Still readable in clear by an authorised caller (and audited).
  ASSERT_EQ(GetClear(7)->phone(), Phone(7));
  ASSERT_EQ(*RevealIdCard(7), IdCard(7));

  Stop();
  const std::string log = ::testing::internal::GetCapturedStderr();
  cs::SetMinLogLevel(LogLevel::kInfo);
  EXPECT_THAT(log, HasSubstr("serving gRPC"));  // the capture works

  std::map<std::string, std::string> files;  // name → bytes
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(config_.data_dir)) {
    if (entry.is_regular_file()) {
      files[entry.path().filename().string()] = ReadAll(entry.path());
    }
  }
  std::set<std::string> kinds;
  for (const auto& [name, bytes] : files) {
    if (absl::EndsWith(name, ".sst")) kinds.insert("sst");
    if (absl::EndsWith(name, ".log")) kinds.insert("wal");
    if (absl::StartsWith(name, "MANIFEST")) kinds.insert("manifest");
    if (absl::StartsWith(name, "OPTIONS")) kinds.insert("options");
    if (name == "LOG") kinds.insert("info-log");
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"sst", "wal", "manifest", "options",
                                          "info-log"}));
  int hits = 0;
  for (const std::string& secret : secrets) {
    for (const auto& [name, bytes] : files) {
      if (absl::StrContains(bytes, secret)) {
        ++hits;
        ADD_FAILURE() << "plaintext in " << name;
      }
    }
    if (absl::StrContains(log, secret)) {
      ++hits;
      ADD_FAILURE() << "plaintext in the server log";
    }
  }
  int control_hits = 0;
  std::map<std::string, int> control_hits_by_kind;
  for (const std::string& control : controls) {
    bool found = false;
    for (const auto& [name, bytes] : files) {
      if (!absl::StrContains(bytes, control)) continue;
      found = true;
      ++control_hits_by_kind[absl::EndsWith(name, ".sst") ? "sst" : "other"];
      if (absl::EndsWith(name, ".log")) ++control_hits_by_kind["wal"];
    }
    control_hits += found ? 1 : 0;
  }
  std::cout << "at-rest scan: " << files.size() << " files (" << sst_files
            << " SSTs), " << secrets.size() << " plaintext forms of "
            << kCustomers << " ID cards and " << kCustomers
            << " phones: " << hits
            << " hits; control texts found: " << control_hits << " of "
            << controls.size() << " (in SSTs " << control_hits_by_kind["sst"]
            << ", in the WAL " << control_hits_by_kind["wal"] << ")\n";
  EXPECT_EQ(hits, 0);
  EXPECT_EQ(control_hits, kCustomers);
  // Both where the scan looks: table files and the write-ahead log.
  EXPECT_GE(control_hits_by_kind["sst"], kCustomers - 100);
  EXPECT_GE(control_hits_by_kind["wal"], 100);
}

TEST_F(PiiSecurityTest, RotationKeepsReadsWorkingAndLeavesNothingOnTheOldKey) {
  constexpr int kCustomers = 25;
  Start(kKey1);
  for (int n = 0; n < kCustomers; ++n) {
    ASSERT_TRUE(Upsert(n, /*with_id_card=*/n % 5 != 0).ok()) << n;
  }
  // 25 names + 25 phones + 20 ID cards.
  EXPECT_EQ(KeyUsage(), (std::map<std::string, int64_t>{{"k1/1", 70}}));
  Stop();

  // The operator adds k2 as current, keeps k1, restarts.
  Start(absl::StrCat(kKey1, "\n", kKey2, " current\n"));
  EXPECT_EQ(KeyUsage(),
            (std::map<std::string, int64_t>{{"k1/1", 70}, {"k2/1", 0}}));
  // Only admins (and supervisors) rotate.
  v1::RotatePiiKeysRequest rotate;
  rotate.set_page_size(10);
  EXPECT_EQ(Call(&Stub::RotatePiiKeys, agent_, rotate).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto first = Call(&Stub::RotatePiiKeys, admin_, rotate);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->examined(), 10);
  EXPECT_EQ(first->reencrypted(), 10);
  EXPECT_EQ(first->current_key(), "k2/1");
  ASSERT_FALSE(first->next_page_token().empty());
  // Mid-rotation: records on either key read, and a new write uses k2.
  const std::map<std::string, int64_t> mid = KeyUsage();
  EXPECT_GT(mid.at("k1/1"), 0);
  EXPECT_GT(mid.at("k2/1"), 0);
  EXPECT_EQ(mid.at("k1/1") + mid.at("k2/1"), 70);
  for (int n = 1; n < kCustomers; n += 3) {
    EXPECT_EQ(GetClear(n)->phone(), Phone(n)) << n;
    if (n % 5 != 0) {
      EXPECT_EQ(*RevealIdCard(n), IdCard(n)) << n;
    }
  }
  // Bad tokens are refused, and a re-run of a batch changes nothing.
  v1::RotatePiiKeysRequest bad = rotate;
  bad.set_page_token("no such/token");
  EXPECT_EQ(Call(&Stub::RotatePiiKeys, admin_, bad).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Call(&Stub::RotatePiiKeys, admin_, rotate)->reencrypted(), 0);

  // Resume until done.
  int examined = first->examined();
  rotate.set_page_token(first->next_page_token());
  while (!rotate.page_token().empty()) {
    auto page = Call(&Stub::RotatePiiKeys, admin_, rotate);
    ASSERT_TRUE(page.ok()) << page.status();
    examined += page->examined();
    rotate.set_page_token(page->next_page_token());
  }
  EXPECT_EQ(examined, kCustomers);
  EXPECT_EQ(KeyUsage(),
            (std::map<std::string, int64_t>{{"k1/1", 0}, {"k2/1", 70}}));
  common::v1::ListAuditRecordsRequest runs;
  runs.set_action(common::v1::AUDIT_ACTION_ROTATE_PII_KEYS);
  const std::vector<common::v1::AuditRecord> audit = Audit(runs);
  ASSERT_EQ(audit.size(), 4u);  // first batch twice, then 10 + 5
  EXPECT_EQ(audit.front().actor(), "admin-1");
  EXPECT_EQ(audit.front().resources(0), "pii-keys");
  EXPECT_THAT(audit.front().detail(), HasSubstr("to k2/1"));
  EXPECT_THAT(audit.front().detail(), HasSubstr("done"));
  Stop();

  // k1 retired: everything still reads.
  Start(kKey2);
  EXPECT_EQ(KeyUsage(), (std::map<std::string, int64_t>{{"k2/1", 70}}));
  for (int n = 0; n < kCustomers; ++n) {
    auto clear = GetClear(n);
    ASSERT_TRUE(clear.ok()) << n << " " << clear.status();
    EXPECT_EQ(clear->phone(), Phone(n));
    EXPECT_EQ(clear->full_name(), n % 2 == 0 ? "王小明" : "李晓红");
    if (n % 5 != 0) {
      EXPECT_EQ(*RevealIdCard(n), IdCard(n));
    }
  }
}

TEST_F(PiiSecurityTest, RemovingAKeyStillInUseIsVisibleBeforeReadsFail) {
  Start(kKey1);
  ASSERT_TRUE(Upsert(1).ok());
  Stop();
  Start(kKey2);  // k1 dropped too early
  auto usage = Call(&Stub::GetPiiKeyUsage, admin_, v1::GetPiiKeyUsageRequest());
  ASSERT_TRUE(usage.ok());
  bool missing = false;
  for (const v1::PiiKeyUsage& u : usage->usage()) {
    if (u.key() == "k1/1") missing = !u.in_keyring() && u.values() == 3;
  }
  EXPECT_TRUE(missing);
  EXPECT_EQ(GetClear(1).status().code(), absl::StatusCode::kFailedPrecondition);
  // The masked view needs no key.
  v1::GetCustomerRequest get;
  get.set_name("customers/c-1");
  EXPECT_EQ(Call(&Stub::GetCustomer, agent_, get)->phone(),
            Phone(1).substr(0, 3) + "****" + Phone(1).substr(7));
}

TEST_F(PiiSecurityTest, PermissionChangesAreAuditedAtStart) {
  Start(kKey1);
  common::v1::ListAuditRecordsRequest changes;
  changes.set_action(common::v1::AUDIT_ACTION_PERMISSIONS_CHANGED);
  std::vector<common::v1::AuditRecord> audit = Audit(changes);
  ASSERT_EQ(audit.size(), 1u);  // the first start records the baseline
  EXPECT_EQ(audit[0].actor(), "system");
  EXPECT_EQ(audit[0].resources(0), "permissions");
  EXPECT_THAT(audit[0].detail(), HasSubstr("+supervisor: read_pii@any"));
  Stop();

  // Same table: nothing new.
  Start(kKey1);
  EXPECT_EQ(Audit(changes).size(), 1u);
  Stop();

  // qa may now read PII.
  std::string text(kDefaultPermissionsText);
  text = absl::StrCat(
      text.substr(0, text.find("qa:")),
      "qa: read_ticket read_customer read_customer_history read_pii\n",
      text.substr(text.find("kb_editor:")));
  auto table = PermissionTable::Parse(text);
  ASSERT_TRUE(table.ok()) << table.status();
  Start(kKey1, *table);
  audit = Audit(changes);
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0].detail(), "+qa: read_pii@any");  // newest first
  EXPECT_THAT(audit[0].reason(), HasSubstr("changed"));
  Stop();

  Start(kKey1);  // back to the defaults
  audit = Audit(changes);
  ASSERT_EQ(audit.size(), 3u);
  EXPECT_EQ(audit[0].detail(), "-qa: read_pii@any");
}

TEST_F(PiiSecurityTest, AuditRecordsAreQueryableByActorActionResourceAndTime) {
  Start(kKey1);
  ASSERT_TRUE(Upsert(1).ok());
  ASSERT_TRUE(Upsert(2).ok());
  const std::string officer =
      cs::testing::TestToken({Role::kComplaintOfficer}, "co-1");
  const absl::Time t0 = host_->manual_clock()->Now();
  // Masked reads are not audited, also when a read_pii holder asks for them.
  v1::GetCustomerRequest get;
  get.set_name("customers/c-1");
  ASSERT_TRUE(Call(&Stub::GetCustomer, agent_, get).ok());
  get.set_masked(true);
  auto masked = Call(&Stub::GetCustomer, supervisor_, get);
  ASSERT_TRUE(masked.ok());
  EXPECT_EQ(masked->full_name(), "李女士");
  get.set_masked(false);
  for (int i = 0; i < 3; ++i) {
    host_->manual_clock()->Advance(absl::Minutes(10));
    ASSERT_TRUE(GetClear(1).ok());      // sup-1 READ_CONTACT c-1
    ASSERT_TRUE(RevealIdCard(2).ok());  // sup-1 REVEAL_PII c-2
    get.set_name("customers/c-2");
    ASSERT_TRUE(Call(&Stub::GetCustomer, officer, get).ok());  // co-1
  }
  common::v1::ListAuditRecordsRequest q;
  q.set_actor("sup-1");
  EXPECT_EQ(Audit(q).size(), 6u);
  q.set_action(common::v1::AUDIT_ACTION_READ_CONTACT);
  EXPECT_EQ(Audit(q).size(), 3u);
  q.clear_actor();
  q.set_resource("customers/c-2");
  EXPECT_EQ(Audit(q).size(), 3u);  // co-1's contact reads of c-2
  q.clear_resource();
  q.clear_action();
  *q.mutable_start_time() = ToProtoTime(t0 + absl::Minutes(15));
  *q.mutable_end_time() = ToProtoTime(t0 + absl::Minutes(25));
  const std::vector<common::v1::AuditRecord> second = Audit(q);
  ASSERT_EQ(second.size(), 3u);  // the second round only
  for (const common::v1::AuditRecord& r : second) {
    EXPECT_EQ(FromProtoTime(r.time()), t0 + absl::Minutes(20));
  }
  // Paging: 9 reads + the start-up record, two at a time, newest first.
  common::v1::ListAuditRecordsRequest all;
  all.set_page_size(2);
  const std::vector<common::v1::AuditRecord> everything = Audit(all);
  ASSERT_EQ(everything.size(), 10u);
  for (size_t i = 1; i < everything.size(); ++i) {
    EXPECT_GT(everything[i - 1].id(), everything[i].id());
  }
  // A page token is bound to its filter; bad ranges name the field.
  all.set_page_size(1);
  auto page = Call(&Stub::ListAuditRecords, director_, all);
  ASSERT_TRUE(page.ok());
  all.set_page_token(page->next_page_token());
  all.set_actor("sup-1");
  EXPECT_EQ(Call(&Stub::ListAuditRecords, director_, all).status().code(),
            absl::StatusCode::kInvalidArgument);
  common::v1::ListAuditRecordsRequest backwards;
  *backwards.mutable_start_time() = ToProtoTime(t0);
  *backwards.mutable_end_time() = ToProtoTime(t0);
  auto refused = Call(&Stub::ListAuditRecords, director_, backwards);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("end_time"));
  // A complaint-service action is never in this trail: refused, not empty.
  common::v1::ListAuditRecordsRequest foreign;
  foreign.set_action(common::v1::AUDIT_ACTION_READ_COMPLAINT_CLEAR);
  refused = Call(&Stub::ListAuditRecords, director_, foreign);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("AUDIT_ACTION_REVEAL_PII"));
  // Agents cannot read the trail.
  EXPECT_EQ(Call(&Stub::ListAuditRecords, agent_, q).status().code(),
            absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace cs::ticket
