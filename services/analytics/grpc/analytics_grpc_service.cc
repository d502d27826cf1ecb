#include "services/analytics/grpc/analytics_grpc_service.h"

#include <limits>

#include "libs/auth/principal.h"
#include "libs/common/status_macros.h"
#include "libs/server/unary.h"

namespace cs::analytics {
namespace {

prometheus::Gauge* Gauge(prometheus::Registry& registry, const char* name,
                         const char* help) {
  return &prometheus::BuildGauge().Name(name).Help(help).Register(registry).Add(
      {});
}

constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

// -1 (zero denominator) → NaN.
double OrNaN(double v) { return v < 0 ? kNoValue : v; }

}  // namespace

KpiGauges::KpiGauges(prometheus::Registry& registry)
    : on_time_(Gauge(registry, "cs_kpi_on_time_response_ratio",
                     "Today's on-time first-response rate (Asia/Shanghai)")),
      fcr_(Gauge(registry, "cs_kpi_first_contact_resolution_ratio",
                 "Today's first-contact resolution rate")),
      csat_(Gauge(registry, "cs_kpi_csat_ratio",
                  "Today's CSAT: ratings 4-5 over all 1-5 ratings")),
      nps_(Gauge(registry, "cs_kpi_nps", "Today's net promoter score")),
      complaint_(Gauge(registry, "cs_kpi_complaint_ratio",
                       "Today's complaints over tickets")),
      wait_(Gauge(registry, "cs_kpi_customer_wait_seconds",
                  "Today's customer wait time (phone and online mean)")),
      tickets_(Gauge(registry, "cs_kpi_tickets", "Tickets created today")) {
  Set(Summarize(v1::Bucket(), v1::Bucket(), v1::Bucket()));
}

void KpiGauges::Set(const v1::MetricsRow& r) {
  on_time_->Set(OrNaN(r.on_time_response_rate()));
  fcr_->Set(OrNaN(r.first_contact_resolution_rate()));
  csat_->Set(OrNaN(r.csat()));
  // NPS ranges over [-100, 100]: undefined by its answer count, not by -1.
  nps_->Set(r.nps_responses() == 0 ? kNoValue : r.nps());
  complaint_->Set(OrNaN(r.complaint_rate()));
  wait_->Set(OrNaN(r.customer_wait_seconds()));
  tickets_->Set(static_cast<double>(r.tickets()));
}

grpc::ServerUnaryReactor* AnalyticsGrpcService::GetMetrics(
    Context* ctx, const v1::GetMetricsRequest* request,
    v1::GetMetricsResponse* response) {
  return ServeUnary(ctx, host_.executor(), [=]() -> absl::Status {
    ASSIGN_OR_RETURN(auth::Principal principal,
                     host_.Authorize(*ctx, AnalyticsApp::kReaders));
    (void)principal;
    ASSIGN_OR_RETURN(*response, app_.GetMetrics(*request));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AnalyticsGrpcService::GetDailyReport(
    Context* ctx, const v1::GetDailyReportRequest* request,
    v1::DailyReport* response) {
  return ServeUnary(ctx, host_.executor(), [=]() -> absl::Status {
    ASSIGN_OR_RETURN(auth::Principal principal,
                     host_.Authorize(*ctx, AnalyticsApp::kReaders));
    (void)principal;
    ASSIGN_OR_RETURN(*response, app_.GetDailyReport(*request));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AnalyticsGrpcService::GetMonthlyReport(
    Context* ctx, const v1::GetMonthlyReportRequest* request,
    v1::MonthlyReport* response) {
  return ServeUnary(ctx, host_.executor(), [=]() -> absl::Status {
    ASSIGN_OR_RETURN(auth::Principal principal,
                     host_.Authorize(*ctx, AnalyticsApp::kReaders));
    (void)principal;
    ASSIGN_OR_RETURN(*response, app_.GetMonthlyReport(*request));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AnalyticsGrpcService::GetAgentScorecard(
    Context* ctx, const v1::GetAgentScorecardRequest* request,
    v1::AgentScorecard* response) {
  return ServeUnary(ctx, host_.executor(), [=]() -> absl::Status {
    ASSIGN_OR_RETURN(auth::Principal principal,
                     host_.Authorize(*ctx, AnalyticsApp::kReaders));
    (void)principal;
    ASSIGN_OR_RETURN(*response, app_.GetAgentScorecard(*request));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AnalyticsGrpcService::RebuildAggregates(
    Context* ctx, const v1::RebuildAggregatesRequest* request,
    v1::RebuildAggregatesResponse* response) {
  (void)request;
  (void)response;
  return ServeUnary(ctx, host_.executor(), [=]() -> absl::Status {
    ASSIGN_OR_RETURN(auth::Principal principal,
                     host_.Authorize(*ctx, AnalyticsApp::kAdmins));
    (void)principal;
    return app_.Rebuild();
  });
}

}  // namespace cs::analytics
