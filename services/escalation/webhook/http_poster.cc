#include "services/escalation/webhook/http_poster.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>

#include "absl/strings/str_cat.h"

namespace cs::escalation {
namespace {

// The response body is not used; reading it keeps the connection sane.
size_t Discard(char*, size_t size, size_t count, void*) { return size * count; }

class CurlHttpPoster final : public HttpPoster {
 public:
  explicit CurlHttpPoster(absl::Duration timeout) : timeout_(timeout) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    curl_ = curl_easy_init();
  }
  ~CurlHttpPoster() override {
    if (curl_ != nullptr) curl_easy_cleanup(curl_);
  }

  HttpResponse Post(const std::string& url, const HttpHeaders& headers,
                    const std::string& body) override {
    HttpResponse out;
    if (curl_ == nullptr) {
      out.error = "libcurl could not be initialised";
      return out;
    }
    curl_easy_reset(curl_);
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> list(
        nullptr, &curl_slist_free_all);
    auto add = [&list](const std::string& line) {
      curl_slist* grown = curl_slist_append(list.get(), line.c_str());
      if (grown != nullptr) {
        list.release();
        list.reset(grown);
      }
    };
    for (const auto& [name, value] : headers) add(absl::StrCat(name, ": ", value));
    // No "Expect: 100-continue" round trip for larger bodies.
    add("Expect:");
    const long timeout_ms =
        static_cast<long>(absl::ToInt64Milliseconds(timeout_));
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_POST, 1L);
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, list.get());
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &Discard);
    curl_easy_setopt(curl_, CURLOPT_USERAGENT, "cs-escalation-webhook/1");
    const CURLcode code = curl_easy_perform(curl_);
    if (code != CURLE_OK) {
      out.error = curl_easy_strerror(code);
      return out;
    }
    long status = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
    out.status = static_cast<int>(status);
    return out;
  }

 private:
  const absl::Duration timeout_;
  CURL* curl_ = nullptr;
};

}  // namespace

std::unique_ptr<HttpPoster> NewCurlHttpPoster(absl::Duration timeout) {
  return std::make_unique<CurlHttpPoster>(timeout);
}

}  // namespace cs::escalation
