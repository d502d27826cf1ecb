#include "services/escalation/store/escalation_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"

namespace cs::escalation {

std::vector<std::string> EscalationColumnFamilies() {
  return {std::string(kCasesFamily), std::string(kDedupFamily),
          std::string(kTimersFamily), std::string(kOpenCasesFamily)};
}

absl::StatusOr<std::unique_ptr<EscalationStore>> EscalationStore::Open(
    Store& store) {
  std::unique_ptr<EscalationStore> out(new EscalationStore(store));
  ASSIGN_OR_RETURN(out->cases_, store.Family(kCasesFamily));
  ASSIGN_OR_RETURN(out->dedup_, store.Family(kDedupFamily));
  ASSIGN_OR_RETURN(out->timers_, store.Family(kTimersFamily));
  ASSIGN_OR_RETURN(out->open_, store.Family(kOpenCasesFamily));
  RETURN_IF_ERROR(out->BuildOpenIndexOnce());
  return out;
}

absl::Status EscalationStore::BuildOpenIndexOnce() {
  absl::StatusOr<std::string> built = store_.Get(dedup_, kOpenIndexBuiltKey);
  if (built.ok()) return absl::OkStatus();
  if (!absl::IsNotFound(built.status())) return built.status();
  WriteSet writes;
  RETURN_IF_ERROR(ScanCases(
      "", [&](const std::string& id, const v1::EscalationCase& record) {
        if (record.state() != v1::CASE_STATE_CLOSED) writes.Put(open_, id, "");
        return true;
      }));
  writes.Put(dedup_, kOpenIndexBuiltKey, "");
  return store_.Commit(writes);
}

absl::StatusOr<std::optional<v1::EscalationCase>> EscalationStore::GetCase(
    absl::string_view case_id) const {
  v1::EscalationCase record;
  absl::Status status = store_.GetProto(cases_, case_id, &record);
  if (absl::IsNotFound(status)) return std::nullopt;
  RETURN_IF_ERROR(status);
  return record;
}

void EscalationStore::PutCase(WriteSet& writes, absl::string_view case_id,
                              const v1::EscalationCase& record) const {
  writes.PutProto(cases_, case_id, record);
  if (record.state() == v1::CASE_STATE_CLOSED) {
    writes.Delete(open_, case_id);
  } else {
    writes.Put(open_, case_id, "");
  }
}

absl::StatusOr<std::optional<std::string>> EscalationStore::CaseFor(
    absl::string_view dedup_key) const {
  absl::StatusOr<std::string> id = store_.Get(dedup_, dedup_key);
  if (absl::IsNotFound(id.status())) return std::nullopt;
  RETURN_IF_ERROR(id.status());
  return *std::move(id);
}

void EscalationStore::PutDedup(WriteSet& writes, absl::string_view dedup_key,
                               absl::string_view case_id) const {
  writes.Put(dedup_, dedup_key, case_id);
}

absl::Status EscalationStore::ScanCases(
    absl::string_view after,
    const std::function<bool(const std::string&, const v1::EscalationCase&)>&
        visit) const {
  v1::EscalationCase record;
  return store_.ScanProtos(
      cases_, ResumeAfter(after), "", 0, "case", &record,
      [&](absl::string_view key) { return visit(std::string(key), record); });
}

absl::Status EscalationStore::ScanOpenCases(
    absl::string_view after,
    const std::function<bool(const std::string&, const v1::EscalationCase&)>&
        visit) const {
  absl::Status failed;
  RETURN_IF_ERROR(store_.Scan(
      open_, ResumeAfter(after), "", 0,
      [&](absl::string_view key, absl::string_view) {
        const std::string id(key);
        absl::StatusOr<std::optional<v1::EscalationCase>> record = GetCase(id);
        if (!record.ok()) {
          failed = record.status();
          return false;
        }
        // Read apart from the index entry: the case may have closed since.
        if (!record->has_value() ||
            (*record)->state() == v1::CASE_STATE_CLOSED) {
          return true;
        }
        return visit(id, **record);
      }));
  return failed;
}

}  // namespace cs::escalation
