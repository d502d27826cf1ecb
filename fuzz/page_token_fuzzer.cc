// Page tokens: decoding arbitrary client text never crashes, a token
// round-trips its key, and no change to a token's bytes is accepted unless
// it decodes to the very same bytes (base64 has spare bits).
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/escaping.h"
#include "fuzz/fuzz_input.h"
#include "libs/common/page_token.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cs::fuzz::FuzzInput in(data, size);
  const uint64_t query = cs::QueryFingerprint("tickets|客服部");
  switch (in.Byte() % 3) {
    case 0: {  // arbitrary text as a token
      (void)cs::DecodePageToken(in.Rest(), query);
      break;
    }
    case 1: {  // round trip
      std::string key = in.Rest();
      if (key.empty()) break;
      auto decoded = cs::DecodePageToken(cs::EncodePageToken(key, query), query);
      FUZZ_CHECK(decoded.ok() && *decoded == key);
      FUZZ_CHECK(!cs::DecodePageToken(cs::EncodePageToken(key, query), query + 1)
                      .ok());
      break;
    }
    case 2: {  // tampering
      const size_t position = in.U32();
      const uint8_t flip = in.Byte() | 1;
      std::string key = in.Rest();
      if (key.empty()) break;
      std::string token = cs::EncodePageToken(key, query);
      std::string tampered = token;
      tampered[position % tampered.size()] ^= flip;
      auto decoded = cs::DecodePageToken(tampered, query);
      if (decoded.ok()) {
        std::string original, changed;
        FUZZ_CHECK(absl::WebSafeBase64Unescape(token, &original));
        FUZZ_CHECK(absl::WebSafeBase64Unescape(tampered, &changed));
        FUZZ_CHECK(original == changed && *decoded == key);
      }
      break;
    }
  }
  return 0;
}
