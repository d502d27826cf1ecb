#include "tools/csctl/import_runner.h"

#include <algorithm>
#include <set>
#include <sstream>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "google/protobuf/struct.pb.h"
#include "libs/common/files.h"
#include "libs/common/fingerprint.h"
#include "libs/common/status_macros.h"
#include "tools/csctl/cli.h"
#include "tools/csctl/csv.h"
#include "tools/csctl/output.h"
#include "tools/csctl/table.h"

namespace cs::csctl {
namespace {

constexpr char kExternalId[] = "external_id";

std::string RequestIdFor(absl::string_view kind,
                         const std::map<std::string, std::string>& values) {
  std::string key(kind);
  auto external = values.find(kExternalId);
  if (external != values.end() && !external->second.empty()) {
    absl::StrAppend(&key, "\x1f", kExternalId, "=", external->second);
  } else {
    for (const auto& [column, value] : values) {  // sorted by column
      absl::StrAppend(&key, "\x1f", column, "=", value);
    }
  }
  return absl::StrCat("csv-",
                      absl::BytesToHexString(Sha256(key)).substr(0, 40));
}

// "CODE: message; field f: why" on one line.
std::string OneLineError(const absl::Status& status) {
  std::ostringstream text;
  PrintError(status, text);
  std::string line = absl::StrReplaceAll(
      absl::StripSuffix(absl::StripPrefix(text.str(), "error: "), "\n"),
      {{"\n  ", "; "}, {"\n", "; "}});
  return line;
}

// A malformed record's error, naming the column instead of the field's
// position when the header has one there.
absl::Status NamingTheColumn(const CsvRecord& record,
                             const std::vector<std::string>& columns) {
  const std::string position = absl::StrCat("field ", record.error_field + 1);
  absl::string_view why = record.error.message();
  if (record.error_field >= columns.size() ||
      !absl::ConsumePrefix(&why, absl::StrCat(position, ": "))) {
    return record.error;
  }
  return absl::Status(record.error.code(),
                      absl::StrCat("column ", columns[record.error_field], " (",
                                   position, "): ", why));
}

// Errors that are not about the row: the server is unreachable or the
// caller's token is refused.
bool IsSystemic(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsUnauthenticated(status) ||
         absl::IsDeadlineExceeded(status);
}

struct RowOutcome {
  int line = 0;
  std::string name;       // when imported
  int duplicate_of = 0;   // line of the identical earlier row
  absl::Status error;     // when failed (a reused external_id included)
};

// Which columns the header names, by position. Refuses unknown and missing
// columns so that nothing is written for a file meant for something else.
absl::StatusOr<std::vector<std::string>> MapHeader(const ImportSpec& spec,
                                                   const CsvRecord& header) {
  if (!header.error.ok()) {
    return UsageError(absl::StrCat("line ", header.line, " (header): ",
                                   header.error.message()));
  }
  std::set<std::string> known(spec.required_columns.begin(),
                              spec.required_columns.end());
  known.insert(spec.optional_columns.begin(), spec.optional_columns.end());
  known.insert(kExternalId);
  std::vector<std::string> columns;
  std::set<std::string> seen;
  for (const std::string& raw : header.fields) {
    std::string column(absl::StripAsciiWhitespace(raw));
    if (known.count(column) == 0) {
      return UsageError(absl::StrCat(
          "line ", header.line, ": unknown column \"", column,
          "\"; the columns of ", spec.kind, " are: ",
          absl::StrJoin(known, ", ")));
    }
    if (!seen.insert(column).second) {
      return UsageError(absl::StrCat("line ", header.line, ": column \"",
                                     column, "\" appears twice"));
    }
    columns.push_back(std::move(column));
  }
  for (const std::string& required : spec.required_columns) {
    if (seen.count(required) == 0) {
      return UsageError(absl::StrCat("line ", header.line,
                                     ": missing required column \"", required,
                                     "\""));
    }
  }
  return columns;
}

absl::Status PrintReport(CommandContext& context, const ImportSpec& spec,
                         const std::string& path,
                         const std::vector<RowOutcome>& outcomes) {
  size_t imported = 0, failed = 0, duplicates = 0;
  for (const RowOutcome& o : outcomes) {
    if (!o.error.ok()) {
      ++failed;
    } else if (o.duplicate_of > 0) {
      ++duplicates;
    } else {
      ++imported;
    }
  }
  if (context.options().json) {
    google::protobuf::Struct summary;
    auto& fields = *summary.mutable_fields();
    fields["file"].set_string_value(path);
    fields["kind"].set_string_value(spec.kind);
    fields["rows"].set_number_value(outcomes.size());
    fields["imported"].set_number_value(imported);
    fields["duplicates"].set_number_value(duplicates);
    fields["failed"].set_number_value(failed);
    auto* rows = fields["results"].mutable_list_value();
    for (const RowOutcome& o : outcomes) {
      auto& row = *rows->add_values()->mutable_struct_value()->mutable_fields();
      row["line"].set_number_value(o.line);
      if (!o.error.ok()) {
        row["status"].set_string_value("failed");
        row["code"].set_string_value(absl::StatusCodeToString(o.error.code()));
        row["error"].set_string_value(OneLineError(o.error));
      } else if (o.duplicate_of > 0) {
        row["status"].set_string_value("duplicate");
        row["duplicate_of"].set_number_value(o.duplicate_of);
      } else {
        row["status"].set_string_value("imported");
        row["name"].set_string_value(o.name);
      }
    }
    ASSIGN_OR_RETURN(std::string json, ToJson(summary, JsonStyle::kCompact));
    context.out() << json << "\n";
  } else {
    Table problems({"LINE", "RESULT", "DETAIL"});
    for (const RowOutcome& o : outcomes) {
      if (!o.error.ok()) {
        problems.AddRow({absl::StrCat(o.line), "failed",
                         SanitizeCell(OneLineError(o.error))});
      } else if (o.duplicate_of > 0) {
        problems.AddRow({absl::StrCat(o.line), "duplicate",
                         absl::StrCat("same as line ", o.duplicate_of,
                                      "; imported once")});
      }
    }
    if (problems.row_count() > 0) problems.Print(context.out());
    context.out() << spec.kind << " from " << path << ": " << outcomes.size()
                  << " rows, " << imported << " imported (new or already "
                  << "present), " << duplicates << " duplicates, " << failed
                  << " failed\n";
  }
  if (failed > 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        failed, " of ", outcomes.size(), " rows of ", path,
        " failed (lines listed above); ", imported, " imported"));
  }
  return absl::OkStatus();
}

}  // namespace

