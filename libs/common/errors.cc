#include "libs/common/errors.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"

namespace cs {
namespace {

google::rpc::BadRequest BadRequestOf(const absl::Status& status) {
  google::rpc::BadRequest detail;
  if (auto payload = status.GetPayload(kBadRequestTypeUrl)) {
    detail.ParseFromString(std::string(*payload));
  }
  return detail;
}

}  // namespace

absl::Status InvalidField(absl::string_view field,
                          absl::string_view description) {
  return InvalidFields({{std::string(field), std::string(description)}});
}

absl::Status InvalidFields(const std::vector<FieldViolation>& violations) {
  if (violations.empty()) return absl::InternalError("no field violations");
  std::string message =
      absl::StrCat(violations[0].field, ": ", violations[0].description);
  if (violations.size() > 1) {
    absl::StrAppend(&message, " (and ", violations.size() - 1,
                    " more invalid field", violations.size() > 2 ? "s" : "",
                    ")");
  }
  google::rpc::BadRequest detail;
  for (const FieldViolation& v : violations) {
    auto* out = detail.add_field_violations();
    out->set_field(v.field);
    out->set_description(v.description);
  }
  absl::Status status(absl::StatusCode::kInvalidArgument, message);
  status.SetPayload(kBadRequestTypeUrl, absl::Cord(detail.SerializeAsString()));
  return status;
}

absl::Status WithErrorInfo(
    absl::Status status, absl::string_view reason,
    const std::vector<std::pair<std::string, std::string>>& metadata) {
  if (status.ok()) return status;
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(std::string(kErrorDomain));
  for (const auto& [key, value] : metadata) (*info.mutable_metadata())[key] = value;
  status.SetPayload(kErrorInfoTypeUrl, absl::Cord(info.SerializeAsString()));
  return status;
}

std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status) {
  std::vector<FieldViolation> out;
  const google::rpc::BadRequest detail = BadRequestOf(status);
  for (const auto& v : detail.field_violations()) {
    out.push_back({v.field(), v.description()});
  }
  return out;
}

std::string ErrorReasonOf(const absl::Status& status) {
  auto payload = status.GetPayload(kErrorInfoTypeUrl);
  if (!payload) return "";
  google::rpc::ErrorInfo info;
  info.ParseFromString(std::string(*payload));
  return info.reason();
}

}  // namespace cs
