// File and List requests as the complaint server receives them: bytes →
// the request guard's wire check → protobuf parse → validation → the
// domain's NewComplaint and filter (no store). The guard and protobuf agree
// on what parses; nothing crashes; a FileRequest that validates becomes a
// RECEIVED complaint in round 1 carrying its description, and matching it
// against any valid List filter is defined.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "cs/complaint/v1/complaint.pb.h"
#include "fuzz/fuzz_input.h"
#include "fuzz/guarded_parse.h"
#include "services/complaint/domain/complaint_rules.h"

namespace v1 = cs::complaint::v1;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  v1::FileRequest file;
  const bool parsed = cs::fuzz::GuardedParse(bytes, file);
  v1::ListRequest list;
  const bool list_parsed = cs::fuzz::GuardedParse(bytes, list);
  if (!parsed || !cs::complaint::ValidateFile(file).ok()) return 0;

  const v1::Complaint complaint = cs::complaint::NewComplaint(
      file, "01J0000000000000000000FUZZ", "service:ivr",
      absl::FromUnixSeconds(1795000000));
  FUZZ_CHECK(complaint.stage() == v1::COMPLAINT_STAGE_RECEIVED);
  FUZZ_CHECK(complaint.rounds_size() == 1);
  FUZZ_CHECK(complaint.description() == file.complaint().description());
  FUZZ_CHECK(complaint.severity() == file.complaint().severity());
  if (list_parsed && cs::complaint::ValidateList(list).ok()) {
    (void)cs::complaint::Matches(complaint, list);
  }
  return 0;
}
