// kb-search-bench: the knowledge base's search against Xapian 1.4 on the same
// generated Chinese corpus and query set (issue #6: "report indexing docs/s
// and search p50/p99 side by side with Xapian; goal p99 ≤ half of
// Xapian's"). A benchmark, not a test: it reads the real clock on purpose.
//
//   kb-search-bench --docs=100000 --queries=bench/kb-queries.txt --rounds=3
//       [--engines=cs,xapian] [--min-searches=2000] [--json]
//
// Each engine first indexes the whole corpus once (timed: docs/s; Xapian
// needs minutes for 100k articles, so indexing is not repeated). Then each
// round runs the query set (repeated up to --min-searches searches, one at
// a time, after one untimed warm-up pass) on every engine, alternating
// baseline and subject (xapian first on odd rounds, cs first on even ones),
// and adds one more article to each index (the cost of one publish).
// Reports per round and the median over rounds: search p50/p90/p99/max in
// microseconds, the publish cost, and the ratios cs ÷ xapian. RSS growth is
// reported for the cs index (in-memory); Xapian's index is on disk (its
// size is reported).
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "libs/common/config.h"
#include "services/knowledge_base/bench/corpus.h"
#include "services/knowledge_base/bench/engine.h"
#include "tools/csbench/histogram.h"

namespace {

using cs::kb::bench::CorpusArticle;
using cs::kb::bench::SearchEngine;

struct Flags {
  int64_t docs = 100000;
  std::string queries = "bench/kb-queries.txt";
  int rounds = 3;
  std::string engines = "cs,xapian";
  int64_t min_searches = 2000;
  int top = 10;
  std::string dir = "/tmp/cs-kb-search-bench";
  bool json = false;
};

struct RoundFigures {
  double index_s = 0;
  double docs_per_s = 0;
  double p50_us = 0, p90_us = 0, p99_us = 0, max_us = 0, mean_us = 0;
  double add_one_ms = 0;
  double memory_mb = 0;  // RSS growth (cs) or database size (xapian)
  double avg_hits = 0;
  int64_t searches = 0;
};

int64_t RssBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

int64_t DirBytes(const std::string& dir) {
  int64_t total = 0;
  std::error_code ec;
  for (const auto& e :
       std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file(ec)) total += e.file_size(ec);
  }
  return total;
}

RoundFigures IndexAll(SearchEngine& engine, const Flags& flags,
                      const std::vector<CorpusArticle>& corpus) {
  RoundFigures f;
  const int64_t rss_before = RssBytes();
  absl::Time start = absl::Now();
  engine.Index(corpus);
  f.index_s = absl::ToDoubleSeconds(absl::Now() - start);
  f.docs_per_s = corpus.size() / f.index_s;
  f.memory_mb = (engine.name() == "cs" ? RssBytes() - rss_before
                                       : DirBytes(flags.dir)) /
                1048576.0;
  return f;
}

