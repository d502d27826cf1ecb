#include "libs/audit/audit_log.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/common/errors.h"
#include "libs/common/ids.h"
#include "libs/common/page_token.h"
#include "libs/common/status_macros.h"
#include "libs/common/time_proto.h"

namespace cs {

AuditLog::AuditLog(Store& store, ColumnFamily family, AuditLogOptions options)
    : store_(store),
      family_(family),
      options_(std::move(options)),
      ids_(store, family) {}

absl::StatusOr<std::string> AuditLog::NewId(absl::Time now) {
  return ids_.Next(now);
}

absl::StatusOr<std::string> AuditLog::Stage(WriteSet& writes,
                                            AuditRecord record) {
  if (record.id().empty()) {
    ASSIGN_OR_RETURN(std::string id, NewId(FromProtoTime(record.time())));
    record.set_name(AuditRecordName(id));
    record.set_id(std::move(id));
  }
  writes.PutProto(family_, record.id(), record);
  return record.name();
}

absl::StatusOr<std::string> AuditLog::Commit(AuditRecord record) {
  WriteSet writes;
  ASSIGN_OR_RETURN(std::string name, Stage(writes, std::move(record)));
  RETURN_IF_ERROR(store_.Commit(writes));
  return name;
}

absl::StatusOr<ListAuditRecordsResponse> AuditLog::List(
    const ListAuditRecordsRequest& request, size_t max_scanned) const {
  RETURN_IF_ERROR(ValidateListAuditRecords(request, options_.check_resource,
                                           options_.actions));
  ListAuditRecordsRequest shape = request;
  shape.clear_page_size();
  shape.clear_page_token();
  const uint64_t fingerprint = QueryFingerprint(options_.list_name, shape);
  ASSIGN_OR_RETURN(std::string after,
                   DecodePageToken(request.page_token(), fingerprint));
  if (!after.empty() && !IsUlid(after)) {
    return InvalidField("page_token", "is not valid");
  }
  const AuditFilter filter = AuditFilterOf(request);
  const size_t page_size =
      static_cast<size_t>(EffectivePageSize(request.page_size()));
  max_scanned = std::max<size_t>(max_scanned, 1);
  ListAuditRecordsResponse response;
  size_t scanned = 0;
  bool more = false;
  std::string last_key;
  absl::Status parse_error;
  RETURN_IF_ERROR(store_.ScanReverse(
      family_, "", after, 0,
      [&](absl::string_view key, absl::string_view value) {
        if (static_cast<size_t>(response.audit_records_size()) >= page_size ||
            scanned >= max_scanned) {
          more = true;
          return false;
        }
        ++scanned;
        last_key = std::string(key);
        AuditRecord record;
        if (!record.ParseFromArray(value.data(),
                                   static_cast<int>(value.size()))) {
          parse_error = absl::DataLossError(
              absl::StrCat("audit record ", key, " does not parse"));
          return false;
        }
        if (options_.upgrade) options_.upgrade(record);
        if (AuditMatches(filter, record)) {
          *response.add_audit_records() = std::move(record);
        }
        return true;
      }));
  RETURN_IF_ERROR(parse_error);
  if (more) {
    response.set_next_page_token(EncodePageToken(last_key, fingerprint));
  }
  return response;
}

}  // namespace cs