const std::string& ImportRow::Get(absl::string_view column) const {
  static const std::string* const kEmpty = new std::string;
  auto it = values_.find(std::string(column));
  return it == values_.end() ? *kEmpty : it->second;
}

ProgressBar::ProgressBar(std::ostream& out, bool enabled, size_t total)
    : out_(out), enabled_(enabled && total > 0), total_(total) {}

void ProgressBar::Update(size_t done) {
  if (!enabled_) return;
  constexpr size_t kWidth = 30;
  const size_t filled = std::min(kWidth, done * kWidth / total_);
  out_ << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, ' ')
       << "] " << done << "/" << total_ << " rows" << std::flush;
  drawn_ = true;
}

void ProgressBar::Finish() {
  if (drawn_) out_ << "\n" << std::flush;
  drawn_ = false;
}

absl::Status RunImport(CommandContext& context, const ImportSpec& spec,
                       const std::string& path, const RowHandler& handle) {
  ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  absl::StatusOr<std::vector<CsvRecord>> records = ParseCsv(text);
  if (!records.ok()) {
    return UsageError(absl::StrCat(path, ": ", records.status().message(),
                                   "; nothing was imported"));
  }
  if (records->empty()) {
    return UsageError(absl::StrCat(path, ": empty file (a header line is "
                                         "required)"));
  }
  ASSIGN_OR_RETURN(std::vector<std::string> columns,
                   MapHeader(spec, records->front()));
  const size_t total = records->size() - 1;
  ProgressBar progress(context.err(), context.err_is_terminal(), total);
  std::vector<RowOutcome> outcomes;
  // The first row of each request_id, to tell a repeat (same values) from a
  // reused external_id (different values).
  struct FirstRow {
    int line;
    std::map<std::string, std::string> values;
  };
  std::map<std::string, FirstRow> first_rows;  // by request_id
  for (size_t i = 1; i < records->size(); ++i) {
    const CsvRecord& record = (*records)[i];
    RowOutcome& outcome = outcomes.emplace_back();
    outcome.line = record.line;
    if (!record.error.ok()) {
      outcome.error = NamingTheColumn(record, columns);
    } else if (record.fields.size() != columns.size()) {
      outcome.error = absl::InvalidArgumentError(
          absl::StrCat("the row has ", record.fields.size(),
                       " fields, the header ", columns.size()));
    } else {
      std::map<std::string, std::string> values;
      for (size_t c = 0; c < columns.size(); ++c) {
        values[columns[c]] = record.fields[c];
      }
      ImportRow row(record.line, values, RequestIdFor(spec.kind, values));
      auto [it, first] =
          first_rows.emplace(row.request_id(), FirstRow{row.line(), values});
      if (!first && it->second.values != values) {
        // Only an external_id makes two different rows share a request_id;
        // the file is at fault, so the row is reported, not sent.
        outcome.error = absl::InvalidArgumentError(absl::StrCat(
            kExternalId, " ", row.Get(kExternalId), " was used by line ",
            it->second.line, " for a different row"));
      } else if (!first) {
        outcome.duplicate_of = it->second.line;
      } else {
        absl::StatusOr<std::string> name = handle(row);
        if (name.ok()) {
          outcome.name = *std::move(name);
        } else if (IsSystemic(name.status())) {
          // Every later row would fail the same way: stop here.
          outcomes.pop_back();
          progress.Finish();
          RETURN_IF_ERROR(PrintReport(context, spec, path, outcomes));
          return absl::Status(
              name.status().code(),
              absl::StrCat("stopped at line ", record.line, " of ", path,
                           " (the rows before it were imported; run the "
                           "same file again to continue): ",
                           name.status().message()));
        } else {
          outcome.error = name.status();
        }
      }
    }
    progress.Update(i);
  }
  progress.Finish();
  return PrintReport(context, spec, path, outcomes);
}

}  // namespace cs::csctl
