#include "tools/csbench/load.h"

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <random>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "cs/complaint/v1/complaint.grpc.pb.h"
#include "cs/kb/v1/kb.grpc.pb.h"
#include "cs/testing/v1/echo.grpc.pb.h"
#include "cs/ticket/v1/ticket.grpc.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/channel_arguments.h"
#include "libs/auth/jwt.h"
#include "libs/auth/roles.h"
#include "libs/common/status_macros.h"

namespace cs::csbench {
namespace {

namespace v1 = ::cs::ticket::v1;
using ::cs::testing::v1::Echo;
using ::cs::testing::v1::EchoRequest;
using ::cs::testing::v1::EchoResponse;
using ::cs::ticket::v1::TicketService;
using KbService = ::cs::kb::v1::KnowledgeBaseService;
using ComplaintService = ::cs::complaint::v1::ComplaintService;

constexpr absl::Duration kConnectTimeout = absl::Seconds(10);
constexpr int kPrepareThreads = 4;

absl::Status FromGrpc(const grpc::Status& status, absl::string_view what) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(what, ": ", status.error_message()));
}

// Whether `mix` calls the ticket service.
bool UsesTicketOps(const OpMix& mix) {
  return mix.uses(Op::kCreate) || mix.uses(Op::kGet) || mix.uses(Op::kList) ||
         mix.uses(Op::kReply);
}

std::string CustomerId(int index) {
  return absl::StrFormat("bench-c-%04d", index + 1);
}

// A random tag that makes this process's request_ids unique across runs
// against the same store.
std::string RunTag() {
  std::random_device device;
  uint64_t bits = (uint64_t{device()} << 32) ^ device() ^
                  static_cast<uint64_t>(absl::ToUnixNanos(absl::Now()));
  return absl::StrFormat("%012x", bits & 0xffffffffffffULL);
}

class LoadRun {
 public:
  explicit LoadRun(const LoadOptions& options)
      : options_(options),
        payloads_(options.payload),
        run_tag_(RunTag()),
        ticket_mix_(UsesTicketOps(options.mix)),
        pool_used_(options.mix.uses(Op::kGet) || options.mix.uses(Op::kReply)) {
  }

