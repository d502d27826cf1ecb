#include "services/analytics/service/analytics_app.h"

#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/common/log.h"
#include "libs/common/status_macros.h"
#include "libs/common/time_proto.h"
#include "services/analytics/domain/report.h"
#include "services/analytics/service/store_state.h"

namespace cs::analytics {
namespace {

constexpr absl::string_view kConsumerPrefix = "analytics<-";
// Past every key of the families (ASCII keys).
const std::string kEndKey(4, '\xff');

absl::StatusOr<std::map<std::string, v1::Bucket>> ScanCells(
    const Store& store, ColumnFamily buckets, const std::string& first_day,
    const std::string& last_day) {
  std::map<std::string, v1::Bucket> cells;
  absl::Status parse;
  RETURN_IF_ERROR(store.Scan(
      buckets, absl::StrCat(first_day, "|"), absl::StrCat(last_day, "}"), 0,
      [&](absl::string_view k, absl::string_view v) {
        v1::Bucket b;
        if (!b.ParseFromArray(v.data(), static_cast<int>(v.size()))) {
          parse = absl::DataLossError("stored bucket does not parse");
          return false;
        }
        cells[std::string(k)] = std::move(b);
        return true;
      }));
  RETURN_IF_ERROR(parse);
  return cells;
}

}  // namespace

std::vector<std::string> AnalyticsColumnFamilies() {
  return {std::string(kTicketsFamily), std::string(kBucketsFamily),
          std::string(kSeenFamily), std::string(kAlertsFamily),
          std::string(kDaysFamily)};
}

std::vector<v1::ProducerSubscription> Subscriptions(
    const std::string& ticket_addr, const std::string& routing_addr,
    const std::string& escalation_addr, const std::string& kb_addr,
    const std::string& complaint_addr, const v1::AnalyticsConfig& config) {
  std::vector<v1::ProducerSubscription> out;
  auto add = [&](const char* name, const std::string& addr,
                 std::vector<std::string> types) {
    if (addr.empty()) return;
    v1::ProducerSubscription s;
    s.set_name(name);
    s.set_address(addr);
    for (auto& t : types) s.add_event_types(t);
    out.push_back(std::move(s));
  };
  // Ticket events all carry TicketFacts: every one moves the aggregates.
  add("ticket", ticket_addr, {});
  add("routing", routing_addr, {"SlaBreached", "SlaClockFulfilled"});
  add("escalation", escalation_addr,
      {"EscalationOpened", "EscalationLevelRaised"});
  add("knowledge-base", kb_addr, {"SearchPerformed"});
  add("complaint", complaint_addr, {"ComplaintFiled"});
  for (const v1::ProducerSubscription& p : config.producers()) {
    bool replaced = false;
    for (auto& s : out) {
      if (s.name() == p.name()) {
        s = p;
        replaced = true;
      }
    }
    if (!replaced) out.push_back(p);
  }
  return out;
}

absl::StatusOr<std::unique_ptr<AnalyticsApp>> AnalyticsApp::Create(
    Store& store, Outbox& outbox, Clock& clock, v1::AnalyticsConfig config,
    Options options) {
  std::unique_ptr<AnalyticsApp> app(new AnalyticsApp(
      store, outbox, clock, std::move(config), std::move(options)));
  ASSIGN_OR_RETURN(app->tickets_, store.Family(kTicketsFamily));
  ASSIGN_OR_RETURN(app->buckets_, store.Family(kBucketsFamily));
  ASSIGN_OR_RETURN(app->seen_, store.Family(kSeenFamily));
  ASSIGN_OR_RETURN(app->alerts_, store.Family(kAlertsFamily));
  ASSIGN_OR_RETURN(app->days_, store.Family(kDaysFamily));
  ASSIGN_OR_RETURN(app->cursors_, store.Family(Store::kCursorFamily));
  {
    absl::MutexLock lock(&app->lifecycle_mu_);
    app->MakeConsumers();
  }
  return app;
}

AnalyticsApp::AnalyticsApp(Store& store, Outbox& outbox, Clock& clock,
                           v1::AnalyticsConfig config, Options options)
    : store_(store),
      outbox_(outbox),
      clock_(clock),
      config_(std::move(config)),
      rules_(RulesFrom(config_)),
      options_(std::move(options)) {}

AnalyticsApp::~AnalyticsApp() { Stop(); }

void AnalyticsApp::MakeConsumers() {
  consumers_.clear();
  for (const v1::ProducerSubscription& p : options_.producers) {
    EventConsumer::Options o;
    o.name = absl::StrCat(kConsumerPrefix, p.name());
    o.target = p.address();
    o.channels = options_.channels;
    o.types.assign(p.event_types().begin(), p.event_types().end());
    o.token = options_.token;
    o.initial_backoff = options_.consumer_initial_backoff;
    if (options_.cursor_gauge) o.on_cursor = options_.cursor_gauge(o.name, p.name());
    if (options_.dead_letter_counter) {
      o.on_dead_letter = options_.dead_letter_counter(o.name, p.name());
    }
    consumers_[p.name()] = std::make_unique<EventConsumer>(
        store_, std::move(o),
        [this](const common::v1::Event& event, WriteSet& writes) {
          return HandleEvent(event, writes);
        });
  }
}

absl::Status AnalyticsApp::StartConsumers() {
  for (auto& [name, consumer] : consumers_) {
    if (absl::Status s = consumer->Start(); !s.ok()) {
      StopConsumers();
      return s;
    }
  }
  return absl::OkStatus();
}

void AnalyticsApp::StopConsumers() {
  for (auto& [name, consumer] : consumers_) consumer->Stop();
}

absl::Status AnalyticsApp::Start() {
  absl::MutexLock lock(&lifecycle_mu_);
  if (running_) return absl::OkStatus();
  RETURN_IF_ERROR(StartConsumers());
  running_ = true;
  return absl::OkStatus();
}

void AnalyticsApp::Stop() {
  absl::MutexLock lock(&lifecycle_mu_);
  if (!running_) return;
  StopConsumers();
  running_ = false;
}

bool AnalyticsApp::WaitForEvents(const std::string& producer,
                                 uint64_t sequence,
                                 absl::Duration timeout) const {
  EventConsumer* consumer = nullptr;
  {
    absl::MutexLock lock(&lifecycle_mu_);
    auto it = consumers_.find(producer);
    if (it == consumers_.end()) return false;
    consumer = it->second.get();
  }
  return consumer->WaitForCursor(sequence, timeout);
}

absl::Status AnalyticsApp::HandleEvent(const common::v1::Event& event,
                                       WriteSet& writes) {
  // Held until `writes` is written (or dropped) by the consumer.
  auto lock = std::make_shared<absl::MutexLock>(&state_mu_);
  writes.OnWritten([lock] {});
  StoreState state(store_, tickets_, buckets_, seen_, days_);
  std::set<std::string> touched;
  RETURN_IF_ERROR(ApplyEvent(rules_, event, state, &touched));

  // Alerts for every day the event touched.
  std::set<std::string> days;
  for (const std::string& key : touched) days.insert(CellOf(key).day());
  for (const std::string& day : days) {
    ASSIGN_OR_RETURN(v1::Bucket counters, state.DayCounters(day));
    v1::MetricsRow total = SummarizeCounters(counters);
    total.mutable_dimensions()->set_day(day);
    for (const v1::BreachLine& b : KpiAlerts(total, config_.alerts())) {
      const std::string key = absl::StrCat(day, "/", b.name());
      absl::StatusOr<std::string> done = store_.Get(alerts_, key);
      if (done.ok()) continue;
      if (!absl::IsNotFound(done.status())) return done.status();
      v1::KpiThresholdBreached breached;
      breached.set_kpi(b.name());
      breached.set_day(day);
      breached.set_value(b.value());
      breached.set_threshold(b.threshold());
      breached.set_volume(total.tickets());
      *breached.mutable_detect_time() = ToProtoTime(clock_.Now());
      writes.Put(alerts_, key, "");
      outbox_.Append(writes, absl::StrCat("kpis/", key), breached);
    }
  }
  RETURN_IF_ERROR(state.Flush(writes));
  if (options_.on_kpis) {
    writes.OnCommit([this](bool committed) {
      if (!committed) return;
      absl::StatusOr<v1::MetricsRow> today = Today();
      if (today.ok()) options_.on_kpis(*today);
    });
  }
  return absl::OkStatus();
}

absl::StatusOr<std::map<std::string, v1::Bucket>> AnalyticsApp::Cells(
    const std::string& first_day, const std::string& last_day) const {
  return ScanCells(store_, buckets_, first_day, last_day);
}

absl::StatusOr<v1::MetricsRow> AnalyticsApp::Today() const {
  const std::string today = ShanghaiDay(clock_.Now());
  v1::Bucket counters;
  absl::Status s = store_.GetProto(days_, today, &counters);
  if (!absl::IsNotFound(s)) RETURN_IF_ERROR(s);
  v1::MetricsRow row = SummarizeCounters(counters);
  row.mutable_dimensions()->set_day(today);
  return row;
}

absl::StatusOr<v1::GetMetricsResponse> AnalyticsApp::GetMetrics(
    const v1::GetMetricsRequest& req) const {
  ASSIGN_OR_RETURN(auto days, RequestDays(req.start_date(), req.end_date()));
  RETURN_IF_ERROR(ValidateFilters(req.filters()));
  const std::string& end = days.second;
  ASSIGN_OR_RETURN(auto cells, Cells(req.start_date(), end));
  std::vector<std::string> group_by(req.group_by().begin(),
                                    req.group_by().end());
  ASSIGN_OR_RETURN(std::vector<v1::MetricsRow> rows,
                   GroupCells(cells, group_by, req.filters()));
  v1::GetMetricsResponse out;
  for (auto& r : rows) *out.add_rows() = std::move(r);
  return out;
}

absl::StatusOr<v1::DailyReport> AnalyticsApp::GetDailyReport(
    const v1::GetDailyReportRequest& req) const {
  ASSIGN_OR_RETURN(absl::Time day, ParseDay(req.date()));
  // Two weeks, for the week-over-week rising issues.
  ASSIGN_OR_RETURN(auto cells,
                   Cells(ShanghaiDay(day - absl::Hours(24 * 13)), req.date()));
  return BuildDailyReport(req.date(), cells, config_);
}

absl::StatusOr<v1::MonthlyReport> AnalyticsApp::GetMonthlyReport(
    const v1::GetMonthlyReportRequest& req) const {
  ASSIGN_OR_RETURN(auto days, MonthDays(req.month()));
  ASSIGN_OR_RETURN(absl::Time first, ParseDay(days.first));
  // The previous week may start in the month before (short Februaries).
  ASSIGN_OR_RETURN(auto cells,
                   Cells(ShanghaiDay(first - absl::Hours(24 * 14)),
                         days.second));
  return BuildMonthlyReport(req.month(), cells, config_);
}

absl::StatusOr<v1::AgentScorecard> AnalyticsApp::GetAgentScorecard(
    const v1::GetAgentScorecardRequest& req) const {
  ASSIGN_OR_RETURN(auto days, RequestDays(req.start_date(), req.end_date()));
  const std::string& end = days.second;
  ASSIGN_OR_RETURN(auto cells, Cells(req.start_date(), end));
  ASSIGN_OR_RETURN(v1::AgentScorecard card,
                   BuildAgentScorecard(req.agent(), cells, config_.scorecard()));
  card.set_start_date(req.start_date());
  card.set_end_date(end);
  return card;
}

absl::Status AnalyticsApp::Rebuild() {
  absl::MutexLock lifecycle(&lifecycle_mu_);
  const bool was_running = running_;
  if (was_running) StopConsumers();
  {
    absl::MutexLock lock(&state_mu_);
    WriteSet writes;
    writes.DeleteRange(tickets_, "", kEndKey);
    writes.DeleteRange(buckets_, "", kEndKey);
    writes.DeleteRange(seen_, "", kEndKey);
    writes.DeleteRange(days_, "", kEndKey);
    // The consumers' cursors ("cursor/<consumer name>", libs/events).
    writes.DeleteRange(cursors_, absl::StrCat("cursor/", kConsumerPrefix),
                       absl::StrCat("cursor/", kConsumerPrefix, kEndKey));
    RETURN_IF_ERROR(store_.Commit(writes));
  }
  Log(LogLevel::kInfo, "analytics", "aggregates dropped; replaying from 0");
  MakeConsumers();
  if (was_running) {
    if (absl::Status s = StartConsumers(); !s.ok()) {
      running_ = false;
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace cs::analytics
