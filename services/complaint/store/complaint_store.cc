#include "services/complaint/store/complaint_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/common/status_macros.h"

namespace cs::complaint {

std::vector<std::string> ComplaintColumnFamilies() {
  return {std::string(kComplaintsFamily), std::string(kCommandsFamily)};
}

absl::StatusOr<std::unique_ptr<ComplaintStore>> ComplaintStore::Open(
    Store& store) {
  std::unique_ptr<ComplaintStore> out(new ComplaintStore(store));
  ASSIGN_OR_RETURN(out->complaints_, store.Family(kComplaintsFamily));
  ASSIGN_OR_RETURN(out->commands_, store.Family(kCommandsFamily));
  return out;
}

absl::StatusOr<std::optional<v1::Complaint>> ComplaintStore::Get(
    absl::string_view id) const {
  v1::Complaint record;
  absl::Status status = store_.GetProto(complaints_, id, &record);
  if (absl::IsNotFound(status)) return std::nullopt;
  RETURN_IF_ERROR(status);
  return record;
}

void ComplaintStore::Put(WriteSet& writes, absl::string_view id,
                         const v1::Complaint& record) const {
  writes.PutProto(complaints_, id, record);
}

void ComplaintStore::PutCommand(WriteSet& writes, absl::string_view id,
                                int64_t sequence,
                                const v1::PendingCommand& command) const {
  writes.PutProto(commands_, absl::StrFormat("%s/%08d", id, sequence),
                  command);
}

absl::Status ComplaintStore::Scan(
    absl::string_view after,
    const std::function<bool(const std::string&, const v1::Complaint&)>& visit)
    const {
  const std::string start =
      after.empty() ? "" : absl::StrCat(after, std::string(1, '\0'));
  absl::Status parse_error;
  RETURN_IF_ERROR(store_.Scan(
      complaints_, start, "", 0,
      [&](absl::string_view key, absl::string_view value) {
        v1::Complaint record;
        if (!record.ParseFromArray(value.data(),
                                   static_cast<int>(value.size()))) {
          parse_error = absl::DataLossError(
              absl::StrCat("stored complaint ", key, " does not parse"));
          return false;
        }
        return visit(std::string(key), record);
      }));
  return parse_error;
}

}  // namespace cs::complaint