  absl::Status Connect() {
    for (int i = 0; i < std::max(1, options_.channels); ++i) {
      if (ticket_mix_ || options_.mix.uses(Op::kEcho)) {
        ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel,
                         ConnectTo(options_.target, i));
        ticket_stubs_.push_back(TicketService::NewStub(channel));
        echo_stubs_.push_back(Echo::NewStub(channel));
      }
      if (options_.mix.uses(Op::kKbSearch)) {
        ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel,
                         ConnectTo(options_.kb_target, i));
        kb_stubs_.push_back(KbService::NewStub(channel));
      }
      if (options_.mix.uses(Op::kComplaintFile)) {
        ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel,
                         ConnectTo(options_.complaint_target, i));
        complaint_stubs_.push_back(ComplaintService::NewStub(channel));
      }
    }
    return absl::OkStatus();
  }

  // Customers, then the tickets that get/list/reply work on, then the
  // articles searches find.
  absl::Status Prepare() {
    if (options_.mix.uses(Op::kKbSearch)) RETURN_IF_ERROR(PrepareArticles());
    if (!ticket_mix_) return absl::OkStatus();
    std::mt19937_64 random(options_.seed);
    for (int i = 0; i < options_.customers; ++i) {
      grpc::ClientContext context;
      Decorate(context);
      v1::UpsertCustomerRequest request;
      *request.mutable_customer() = payloads_.Customer(random, CustomerId(i));
      v1::Customer response;
      RETURN_IF_ERROR(FromGrpc(
          ticket_stubs_[0]->UpsertCustomer(&context, request, &response),
          absl::StrCat("preparing: UpsertCustomer ",
                       request.customer().name())));
    }
    // List needs something to list too.
    if (!pool_used_ && !options_.mix.uses(Op::kList)) return absl::OkStatus();
    std::vector<std::thread> threads;
    std::vector<absl::Status> results(kPrepareThreads);
    for (int t = 0; t < kPrepareThreads; ++t) {
      threads.emplace_back([this, t, &results] {
        std::mt19937_64 random(options_.seed * 7919 + t);
        for (int i = t; i < options_.prepare_tickets; i += kPrepareThreads) {
          grpc::ClientContext context;
          Decorate(context);
          v1::CreateTicketRequest request = payloads_.CreateTicket(
              random, CustomerId(i % options_.customers),
              absl::StrCat("csb-", run_tag_, "-prep-", i));
          v1::Ticket ticket;
          absl::Status status = FromGrpc(
              ticket_stubs_[0]->CreateTicket(&context, request, &ticket),
              "preparing: CreateTicket");
          if (!status.ok()) {
            results[t] = status;
            return;
          }
          AddToPool(ticket.name());
          created_.fetch_add(1, std::memory_order_relaxed);
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    for (const absl::Status& status : results) RETURN_IF_ERROR(status);
    prepared_ = options_.prepare_tickets;
    return absl::OkStatus();
  }

  // A category and `prepare_articles` published articles in it.
  absl::Status PrepareArticles() {
    KbService::Stub& kb = *kb_stubs_[0];
    std::mt19937_64 random(options_.seed * 104729);
    grpc::ClientContext category_context;
    Decorate(category_context);
    kb::v1::CreateCategoryRequest category_request;
    category_request.set_display_name(absl::StrCat("压测类目-", run_tag_));
    kb::v1::Category category;
    RETURN_IF_ERROR(FromGrpc(
        kb.CreateCategory(&category_context, category_request, &category),
        "preparing: CreateCategory"));
    for (int i = 0; i < options_.prepare_articles; ++i) {
      kb::v1::Article article;
      grpc::ClientContext create;
      Decorate(create);
      RETURN_IF_ERROR(FromGrpc(
          kb.CreateArticle(
              &create, payloads_.Article(random, category.name(), i), &article),
          "preparing: CreateArticle"));
      grpc::ClientContext submit;
      Decorate(submit);
      kb::v1::SubmitForReviewRequest submit_request;
      submit_request.set_name(article.name());
      submit_request.set_change_note("压测初稿");
      RETURN_IF_ERROR(
          FromGrpc(kb.SubmitForReview(&submit, submit_request, &article),
                   "preparing: SubmitForReview"));
      grpc::ClientContext review;
      Decorate(review, options_.review_token);
      kb::v1::ReviewArticleRequest review_request;
      review_request.set_name(article.name());
      review_request.set_approve(true);
      RETURN_IF_ERROR(
          FromGrpc(kb.ReviewArticle(&review, review_request, &article),
                   "preparing: ReviewArticle (with the review token)"));
      ++prepared_articles_;
    }
    return absl::OkStatus();
  }

  RunReport Run() {
    const int concurrency = std::max(1, options_.concurrency);
    for (int i = 0; i < concurrency; ++i) {
      auto slot = std::make_unique<Slot>();
      slot->index = i;
      slot->random.seed(options_.seed * 1000003 + i);
      slot->tickets = StubFor(ticket_stubs_, i);
      slot->echo = StubFor(echo_stubs_, i);
      slot->kb = StubFor(kb_stubs_, i);
      slot->complaints = StubFor(complaint_stubs_, i);
      slots_.push_back(std::move(slot));
    }
    window_ = std::make_unique<Window>(NowNanos(), options_.window);
    progress_ = std::make_unique<Progress>(
        options_.label.empty() ? options_.mix.ToString() : options_.label,
        *window_, options_.progress);
    {
      absl::MutexLock lock(&mu_);
      active_ = concurrency;
    }
    for (auto& slot : slots_) Issue(slot.get());
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](int* active) { return *active == 0; }, &active_));
    }
    progress_->Stop();
    return MakeReport();
  }

 private:
  struct Slot {
    int index = 0;
    std::mt19937_64 random;
    uint64_t seq = 0;
    TicketService::Stub* tickets = nullptr;
    Echo::Stub* echo = nullptr;
    KbService::Stub* kb = nullptr;
    ComplaintService::Stub* complaints = nullptr;
    // The call in flight.
    Op op = Op::kCreate;
    Window::Phase phase = Window::kWarmup;
    int64_t start_ns = 0;
    std::unique_ptr<grpc::ClientContext> context;
    v1::CreateTicketRequest create;
    v1::GetTicketRequest get;
    v1::ListTicketsRequest list;
    v1::AddReplyRequest reply;
    EchoRequest echo_request;
    kb::v1::SearchRequest search;
    complaint::v1::FileRequest file;
    v1::Ticket ticket;
    v1::ListTicketsResponse list_response;
    v1::AddReplyResponse reply_response;
    EchoResponse echo_response;
    kb::v1::SearchResponse search_response;
    complaint::v1::Complaint complaint;
    // Measured calls only.
    std::array<OpStats, kOpCount> stats;
    uint64_t request_bytes = 0;
    uint64_t requests = 0;
  };

  // The `index`th connection to `target` (host:port).
  absl::StatusOr<std::shared_ptr<grpc::Channel>> ConnectTo(
      const std::string& target, int index) {
    grpc::ChannelArguments args;
    // Distinct arguments keep the channels from sharing one subchannel
    // (one TCP connection).
    args.SetInt("csbench.channel_index", index);
    args.SetMaxReceiveMessageSize(64 << 20);
    std::shared_ptr<grpc::Channel> channel =
        ChannelFactory(options_.tls).Connect(target, args);
    if (!channel->WaitForConnected(
            absl::ToChronoTime(absl::Now() + kConnectTimeout))) {
      return absl::UnavailableError(
          absl::StrCat("cannot connect to ", target, " within ",
                       absl::FormatDuration(kConnectTimeout)));
    }
    channels_.push_back(channel);
    return channel;
  }

  template <typename Stub>
  static Stub* StubFor(const std::vector<std::unique_ptr<Stub>>& stubs,
                       int slot) {
    return stubs.empty() ? nullptr : stubs[slot % stubs.size()].get();
  }

  void Decorate(grpc::ClientContext& context) const {
    Decorate(context, options_.token);
  }
  void Decorate(grpc::ClientContext& context, const std::string& token) const {
    context.set_deadline(
        absl::ToChronoTime(absl::Now() + options_.call_deadline));
    if (!token.empty()) {
      context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
    }
  }

  void AddToPool(const std::string& name) {
    absl::MutexLock lock(&pool_mu_);
    pool_.push_back(name);
  }

  std::string PickFromPool(std::mt19937_64& random) {
    absl::ReaderMutexLock lock(&pool_mu_);
    if (pool_.empty()) return "tickets/none";  // answered NOT_FOUND
    return pool_[random() % pool_.size()];
  }

  std::string NextRequestId(Slot& slot) {
    return absl::StrCat("csb-", run_tag_, "-", slot.index, "-", ++slot.seq);
  }

  // Starts the slot's next call, or retires the slot when the window closed.
  void Issue(Slot* slot) {
    const Window::Phase phase = window_->Claim(NowNanos());
    if (phase == Window::kStop) {
      absl::MutexLock lock(&mu_);
      --active_;
      return;
    }
    slot->phase = phase;
    slot->op = options_.mix.Pick(slot->random());
    slot->context = std::make_unique<grpc::ClientContext>();
    Decorate(*slot->context);
    const std::string customer = CustomerId(
        static_cast<int>(slot->random() % std::max(1, options_.customers)));
    // Build the request and account for it before the call starts: from
    // then on the completion may run (and reuse the slot) on another thread.
    size_t bytes = 0;
    switch (slot->op) {
      case Op::kCreate:
        slot->create = payloads_.CreateTicket(slot->random, customer,
                                              NextRequestId(*slot));
        bytes = slot->create.ByteSizeLong();
        break;
      case Op::kGet:
        slot->get.set_name(PickFromPool(slot->random));
        slot->get.set_view(options_.get_view);
        bytes = slot->get.ByteSizeLong();
        break;
      case Op::kList:
        slot->list.set_page_size(options_.list_page_size);
        bytes = slot->list.ByteSizeLong();
        break;
      case Op::kReply:
        slot->reply = payloads_.Reply(slot->random, PickFromPool(slot->random));
        bytes = slot->reply.ByteSizeLong();
        break;
      case Op::kEcho:
        // The same payload as a CreateTicket, as opaque bytes.
        slot->echo_request.set_payload(
            payloads_.CreateTicket(slot->random, customer, NextRequestId(*slot))
                .SerializeAsString());
        bytes = slot->echo_request.ByteSizeLong();
        break;
      case Op::kKbSearch:
        slot->search.set_query(payloads_.KbQuery(slot->random));
        bytes = slot->search.ByteSizeLong();
        break;
      case Op::kComplaintFile:
        slot->file =
            payloads_.Complaint(slot->random, customer, NextRequestId(*slot));
        bytes = slot->file.ByteSizeLong();
        break;
    }
    if (phase == Window::kMeasured) {
      slot->request_bytes += bytes;
      ++slot->requests;
    }
    progress_->in_flight().fetch_add(1, std::memory_order_relaxed);
    auto done = [this, slot](grpc::Status status) { OnDone(slot, status); };
    grpc::ClientContext* context = slot->context.get();
    slot->start_ns = NowNanos();
    switch (slot->op) {
      case Op::kCreate:
        slot->tickets->async()->CreateTicket(context, &slot->create,
                                             &slot->ticket, done);
        break;
      case Op::kGet:
        slot->tickets->async()->GetTicket(context, &slot->get, &slot->ticket,
                                          done);
        break;
      case Op::kList:
        slot->tickets->async()->ListTickets(context, &slot->list,
                                            &slot->list_response, done);
        break;
      case Op::kReply:
        slot->tickets->async()->AddReply(context, &slot->reply,
                                         &slot->reply_response, done);
        break;
      case Op::kEcho:
        slot->echo->async()->Echo(context, &slot->echo_request,
                                  &slot->echo_response, done);
        break;
      case Op::kKbSearch:
        slot->kb->async()->Search(context, &slot->search,
                                  &slot->search_response, done);
        break;
      case Op::kComplaintFile:
        slot->complaints->async()->File(context, &slot->file, &slot->complaint,
                                        done);
        break;
    }
  }

  void OnDone(Slot* slot, const grpc::Status& status) {
    const int64_t end = NowNanos();
    progress_->in_flight().fetch_sub(1, std::memory_order_relaxed);
    if (slot->phase == Window::kMeasured) {
      slot->stats[static_cast<int>(slot->op)].Record(
          static_cast<int>(status.error_code()),
          static_cast<uint64_t>(end - slot->start_ns));
      window_->Done(end);
    }
    if (status.ok()) {
      progress_->AddOk();
      if (slot->op == Op::kCreate) {
        if (pool_used_) AddToPool(slot->ticket.name());
        created_.fetch_add(1, std::memory_order_relaxed);
      }
    } else {
      progress_->AddError();
    }
    Issue(slot);
  }

  RunReport MakeReport() const {
    RunReport report;
    report.mode = "load";
    report.label = options_.label;
    report.target = options_.target;
    report.ops = options_.mix.ToString();
    report.concurrency = static_cast<int>(slots_.size());
    report.channels = std::max(1, options_.channels);
    if (options_.window.count > 0) {
      report.count = options_.window.count;
    } else {
      report.duration_seconds = absl::ToDoubleSeconds(options_.window.duration);
    }
    report.warmup_seconds = absl::ToDoubleSeconds(options_.window.warmup);
    report.elapsed_seconds = window_->ElapsedSeconds();
    uint64_t bytes = 0, requests = 0;
    for (Op op : options_.mix.ops()) {
      OpReport entry{std::string(OpName(op)), {}};
      for (const auto& slot : slots_) {
        entry.stats.Merge(slot->stats[static_cast<int>(op)]);
      }
      report.ops_stats.push_back(std::move(entry));
    }
    for (const auto& slot : slots_) {
      bytes += slot->request_bytes;
      requests += slot->requests;
    }
    report.request_bytes_mean =
        requests == 0 ? 0 : static_cast<double>(bytes) / requests;
    report.conditions.push_back({"client", "grpc callback API, unary"});
    if (ticket_mix_) {
      report.conditions.push_back(
          {"customers", absl::StrCat(options_.customers)});
      report.conditions.push_back(
          {"prepared_tickets", absl::StrCat(prepared_)});
      // Every ticket this process created, warm-up and preparation included
      // (bench/run sums them to know how many tickets the server holds).
      report.conditions.push_back(
          {"tickets_created",
           absl::StrCat(created_.load(std::memory_order_relaxed))});
    }
    if (options_.mix.uses(Op::kKbSearch)) {
      report.conditions.push_back(
          {"prepared_articles", absl::StrCat(prepared_articles_)});
    }
    report.conditions.push_back(
        {"description_chars",
         absl::StrCat(options_.payload.description_chars)});
    return report;
  }

  const LoadOptions& options_;
  const PayloadGenerator payloads_;
  const std::string run_tag_;
  const bool ticket_mix_;
  const bool pool_used_;  // get or reply pick existing tickets
  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::vector<std::unique_ptr<TicketService::Stub>> ticket_stubs_;
  std::vector<std::unique_ptr<Echo::Stub>> echo_stubs_;
  std::vector<std::unique_ptr<KbService::Stub>> kb_stubs_;
  std::vector<std::unique_ptr<ComplaintService::Stub>> complaint_stubs_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::unique_ptr<Window> window_;
  std::unique_ptr<Progress> progress_;
  int prepared_ = 0;
  int prepared_articles_ = 0;
  std::atomic<uint64_t> created_{0};

  absl::Mutex mu_;
  int active_ ABSL_GUARDED_BY(mu_) = 0;

  absl::Mutex pool_mu_;
  std::vector<std::string> pool_ ABSL_GUARDED_BY(pool_mu_);
};

}  // namespace

