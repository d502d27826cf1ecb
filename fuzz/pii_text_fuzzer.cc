// Personal data in free text (libs/common/pii_text): any bytes are masked
// and restored without crashing; ContainsPiiText agrees with MaskPiiText;
// the masked form restores to the original byte for byte; any other edit
// restores only what stays masked (the writer's masked view of the result
// is its view of what it wrote); a text without values restores nothing;
// valid UTF-8 stays valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_input.h"
#include "libs/common/pii_text.h"
#include "libs/common/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  cs::fuzz::FuzzInput input(data, size);
  const std::string original = input.String(255);
  const std::string edited = input.Rest();

  const std::string masked = cs::MaskPiiText(original);
  FUZZ_CHECK(cs::ContainsPiiText(original) == (masked != original));
  FUZZ_CHECK(cs::RestoreMaskedPii(original, masked) == original);

  const std::string restored = cs::RestoreMaskedPii(original, edited);
  if (masked == original) FUZZ_CHECK(restored == edited);
  if (edited != masked) {
    FUZZ_CHECK(cs::MaskPiiText(restored) == cs::MaskPiiText(edited));
  }
  if (cs::IsValidUtf8(original) && cs::IsValidUtf8(edited)) {
    FUZZ_CHECK(cs::IsValidUtf8(masked));
    FUZZ_CHECK(cs::IsValidUtf8(restored));
  }
  return 0;
}
