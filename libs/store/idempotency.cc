#include "libs/store/idempotency.h"

#include "absl/strings/str_cat.h"

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

}  // namespace cs