absl::StatusOr<RunReport> RunLoad(const LoadOptions& options) {
  const OpMix& mix = options.mix;
  const bool ticket_ops = UsesTicketOps(mix);
  if ((ticket_ops || mix.uses(Op::kEcho)) && options.target.empty()) {
    return absl::InvalidArgumentError("--target must be set (host:port)");
  }
  if (mix.uses(Op::kKbSearch) && options.kb_target.empty()) {
    return absl::InvalidArgumentError(
        "--kb-target must be set (host:port) when the mix has kb_search");
  }
  if (mix.uses(Op::kComplaintFile) && options.complaint_target.empty()) {
    return absl::InvalidArgumentError(
        "--complaint-target must be set (host:port) when the mix has "
        "complaint_file");
  }
  if (mix.uses(Op::kKbSearch) && options.prepare_articles > 0 &&
      options.review_token.empty()) {
    return absl::InvalidArgumentError(
        "a review token is needed to publish the prepared articles");
  }
  if ((ticket_ops || mix.uses(Op::kComplaintFile)) && options.customers < 1) {
    return absl::InvalidArgumentError(
        "--customers must be at least 1 for ticket and complaint operations");
  }
  if ((options.mix.uses(Op::kGet) || options.mix.uses(Op::kReply)) &&
      options.prepare_tickets < 1) {
    return absl::InvalidArgumentError(
        "--prepare-tickets must be at least 1 when the mix has get or reply");
  }
  LoadRun run(options);
  RETURN_IF_ERROR(run.Connect());
  RETURN_IF_ERROR(run.Prepare());
  return run.Run();
}

absl::StatusOr<std::string> MintBenchToken(
    const std::string& key_file, const std::string& department,
    const std::string& issuer, const std::string& audience, absl::Duration ttl,
    auth::RoleSet roles, const std::string& subject) {
  ASSIGN_OR_RETURN(std::string key, auth::LoadKeyFile(key_file));
  auth::TokenClaims claims;
  claims.subject = subject;
  claims.name = "压测";
  claims.roles = roles;
  claims.department = department;
  claims.issuer = issuer;
  claims.audience = audience;
  const absl::Time now = absl::Now();
  claims.issued_at = now;
  claims.expires_at = now + ttl;
  return auth::MintToken(claims, key);
}

}  // namespace cs::csbench
