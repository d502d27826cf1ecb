// The operation mix of a csbench load run: which RPCs to send and in what
// proportion, parsed from a flag such as
//
//   --ops=create=20,get=50,list=10,reply=20
//
// absl::StatusOr<cs::csbench::OpMix> mix = cs::csbench::OpMix::Parse(flag);
// Op op = mix->Pick(random_uint64);   // weighted choice, deterministic
//
// Names: create (CreateTicket), get (GetTicket), list (ListTickets), reply
// (AddReply), kb_search (cs.kb.v1 Search, on the knowledge-base server),
// complaint_file (cs.complaint.v1 File, on the complaint server), echo
// (cs.testing.v1.Echo, the raw-gRPC baseline; it targets an echo server, so
// it cannot be mixed with other operations).
// A bare name means weight 1 ("create,get" = "create=1,get=1").
// Immutable after Parse; thread-safe to share.
#ifndef CS_TOOLS_CSBENCH_OP_MIX_H_
#define CS_TOOLS_CSBENCH_OP_MIX_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cs::csbench {

enum class Op {
  kCreate = 0,
  kGet,
  kList,
  kReply,
  kEcho,
  kKbSearch,
  kComplaintFile,
};
inline constexpr int kOpCount = 7;

// "create", "get", ...; the flag name of `op`.
absl::string_view OpName(Op op);

class OpMix {
 public:
  // Parses "name[=weight],..." (weights are integers 0..1000000, whitespace
  // around items is ignored). INVALID_ARGUMENT naming the item for an
  // unknown name, a bad or repeated weight, an empty mix, all weights zero,
  // or echo mixed with other operations.
  static absl::StatusOr<OpMix> Parse(absl::string_view text);

  // The operation for a uniformly random 64-bit value: op i is chosen for a
  // fraction weight(i) / total of all values. Deterministic.
  Op Pick(uint64_t random) const;

  uint32_t weight(Op op) const { return weights_[static_cast<int>(op)]; }
  uint64_t total_weight() const { return total_; }
  bool uses(Op op) const { return weight(op) > 0; }
  // The operations with a non-zero weight, in enum order.
  std::vector<Op> ops() const;
  // Canonical text: "create=20,get=50" in enum order, zero weights omitted.
  std::string ToString() const;

 private:
  std::array<uint32_t, kOpCount> weights_{};
  uint64_t total_ = 0;
};

}  // namespace cs::csbench

#endif  // CS_TOOLS_CSBENCH_OP_MIX_H_
