// gRPC glue of cs.analytics.v1.AnalyticsService: each handler authenticates
// the caller with the role group of its RPC and forwards to AnalyticsApp on
// the bounded executor (cs::ServeUnary). Also the KPI gauges.
//
//   KpiGauges gauges(host->metrics().registry());
//   options.on_kpis = [&gauges](const v1::MetricsRow& r) { gauges.Set(r); };
//   AnalyticsGrpcService service(*host, *app);
//   host->RegisterService(&service);
//
// `host` and `app` must outlive the service. Thread-safe.
#ifndef CS_SERVICES_ANALYTICS_GRPC_ANALYTICS_GRPC_SERVICE_H_
#define CS_SERVICES_ANALYTICS_GRPC_ANALYTICS_GRPC_SERVICE_H_

#include "cs/analytics/v1/analytics.grpc.pb.h"
#include "libs/server/service_host.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"
#include "services/analytics/service/analytics_app.h"

namespace cs::analytics {

// Today's (Asia/Shanghai) KPIs as Prometheus gauges, the names the alert
// rules in deploy/prometheus/rules expect:
//   cs_kpi_on_time_response_ratio, cs_kpi_first_contact_resolution_ratio,
//   cs_kpi_csat_ratio, cs_kpi_nps, cs_kpi_complaint_ratio,
//   cs_kpi_customer_wait_seconds, cs_kpi_tickets (volume of the day).
// An undefined KPI (zero denominator: no tickets, no ratings, no NPS
// answers, no waited ticket) reads NaN, Prometheus' "no value": never a
// perfect score on dashboards, and since every comparison with NaN is false
// an empty morning raises no threshold alert either. cs_kpi_tickets is
// always a number. Thread-safe.
class KpiGauges {
 public:
  explicit KpiGauges(prometheus::Registry& registry);
  void Set(const v1::MetricsRow& today);

 private:
  prometheus::Gauge* on_time_;
  prometheus::Gauge* fcr_;
  prometheus::Gauge* csat_;
  prometheus::Gauge* nps_;
  prometheus::Gauge* complaint_;
  prometheus::Gauge* wait_;
  prometheus::Gauge* tickets_;
};

class AnalyticsGrpcService final
    : public v1::AnalyticsService::CallbackService {
 public:
  AnalyticsGrpcService(ServiceHost& host, AnalyticsApp& app)
      : host_(host), app_(app) {}

  using Context = grpc::CallbackServerContext;
  using Reactor = grpc::ServerUnaryReactor;

  Reactor* GetMetrics(Context* ctx, const v1::GetMetricsRequest* request,
                      v1::GetMetricsResponse* response) override;
  Reactor* GetDailyReport(Context* ctx,
                          const v1::GetDailyReportRequest* request,
                          v1::DailyReport* response) override;
  Reactor* GetMonthlyReport(Context* ctx,
                            const v1::GetMonthlyReportRequest* request,
                            v1::MonthlyReport* response) override;
  Reactor* GetAgentScorecard(Context* ctx,
                             const v1::GetAgentScorecardRequest* request,
                             v1::AgentScorecard* response) override;
  Reactor* RebuildAggregates(Context* ctx,
                             const v1::RebuildAggregatesRequest* request,
                             v1::RebuildAggregatesResponse* response) override;

 private:
  ServiceHost& host_;
  AnalyticsApp& app_;
};

}  // namespace cs::analytics

#endif  // CS_SERVICES_ANALYTICS_GRPC_ANALYTICS_GRPC_SERVICE_H_
