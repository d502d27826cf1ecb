// base64url without padding (RFC 4648 section 5, RFC 7515 section 2), as used
// in the three parts of a JWT.
//
//   std::string text = cs::auth::Base64UrlEncode("\xfb\xff");  // "-_8"
//   absl::StatusOr<std::string> bytes = cs::auth::Base64UrlDecode(text);
#ifndef CS_LIBS_AUTH_BASE64URL_H_
#define CS_LIBS_AUTH_BASE64URL_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cs::auth {

// Encodes `bytes` with the URL-safe alphabet and no '=' padding. Never fails;
// thread-safe.
std::string Base64UrlEncode(absl::string_view bytes);

// Decodes strict unpadded base64url. INVALID_ARGUMENT (without echoing the
// input) on any character outside [A-Za-z0-9_-] (including '=', '+', '/' and
// whitespace), on an impossible length (4n+1), or on non-zero unused bits in
// the last character, so every byte string has exactly one accepted
// encoding. Thread-safe.
absl::StatusOr<std::string> Base64UrlDecode(absl::string_view text);

}  // namespace cs::auth

#endif  // CS_LIBS_AUTH_BASE64URL_H_
