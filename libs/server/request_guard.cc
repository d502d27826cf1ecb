#include "libs/server/request_guard.h"

#include <memory>
#include <new>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "grpc/byte_buffer.h"
#include "grpc/byte_buffer_reader.h"
#include "grpc/grpc.h"
#include "grpc/slice.h"
#include "grpcpp/impl/rpc_service_method.h"
#include "grpcpp/support/message_allocator.h"

namespace cs {
namespace {

using google::protobuf::Descriptor;

thread_local const absl::Status* current_malformed = nullptr;


std::string ReadAll(grpc_byte_buffer* buffer) {
  grpc_byte_buffer_reader reader;
  if (!grpc_byte_buffer_reader_init(&reader, buffer)) return std::string();
  grpc_slice slice = grpc_byte_buffer_reader_readall(&reader);
  std::string out(reinterpret_cast<const char*>(GRPC_SLICE_START_PTR(slice)),
                  GRPC_SLICE_LENGTH(slice));
  grpc_slice_unref(slice);
  grpc_byte_buffer_reader_destroy(&reader);
  return out;
}

// A callback unary handler's per-call state is a grpc::MessageHolder in the
// call's arena (gRPC frees the memory with the call). After a refused parse
// gRPC never releases it, so the partly parsed request's heap parts are
// freed here, through the virtual destructor of its only base.
void DiscardRefusedMessages(void* holder) {
  if (holder != nullptr) {
    static_cast<grpc::RpcAllocatorState*>(holder)->~RpcAllocatorState();
  }
}

// What Deserialize hands to RunHandler through the handler-data slot.
struct Carry {
  void* inner_data = nullptr;
  absl::Status malformed;
};

class GuardedHandler : public grpc::internal::MethodHandler {
 public:
  // Keeps `original` (and so its handler) alive and delegates to it.
  GuardedHandler(std::unique_ptr<grpc::internal::RpcServiceMethod> original,
                 const Descriptor& type)
      : original_(std::move(original)),
        inner_(original_->handler()),
        type_(type) {}

  void* Deserialize(grpc_call* call, grpc_byte_buffer* request,
                    grpc::Status* status, void** handler_data) override {
    auto* carry = new (grpc_call_arena_alloc(call, sizeof(Carry))) Carry();
    *handler_data = carry;
    if (request == nullptr) {
      return inner_->Deserialize(call, request, status, &carry->inner_data);
    }
    // Parsing consumes (destroys) the buffer it is given; a copy sharing its
    // slices keeps the bytes to explain a refusal. A good request is parsed
    // once, by gRPC's own handler.
    grpc_byte_buffer* kept = grpc_byte_buffer_copy(request);
    void* parsed =
        inner_->Deserialize(call, request, status, &carry->inner_data);
    if (status->ok()) {
      grpc_byte_buffer_destroy(kept);
      return parsed;
    }
    DiscardRefusedMessages(carry->inner_data);
    carry->malformed = ExplainRefusedRequest(ReadAll(kept), type_);
    grpc_byte_buffer_destroy(kept);
    // An empty request always parses; the handler learns why it is empty.
    *status = grpc::Status::OK;
    return inner_->Deserialize(call, grpc_raw_byte_buffer_create(nullptr, 0),
                               status, &carry->inner_data);
  }

  void RunHandler(const HandlerParameter& param) override {
    auto* carry = static_cast<Carry*>(param.internal_data);
    if (carry == nullptr) {  // no payload: gRPC's own behaviour
      inner_->RunHandler(param);
      return;
    }
    HandlerParameter inner(param.call, param.server_context, param.request,
                           param.status, carry->inner_data,
                           param.call_requester);
    // The method's reactor is created synchronously inside RunHandler.
    current_malformed = carry->malformed.ok() ? nullptr : &carry->malformed;
    inner_->RunHandler(inner);
    current_malformed = nullptr;
    carry->~Carry();  // arena memory is freed with the call
  }

 private:
  std::unique_ptr<grpc::internal::RpcServiceMethod> original_;
  grpc::internal::MethodHandler* const inner_;
  const Descriptor& type_;
};

// grpc::Service keeps its methods private and offers no way to wrap a
// handler. Explicit instantiation of a template is exempt from access checks
// (C++17 [temp.explicit]/12), which lets the member pointer out once.
using MethodList = std::vector<std::unique_ptr<grpc::internal::RpcServiceMethod>>;
MethodList grpc::Service::*ServiceMethodsMember();

template <MethodList grpc::Service::*kMember>
struct ServiceMethodsAccess {
  friend MethodList grpc::Service::*ServiceMethodsMember() { return kMember; }
};
template struct ServiceMethodsAccess<&grpc::Service::methods_>;

}  // namespace

const absl::Status* MalformedRequest() { return current_malformed; }

std::string ServiceFullName(const grpc::Service& service) {
  for (const auto& method : service.*ServiceMethodsMember()) {
    if (method == nullptr || method->name() == nullptr) continue;
    // "/pkg.Service/Method" → "pkg.Service"
    absl::string_view name = method->name();
    absl::ConsumePrefix(&name, "/");
    return std::string(name.substr(0, name.find('/')));
  }
  return "";
}

void GuardRequestParsing(grpc::Service& service) {
  for (auto& method : service.*ServiceMethodsMember()) {
    if (method == nullptr || method->handler() == nullptr ||
        method->method_type() != grpc::internal::RpcMethod::NORMAL_RPC ||
        method->api_type() !=
            grpc::internal::RpcServiceMethod::ApiType::CALL_BACK) {
      continue;
    }
    // "/pkg.Service/Method" → "pkg.Service.Method"
    std::string name = method->name();
    if (!name.empty() && name[0] == '/') name.erase(0, 1);
    name = absl::StrReplaceAll(name, {{"/", "."}});
    const google::protobuf::MethodDescriptor* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
            name);
    if (descriptor == nullptr) continue;
    // A method cannot give up its handler, so the guard takes over the whole
    // method and a new one with the guard takes its place.
    const char* method_name = method->name();
    const grpc::internal::RpcMethod::RpcType type = method->method_type();
    auto* guarded =
        new GuardedHandler(std::move(method), *descriptor->input_type());
    method = std::make_unique<grpc::internal::RpcServiceMethod>(
        method_name, type, guarded);
    method->SetServerApiType(
        grpc::internal::RpcServiceMethod::ApiType::CALL_BACK);
  }
}

}  // namespace cs
