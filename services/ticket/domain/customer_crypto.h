// Encryption at rest of a stored customer's name and phone (besides the
// ID-card and bank-card numbers ApplyUpsertCustomer seals), and the key
// rotation of all four fields.
//
//   ASSIGN_OR_RETURN(ContactText clear, OpenContact(stored, keyring));
//   clear.phone = "13812341234";
//   RETURN_IF_ERROR(SealContact(clear, keyring, &stored));
//   // stored.profile().phone() == "138****1234", phone_ciphertext set
//
// A stored profile keeps only the masked forms (张先生, 138****1234) in clear,
// so lists, tickets and callers without read_pii never need a key. A record
// written before contact encryption (no full_name/phone ciphertext) keeps its
// clear values in the profile: OpenContact reads them as they are, and
// ReencryptCustomer seals them.
//
// Errors are Keyring::Decrypt's (DATA_LOSS, FAILED_PRECONDITION
// UNKNOWN_KEY) and Encrypt's; no message carries a value. Pure functions;
// thread-safe.
#ifndef CS_SERVICES_TICKET_DOMAIN_CUSTOMER_CRYPTO_H_
#define CS_SERVICES_TICKET_DOMAIN_CUSTOMER_CRYPTO_H_

#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cs/ticket/v1/storage.pb.h"
#include "services/ticket/domain/pii_cipher.h"

namespace cs::ticket {

// A customer's name and (normalized) phone in clear text; "" = none.
struct ContactText {
  std::string full_name;
  std::string phone;
};

// The clear name and phone of `stored` (decrypting what is encrypted).
absl::StatusOr<ContactText> OpenContact(const v1::StoredCustomer& stored,
                                        const Keyring& keyring);

// Encrypts `clear` with the current key into stored's full_name/phone
// ciphertexts (AAD PiiAad(profile.name, field)) and sets the profile's
// full_name/phone to their masked forms (MaskName with the profile's title,
// MaskPhone). Empty values clear the ciphertext and the masked form.
absl::Status SealContact(const ContactText& clear, const Keyring& keyring,
                         v1::StoredCustomer* stored);

// True when some value of `stored` is encrypted with a key other than
// `current`, or its name/phone is still clear text.
bool NeedsReencryption(const v1::StoredCustomer& stored, const KeyRef& current);

// Re-encrypts every value of `stored` with the keyring's current key (and
// seals legacy clear name/phone). Leaves masked forms, etag and times as they
// are: the customer's data does not change. On error `stored` is unchanged.
absl::Status ReencryptCustomer(const Keyring& keyring,
                               v1::StoredCustomer* stored);

// Adds one to `usage["<id>/<version>"]` per encrypted value of `stored`, and
// to usage["plaintext"] per legacy clear name/phone. A malformed ciphertext
// counts as "malformed".
void CountKeyUsage(const v1::StoredCustomer& stored,
                   std::map<std::string, int64_t>* usage);

// "<id>/<version>".
std::string KeyLabel(const KeyRef& key);

}  // namespace cs::ticket

#endif  // CS_SERVICES_TICKET_DOMAIN_CUSTOMER_CRYPTO_H_
