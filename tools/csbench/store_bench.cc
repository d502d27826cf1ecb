#include "tools/csbench/store_bench.h"

#include <algorithm>
#include <memory>
#include <random>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/common/ids.h"
#include "libs/common/status_macros.h"
#include "libs/common/time_proto.h"
#include "libs/store/store.h"

namespace cs::csbench {
namespace {

namespace v1 = ::cs::ticket::v1;

constexpr char kFamily[] = "bench";
constexpr int kDistinctValues = 256;

// A ticket record as the ticket service stores it after CreateTicket: the
// request's fields plus the server-assigned ones and one history entry.
std::string TicketRecord(const PayloadGenerator& payloads,
                         std::mt19937_64& random, int index) {
  v1::Ticket ticket =
      payloads.CreateTicket(random, "bench-c-0001", "unused").ticket();
  const absl::Time now = absl::Now();
  const std::string id = NewUlid(now);
  ticket.set_name(absl::StrCat("tickets/", id));
  ticket.set_id(id);
  ticket.set_number(absl::StrCat("T20260101-0-", 100000 + index));
  ticket.set_customer_display_name("张先生");
  ticket.set_customer_contact("138****1234");
  ticket.set_customer_type(v1::CUSTOMER_TYPE_RETURNING);
  ticket.set_region("广东省深圳市");
  ticket.set_status(v1::TICKET_STATUS_NEW);
  *ticket.mutable_create_time() = ToProtoTime(now);
  *ticket.mutable_update_time() = ToProtoTime(now);
  ticket.set_created_by("csbench");
  ticket.set_etag(NewUlid(now));
  v1::HistoryEntry* created = ticket.add_history();
  *created->mutable_time() = ToProtoTime(now);
  created->set_actor("csbench");
  created->set_action(v1::HISTORY_ACTION_CREATE);
  return ticket.SerializeAsString();
}

}  // namespace

absl::StatusOr<RunReport> RunStore(const StoreOptions& options) {
  if (options.dir.empty()) {
    return absl::InvalidArgumentError("--dir must name a directory");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                   Store::Open({.path = options.dir,
                                .column_families = {kFamily},
                                .sync = options.sync}));
  ASSIGN_OR_RETURN(ColumnFamily family, store->Family(kFamily));

  PayloadGenerator payloads(options.payload);
  std::mt19937_64 random(options.seed);
  std::vector<std::string> values;
  for (int i = 0; i < kDistinctValues; ++i) {
    values.push_back(options.value_bytes > 0
                         ? std::string(options.value_bytes, 'x')
                         : TicketRecord(payloads, random, i));
  }

  const int threads = std::max(1, options.concurrency);
  const int puts = std::max(1, options.puts_per_commit);
  Window window(NowNanos(), options.window);
  Progress progress(options.label.empty() ? "store" : options.label, window,
                    options.progress);
  std::vector<OpStats> stats(threads);
  std::vector<uint64_t> bytes(threads, 0);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      uint64_t seq = 0;
      while (true) {
        const Window::Phase phase = window.Claim(NowNanos());
        if (phase == Window::kStop) return;
        WriteSet writes;
        size_t batch_bytes = 0;
        for (int p = 0; p < puts; ++p) {
          const std::string& value = values[(seq * 31 + t) % kDistinctValues];
          std::string key =
              absl::StrCat(EncodeBigEndian64(t), EncodeBigEndian64(seq++));
          batch_bytes += key.size() + value.size();
          writes.Put(family, key, value);
        }
        progress.in_flight().fetch_add(1, std::memory_order_relaxed);
        const int64_t start = NowNanos();
        absl::Status committed = store->Commit(writes);
        const int64_t end = NowNanos();
        progress.in_flight().fetch_sub(1, std::memory_order_relaxed);
        if (committed.ok()) {
          progress.AddOk();
        } else {
          progress.AddError();
        }
        if (phase == Window::kMeasured) {
          stats[t].Record(static_cast<int>(committed.code()),
                          static_cast<uint64_t>(end - start));
          bytes[t] += batch_bytes;
          window.Done(end);
        }
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  progress.Stop();
  RETURN_IF_ERROR(store->Close());

  RunReport report;
  report.mode = "store";
  report.label = options.label;
  report.target = options.dir;
  report.ops = absl::StrCat("commit(", puts, " put)");
  report.concurrency = threads;
  if (options.window.count > 0) {
    report.count = options.window.count;
  } else {
    report.duration_seconds = absl::ToDoubleSeconds(options.window.duration);
  }
  report.warmup_seconds = absl::ToDoubleSeconds(options.window.warmup);
  report.elapsed_seconds = window.ElapsedSeconds();
  OpReport commits{"commit", {}};
  uint64_t total_bytes = 0;
  for (int t = 0; t < threads; ++t) {
    commits.stats.Merge(stats[t]);
    total_bytes += bytes[t];
  }
  const uint64_t calls = commits.stats.ok() + commits.stats.errors();
  report.request_bytes_mean =
      calls == 0 ? 0 : static_cast<double>(total_bytes) / calls;
  report.ops_stats.push_back(std::move(commits));
  report.conditions.push_back({"sync", options.sync ? "true" : "false"});
  report.conditions.push_back({"puts_per_commit", absl::StrCat(puts)});
  report.conditions.push_back(
      {"value_bytes", absl::StrCat(values.empty() ? 0 : values[0].size())});
  return report;
}

}  // namespace cs::csbench
