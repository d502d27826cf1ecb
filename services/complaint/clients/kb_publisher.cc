#include "services/complaint/clients/kb_publisher.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"
#include "libs/common/grpc_status.h"
#include "libs/common/status_macros.h"

namespace cs::complaint {

GrpcKbPublisher::GrpcKbPublisher(std::shared_ptr<grpc::ChannelInterface> kb,
                                 std::function<std::string()> token,
                                 absl::Duration timeout)
    : stub_(kb::v1::KnowledgeBaseService::NewStub(std::move(kb))),
      token_(std::move(token)),
      timeout_(timeout) {}

std::unique_ptr<grpc::ClientContext> GrpcKbPublisher::Context() const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  context->AddMetadata("authorization", absl::StrCat("Bearer ", token_()));
  return context;
}

absl::StatusOr<std::string> GrpcKbPublisher::EnsureCategory(
    const google::protobuf::RepeatedPtrField<std::string>& path) {
  if (path.empty()) return absl::InvalidArgumentError("empty category path");
  std::string parent;
  for (const std::string& display_name : path) {
    // Listed afresh per level: another publisher may have created it
    // meanwhile (CreateCategory then answers ALREADY_EXISTS).
    kb::v1::ListCategoriesResponse all;
    RETURN_IF_ERROR(FromGrpcStatus(stub_->ListCategories(
        Context().get(), kb::v1::ListCategoriesRequest(), &all)));
    std::string found;
    for (const kb::v1::Category& c : all.categories()) {
      if (c.parent() == parent && c.display_name() == display_name) {
        found = c.name();
      }
    }
    if (found.empty()) {
      kb::v1::CreateCategoryRequest create;
      create.set_parent(parent);
      create.set_display_name(display_name);
      kb::v1::Category created;
      absl::Status status = FromGrpcStatus(
          stub_->CreateCategory(Context().get(), create, &created));
      // Lost a race: retried as a whole by the sender, which then finds it.
      if (absl::IsAlreadyExists(status)) {
        return absl::UnavailableError(status.message());
      }
      RETURN_IF_ERROR(status);
      found = created.name();
    }
    parent = found;
  }
  return parent;
}

absl::StatusOr<std::string> GrpcKbPublisher::Publish(
    const v1::PublishCase& command) {
  ASSIGN_OR_RETURN(std::string category,
                   EnsureCategory(command.category_path()));
  kb::v1::CreateArticleRequest request = command.request();
  request.mutable_content()->set_category(category);
  kb::v1::Article article;
  RETURN_IF_ERROR(
      FromGrpcStatus(stub_->CreateArticle(Context().get(), request, &article)));
  return article.name();
}

}  // namespace cs::complaint
