#include "tools/csctl/csv.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/common/utf8.h"

namespace cs::csctl {
namespace {

constexpr absl::string_view kBom = "\xEF\xBB\xBF";

enum class State { kFieldStart, kUnquoted, kQuoted, kAfterQuote };

// Builds records one character at a time; see ParseCsv for the grammar.
class Splitter {
 public:
  absl::StatusOr<std::vector<CsvRecord>> Run(absl::string_view text) {
    if (absl::StartsWith(text, kBom)) text.remove_prefix(kBom.size());
    for (size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      const bool newline = c == '\n' || c == '\r';
      // CRLF is one line break.
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (state_ == State::kQuoted) {
        if (c == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field_ += '"';
            ++i;
          } else {
            state_ = State::kAfterQuote;
          }
        } else {
          field_ += c;
          if (c == '\r' && text[i] == '\n') field_ += '\n';
          if (newline) ++line_;
        }
        continue;
      }
      if (newline) {
        EndRecord();
        ++line_;
        continue;
      }
      if (c == ',') {
        EndField();
        continue;
      }
      if (c == '"') {
        if (state_ == State::kFieldStart) {
          state_ = State::kQuoted;
          quoted_ = true;
          continue;
        }
        Fail(state_ == State::kAfterQuote
                 ? "a quote after a quoted field's closing quote (write "
                   "\"\" for a quote inside quotes)"
                 : "a quote inside an unquoted field (quote the whole field "
                   "and write \"\" for the quote)");
      } else if (state_ == State::kAfterQuote) {
        Fail("text after a quoted field's closing quote");
      }
      field_ += c;
      if (state_ == State::kFieldStart) state_ = State::kUnquoted;
    }
    if (state_ == State::kQuoted) {
      return absl::InvalidArgumentError(absl::StrCat(
          "line ", record_line_,
          ": a quoted field is never closed (missing '\"')"));
    }
    EndRecord();
    return std::move(records_);
  }

 private:
  void Fail(absl::string_view why) {
    if (record_.error.ok()) {
      record_.error_field = record_.fields.size();
      record_.error = absl::InvalidArgumentError(
          absl::StrCat("field ", record_.fields.size() + 1, ": ", why));
    }
  }

  void EndField() {
    if (!IsValidUtf8(field_)) Fail("not valid UTF-8 (save the file as UTF-8)");
    record_.fields.push_back(std::move(field_));
    field_.clear();
    state_ = State::kFieldStart;
  }

  void EndRecord() {
    const bool blank = record_.fields.empty() && field_.empty() && !quoted_ &&
                       state_ == State::kFieldStart;
    if (!blank) {
      EndField();
      record_.line = record_line_;
      records_.push_back(std::move(record_));
    }
    record_ = CsvRecord();
    field_.clear();
    quoted_ = false;
    state_ = State::kFieldStart;
    record_line_ = line_ + 1;
  }

  std::vector<CsvRecord> records_;
  CsvRecord record_;
  std::string field_;
  State state_ = State::kFieldStart;
  bool quoted_ = false;  // the current record has a quoted field
  int line_ = 1;         // physical line of the current character
  int record_line_ = 1;  // where the current record started
};

}  // namespace

absl::StatusOr<std::vector<CsvRecord>> ParseCsv(absl::string_view text) {
  return Splitter().Run(text);
}

}  // namespace cs::csctl
