// Aligned plain-text tables for csctl's human-readable output.
//
// Column widths are measured in terminal columns, not bytes: East Asian Wide
// and Fullwidth characters (Chinese, Japanese, Korean, fullwidth forms) take
// two columns, so a column holding "张三" lines up with one holding "bob".
//
//   cs::csctl::Table table({"SEQ", "TYPE", "SUBJECT"});
//   table.SetAlignment(0, cs::csctl::Table::kRight);
//   table.AddRow({"1", "TicketCreated", "工单/1"});
//   table.Print(std::cout);
//   // SEQ  TYPE           SUBJECT
//   //   1  TicketCreated  工单/1
//
// Not thread-safe; a Table is built and printed by one thread.
#ifndef CS_TOOLS_CSCTL_TABLE_H_
#define CS_TOOLS_CSCTL_TABLE_H_

#include <cstddef>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace cs::csctl {

// Number of terminal columns `utf8` occupies: 2 for East Asian Wide and
// Fullwidth code points (U+1100–115F, U+2E80–A4CF, U+AC00–D7A3, U+F900–FAFF,
// U+FE30–FE4F, U+FF00–FF60, U+FFE0–FFE6, U+20000–3FFFD), 0 for control
// characters, combining marks and zero-width characters, 1 otherwise. Each
// byte of an invalid UTF-8 sequence counts as one column. Never fails.
size_t DisplayWidth(absl::string_view utf8);

// `text` with every control character (tab, newline, ...) replaced by a
// space, so a cell can never break a table row.
std::string SanitizeCell(absl::string_view text);

class Table {
 public:
  enum Alignment { kLeft, kRight };

  // A table with one column per header. With `headers` empty there is no
  // header line and the widest row decides the number of columns.
  explicit Table(std::vector<std::string> headers);

  // Rows shorter than the table are padded with empty cells; extra cells are
  // kept and widen the table.
  void AddRow(std::vector<std::string> cells);
  void SetAlignment(size_t column, Alignment alignment);

  size_t row_count() const { return rows_.size(); }

  // Prints the header line (when there are headers) and every row, columns
  // separated by two spaces, no trailing spaces. A table without headers and
  // rows prints nothing.
  void Print(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<Alignment> alignments_;
};

// Prints "key  value" lines with the keys padded to one width (no header).
void PrintKeyValues(
    std::ostream& out,
    const std::vector<std::pair<std::string, std::string>>& pairs);

}  // namespace cs::csctl

#endif  // CS_TOOLS_CSCTL_TABLE_H_
