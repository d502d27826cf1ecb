// One HTTP POST, the only network I/O of the escalation webhook: an
// interface (so the notifier's loop is testable) and its libcurl
// implementation.
//
//   std::unique_ptr<HttpPoster> poster = NewCurlHttpPoster(absl::Seconds(10));
//   HttpResponse r = poster->Post("https://hooks.example.com/cs",
//                                 {{"Content-Type", "application/json"}}, body);
//   if (r.status == 0) Log(..., r.error);   // no HTTP answer at all
#ifndef CS_SERVICES_ESCALATION_WEBHOOK_HTTP_POSTER_H_
#define CS_SERVICES_ESCALATION_WEBHOOK_HTTP_POSTER_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace cs::escalation {

struct HttpResponse {
  // The HTTP status; 0 when no response came (refused, reset, timeout, TLS
  // failure), with `error` saying why.
  int status = 0;
  std::string error;
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

class HttpPoster {
 public:
  virtual ~HttpPoster() = default;
  // POSTs `body` to `url` with `headers`; never throws, never follows
  // redirects (a 3xx is returned as is). Blocks for at most the poster's
  // timeout. Thread-compatible: one caller at a time.
  virtual HttpResponse Post(const std::string& url, const HttpHeaders& headers,
                            const std::string& body) = 0;
};

// libcurl (Debian's libcurl4, OpenSSL flavour): http and https only, the
// system CA store, `timeout` for the whole exchange.
std::unique_ptr<HttpPoster> NewCurlHttpPoster(absl::Duration timeout);

}  // namespace cs::escalation

#endif  // CS_SERVICES_ESCALATION_WEBHOOK_HTTP_POSTER_H_