RoundFigures RunOne(SearchEngine& engine, const Flags& flags,
                    const RoundFigures& indexed, size_t next_id,
                    const std::vector<std::string>& queries) {
  RoundFigures f = indexed;
  // One pass to warm caches (both engines), then the timed searches.
  for (const std::string& q : queries) engine.Search(q, flags.top);
  cs::csbench::LogHistogram latency;
  size_t hits = 0;
  while (static_cast<int64_t>(latency.count()) < flags.min_searches) {
    for (const std::string& q : queries) {
      absl::Time t = absl::Now();
      hits += engine.Search(q, flags.top);
      latency.Record(absl::ToInt64Nanoseconds(absl::Now() - t));
    }
  }
  f.searches = static_cast<int64_t>(latency.count());
  f.avg_hits = static_cast<double>(hits) / latency.count();
  f.p50_us = latency.Percentile(0.5) / 1e3;
  f.p90_us = latency.Percentile(0.9) / 1e3;
  f.p99_us = latency.Percentile(0.99) / 1e3;
  f.max_us = latency.max() / 1e3;
  f.mean_us = latency.Mean() / 1e3;
  absl::Time start = absl::Now();
  engine.AddOne(cs::kb::bench::GenerateArticle(next_id), next_id);
  f.add_one_ms = absl::ToDoubleMilliseconds(absl::Now() - start);
  return f;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string Json(const RoundFigures& f) {
  return absl::StrFormat(
      "{\"index_s\": %.3f, \"docs_per_s\": %.0f, \"p50_us\": %.1f, "
      "\"p90_us\": %.1f, \"p99_us\": %.1f, \"max_us\": %.1f, "
      "\"mean_us\": %.1f, \"add_one_ms\": %.2f, \"memory_mb\": %.1f, "
      "\"avg_hits\": %.1f, \"searches\": %d}",
      f.index_s, f.docs_per_s, f.p50_us, f.p90_us, f.p99_us, f.max_us,
      f.mean_us, f.add_one_ms, f.memory_mb, f.avg_hits, f.searches);
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  cs::ConfigParser parser("kb-search-bench", "CS_KB_SEARCH_BENCH_");
  parser.AddInt64("docs", &flags.docs, "articles in the generated corpus", 1,
                  10000000);
  parser.AddString("queries", &flags.queries, "query set, one per line");
  parser.AddInt("rounds", &flags.rounds, "rounds (engines alternate)", 1, 99);
  parser.AddString("engines", &flags.engines, "comma-separated: cs,xapian");
  parser.AddInt64("min-searches", &flags.min_searches,
                  "timed searches per engine and round", 1, 100000000);
  parser.AddInt("top", &flags.top, "ids read per search", 1, 1000);
  parser.AddString("dir", &flags.dir, "scratch directory of the Xapian db");
  parser.AddBool("json", &flags.json, "print JSON");
  if (absl::Status s = parser.Parse(argc, argv, cs::ProcessEnvironment());
      !s.ok() || parser.help_requested()) {
    std::cerr << s.message() << "\n" << parser.Usage();
    return s.ok() ? 0 : 2;
  }
  absl::StatusOr<std::vector<std::string>> queries =
      cs::kb::bench::LoadQueries(flags.queries);
  if (!queries.ok()) {
    std::cerr << queries.status() << "\n";
    return 1;
  }
  std::map<std::string, std::unique_ptr<SearchEngine>> engines;
  for (absl::string_view name : absl::StrSplit(flags.engines, ',')) {
    if (name == "cs") {
      engines["cs"] = cs::kb::bench::MakeKbEngine();
    } else if (name == "xapian") {
      auto x = cs::kb::bench::MakeXapianEngine(flags.dir);
      if (x == nullptr) {
        std::cerr << "kb-search-bench: built without Xapian; skipping it\n";
        continue;
      }
      engines["xapian"] = std::move(x);
    } else {
      std::cerr << "unknown engine " << name << "\n";
      return 2;
    }
  }
  absl::Time start = absl::Now();
  std::vector<CorpusArticle> corpus;
  corpus.reserve(flags.docs);
  size_t chars = 0;
  for (int64_t i = 0; i < flags.docs; ++i) {
    corpus.push_back(cs::kb::bench::GenerateArticle(i));
    chars += corpus.back().title.size() + corpus.back().body.size();
  }
  const double generate_s = absl::ToDoubleSeconds(absl::Now() - start);

  std::map<std::string, std::vector<RoundFigures>> rounds;
  std::map<std::string, RoundFigures> indexed;
  std::vector<std::string> order;
  for (auto& [name, engine] : engines) {
    order.push_back(name);
    std::cerr << "kb-search-bench: indexing " << flags.docs << " articles: "
              << name << "\n";
    indexed[name] = IndexAll(*engine, flags, corpus);
  }
  size_t next_id = corpus.size();
  for (int r = 0; r < flags.rounds; ++r) {
    std::vector<std::string> this_order = order;
    if (r % 2 == 1) std::reverse(this_order.begin(), this_order.end());
    for (const std::string& name : this_order) {
      std::cerr << "kb-search-bench: round " << r + 1 << "/" << flags.rounds
                << ": " << name << "\n";
      rounds[name].push_back(
          RunOne(*engines[name], flags, indexed[name], next_id, *queries));
    }
    ++next_id;
  }
  engines.clear();
  std::filesystem::remove_all(flags.dir);

  std::map<std::string, std::map<std::string, double>> medians;
  for (auto& [name, figures] : rounds) {
    auto med = [&](double RoundFigures::*field) {
      std::vector<double> v;
      for (const RoundFigures& f : figures) v.push_back(f.*field);
      return Median(v);
    };
    medians[name] = {{"docs_per_s", med(&RoundFigures::docs_per_s)},
                     {"p50_us", med(&RoundFigures::p50_us)},
                     {"p90_us", med(&RoundFigures::p90_us)},
                     {"p99_us", med(&RoundFigures::p99_us)},
                     {"max_us", med(&RoundFigures::max_us)},
                     {"add_one_ms", med(&RoundFigures::add_one_ms)},
                     {"memory_mb", med(&RoundFigures::memory_mb)},
                     {"avg_hits", med(&RoundFigures::avg_hits)}};
  }
  // Ratios cs ÷ xapian per round, then their median.
  std::map<std::string, double> ratios;
  if (rounds.count("cs") && rounds.count("xapian")) {
    for (auto [key, field] :
         std::vector<std::pair<std::string, double RoundFigures::*>>{
             {"docs_per_s", &RoundFigures::docs_per_s},
             {"p50_us", &RoundFigures::p50_us},
             {"p99_us", &RoundFigures::p99_us}}) {
      std::vector<double> v;
      for (int r = 0; r < flags.rounds; ++r) {
        v.push_back(rounds["cs"][r].*field / rounds["xapian"][r].*field);
      }
      ratios[key] = Median(v);
    }
  }

  if (flags.json) {
    std::cout << "{\"docs\": " << flags.docs << ", \"queries\": "
              << queries->size() << ", \"corpus_bytes\": " << chars
              << ", \"generate_s\": " << generate_s
              << ", \"rounds\": " << flags.rounds << ", \"top\": " << flags.top
              << ", \"runs\": {";
    bool first = true;
    for (auto& [name, figures] : rounds) {
      std::cout << (first ? "" : ", ") << "\"" << name << "\": [";
      for (size_t i = 0; i < figures.size(); ++i) {
        std::cout << (i ? ", " : "") << Json(figures[i]);
      }
      std::cout << "]";
      first = false;
    }
    std::cout << "}, \"medians\": {";
    first = true;
    for (auto& [name, m] : medians) {
      std::cout << (first ? "" : ", ") << "\"" << name << "\": {";
      bool f2 = true;
      for (auto& [k, v] : m) {
        std::cout << (f2 ? "" : ", ") << "\"" << k << "\": " << v;
        f2 = false;
      }
      std::cout << "}";
      first = false;
    }
    std::cout << "}, \"ratios_cs_over_xapian\": {";
    first = true;
    for (auto& [k, v] : ratios) {
      std::cout << (first ? "" : ", ") << "\"" << k << "\": " << v;
      first = false;
    }
    std::cout << "}}\n";
    return 0;
  }
  std::cout << absl::StrFormat("corpus: %d articles, %.1f MB, %d queries\n",
                               flags.docs, chars / 1048576.0, queries->size());
  for (auto& [name, m] : medians) {
    std::cout << absl::StrFormat(
        "%-7s index %8.0f docs/s  search p50 %8.1f us  p99 %9.1f us  "
        "max %9.1f us  publish-one %8.2f ms  memory %7.1f MB  hits %.0f\n",
        name, m["docs_per_s"], m["p50_us"], m["p99_us"], m["max_us"],
        m["add_one_ms"], m["memory_mb"], m["avg_hits"]);
  }
  for (auto& [k, v] : ratios) {
    std::cout << absl::StrFormat("cs / xapian %s: %.2f\n", k, v);
  }
  return 0;
}
