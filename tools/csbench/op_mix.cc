#include "tools/csbench/op_mix.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace cs::csbench {
namespace {

constexpr uint32_t kMaxWeight = 1000000;

constexpr std::array<absl::string_view, kOpCount> kNames = {
    "create", "get", "list", "reply", "echo", "kb_search", "complaint_file"};

}  // namespace

absl::string_view OpName(Op op) { return kNames[static_cast<int>(op)]; }

absl::StatusOr<OpMix> OpMix::Parse(absl::string_view text) {
  OpMix mix;
  std::array<bool, kOpCount> seen{};
  for (absl::string_view raw : absl::StrSplit(text, ',')) {
    absl::string_view item = absl::StripAsciiWhitespace(raw);
    if (item.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--ops: empty item in \"", text, "\""));
    }
    std::pair<absl::string_view, absl::string_view> parts =
        absl::StrSplit(item, absl::MaxSplits('=', 1));
    absl::string_view name = absl::StripAsciiWhitespace(parts.first);
    int index = -1;
    for (int i = 0; i < kOpCount; ++i) {
      if (kNames[i] == name) index = i;
    }
    if (index < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--ops: unknown operation \"", name,
                       "\" (known: ", absl::StrJoin(kNames, ", "), ")"));
    }
    if (seen[index]) {
      return absl::InvalidArgumentError(
          absl::StrCat("--ops: \"", name, "\" given twice"));
    }
    seen[index] = true;
    uint32_t weight = 1;
    if (item.find('=') != absl::string_view::npos) {
      absl::string_view digits = absl::StripAsciiWhitespace(parts.second);
      if (digits.empty() || digits[0] == '-' || digits[0] == '+' ||
          !absl::SimpleAtoi(digits, &weight) || weight > kMaxWeight) {
        return absl::InvalidArgumentError(
            absl::StrCat("--ops: weight of \"", name,
                         "\" must be an integer "
                         "0..",
                         kMaxWeight, ", got \"", parts.second, "\""));
      }
    }
    mix.weights_[index] = weight;
    mix.total_ += weight;
  }
  if (mix.total_ == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--ops: no operation has a weight above 0 in \"", text, "\""));
  }
  if (mix.uses(Op::kEcho) && mix.weight(Op::kEcho) != mix.total_) {
    return absl::InvalidArgumentError(
        "--ops: echo targets an echo server and cannot be mixed with other "
        "operations");
  }
  return mix;
}

Op OpMix::Pick(uint64_t random) const {
  // Scale into [0, total) without modulo bias: the high 64 bits of the
  // 128-bit product random * total.
  const uint64_t point = static_cast<uint64_t>(
      (static_cast<unsigned __int128>(random) * total_) >> 64);
  uint64_t cumulative = 0;
  for (int i = 0; i < kOpCount; ++i) {
    cumulative += weights_[i];
    if (point < cumulative) return static_cast<Op>(i);
  }
  return Op::kCreate;  // not reached when total_ > 0
}

std::vector<Op> OpMix::ops() const {
  std::vector<Op> result;
  for (int i = 0; i < kOpCount; ++i) {
    if (weights_[i] > 0) result.push_back(static_cast<Op>(i));
  }
  return result;
}

std::string OpMix::ToString() const {
  std::vector<std::string> items;
  for (Op op : ops()) {
    items.push_back(absl::StrCat(OpName(op), "=", weight(op)));
  }
  return absl::StrJoin(items, ",");
}

}  // namespace cs::csbench
