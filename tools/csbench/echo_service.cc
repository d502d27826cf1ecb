#include "tools/csbench/echo_service.h"

#include <utility>

#include "libs/common/grpc_status.h"
#include "libs/server/unary.h"
#include "libs/store/write_set.h"

namespace cs::csbench {
namespace {

using ::cs::testing::v1::EchoRequest;
using ::cs::testing::v1::EchoResponse;

void Answer(const EchoRequest& request, EchoResponse& response) {
  response.set_payload(request.payload());
  response.set_text(request.text());
}

}  // namespace

absl::StatusOr<std::unique_ptr<EchoDurableLog>> EchoDurableLog::Open(
    const std::string& dir) {
  absl::StatusOr<std::unique_ptr<Store>> store =
      Store::Open({.path = dir, .column_families = {kFamily}, .sync = true});
  if (!store.ok()) return store.status();
  absl::StatusOr<ColumnFamily> family = (*store)->Family(kFamily);
  if (!family.ok()) return family.status();
  return std::unique_ptr<EchoDurableLog>(
      new EchoDurableLog(std::move(*store), *family));
}

EchoDurableLog::EchoDurableLog(std::unique_ptr<Store> store,
                               ColumnFamily family)
    : store_(std::move(store)),
      family_(family),
      commits_(*store_, CommitPipeline::Options{}) {}

EchoDurableLog::~EchoDurableLog() { commits_.Shutdown(); }

void EchoDurableLog::Append(const std::string& payload,
                            CommitPipeline::Done done) {
  WriteSet writes;
  writes.Put(family_, EncodeBigEndian64(next_key_.fetch_add(1)), payload);
  commits_.Submit(std::move(writes), std::move(done));
}

grpc::ServerUnaryReactor* EchoService::Echo(
    grpc::CallbackServerContext* context, const EchoRequest* request,
    EchoResponse* response) {
  if (durable_ != nullptr) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    durable_->Append(request->payload(),
                     [reactor, request, response](absl::Status durable) {
                       if (durable.ok()) Answer(*request, *response);
                       reactor->Finish(ToGrpcStatus(durable));
                     });
    return reactor;
  }
  if (executor_ != nullptr) {
    return ServeUnary(context, *executor_, [request, response] {
      Answer(*request, *response);
      return absl::OkStatus();
    });
  }
  Answer(*request, *response);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace cs::csbench
