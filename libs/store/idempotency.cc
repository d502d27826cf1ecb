#include "libs/store/idempotency.h"

#include "absl/strings/str_cat.h"
#include "libs/common/errors.h"
#include "libs/common/fingerprint.h"

namespace cs {
namespace {

std::string IdempotencyKey(absl::string_view scope,
                           absl::string_view request_id) {
  return absl::StrCat(scope, absl::string_view("\0", 1), request_id);
}

ColumnFamily IdempotencyFamily(const Store& store) {
  // Every store opens this family, so the lookup cannot fail.
  return *store.Family(Store::kIdempotencyFamily);
}

}  // namespace

absl::StatusOr<std::optional<std::string>> FindIdempotentResult(
    const Store& store, absl::string_view scope, absl::string_view request_id) {
  absl::StatusOr<std::string> value =
      store.Get(IdempotencyFamily(store), IdempotencyKey(scope, request_id));
  if (absl::IsNotFound(value.status())) return std::nullopt;
  if (!value.ok()) return value.status();
  return std::optional<std::string>(*std::move(value));
}

void RecordIdempotentResult(const Store& store, WriteSet& writes,
                            absl::string_view scope,
                            absl::string_view request_id,
                            absl::string_view result) {
  writes.Put(IdempotencyFamily(store), IdempotencyKey(scope, request_id),
             result);
}

void RecordIdempotentResult(const Store& store, WriteSet& writes,
                            absl::string_view scope,
                            absl::string_view request_id,
                            absl::string_view result,
                            absl::string_view fingerprint) {
  RecordIdempotentResult(
      store, writes, scope, request_id,
      absl::StrCat(result, absl::string_view("\0", 1), fingerprint));
}

absl::StatusOr<std::optional<std::string>> FindIdempotentResult(
    const Store& store, absl::string_view scope, absl::string_view request_id,
    absl::string_view fingerprint) {
  absl::StatusOr<std::optional<std::string>> record =
      FindIdempotentResult(store, scope, request_id);
  if (!record.ok() || !record->has_value()) return record;
  std::string& value = **record;
  const size_t separator = value.find('\0');
  // A record without a fingerprint predates them: it cannot be checked.
  if (separator == std::string::npos) return record;
  if (absl::string_view(value).substr(separator + 1) != fingerprint) {
    return InvalidField("request_id",
                        "was already used for a different request");
  }
  value.resize(separator);
  return record;
}

std::string RequestFingerprint(const google::protobuf::Message& request) {
  return Sha256(DeterministicBytes(request));
}

}  // namespace cs
