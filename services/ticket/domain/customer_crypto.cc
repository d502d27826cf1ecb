#include "services/ticket/domain/customer_crypto.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "services/ticket/domain/masking.h"

namespace cs::ticket {
namespace {

constexpr common::v1::PiiField kAllFields[] = {
    common::v1::PII_FIELD_ID_CARD, common::v1::PII_FIELD_BANK_CARD,
    common::v1::PII_FIELD_FULL_NAME, common::v1::PII_FIELD_PHONE};

std::string* CiphertextOf(v1::StoredCustomer* s, common::v1::PiiField field) {
  switch (field) {
    case common::v1::PII_FIELD_ID_CARD:
      return s->mutable_id_card_ciphertext();
    case common::v1::PII_FIELD_BANK_CARD:
      return s->mutable_bank_card_ciphertext();
    case common::v1::PII_FIELD_FULL_NAME:
      return s->mutable_full_name_ciphertext();
    default:
      return s->mutable_phone_ciphertext();
  }
}

const std::string& CiphertextOf(const v1::StoredCustomer& s,
                                common::v1::PiiField field) {
  return *CiphertextOf(const_cast<v1::StoredCustomer*>(&s), field);
}

// The legacy clear value of a contact field (stored before encryption);
// null for the card fields, which were always encrypted.
const std::string* LegacyClear(const v1::StoredCustomer& s,
                               common::v1::PiiField field) {
  if (field != common::v1::PII_FIELD_FULL_NAME &&
      field != common::v1::PII_FIELD_PHONE) {
    return nullptr;
  }
  if (!CiphertextOf(s, field).empty()) return nullptr;
  const std::string& value = field == common::v1::PII_FIELD_FULL_NAME
                                 ? s.profile().full_name()
                                 : s.profile().phone();
  if (value.empty()) return nullptr;
  return &value;
}

absl::StatusOr<std::string> OpenField(const v1::StoredCustomer& stored,
                                      common::v1::PiiField field,
                                      const Keyring& keyring) {
  const std::string& sealed = CiphertextOf(stored, field);
  if (!sealed.empty()) {
    return keyring.Decrypt(sealed, PiiAad(stored.profile().name(), field));
  }
  const std::string* legacy = LegacyClear(stored, field);
  return legacy != nullptr ? *legacy : std::string();
}

absl::Status SealField(const std::string& clear, common::v1::PiiField field,
                       const Keyring& keyring, v1::StoredCustomer* stored) {
  std::string* out = CiphertextOf(stored, field);
  if (clear.empty()) {
    out->clear();
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(
      std::string sealed,
      keyring.Encrypt(clear, PiiAad(stored->profile().name(), field)));
  *out = std::move(sealed);
  return absl::OkStatus();
}

}  // namespace

std::string KeyLabel(const KeyRef& key) {
  return absl::StrCat(key.key_id, "/", key.version);
}

absl::StatusOr<ContactText> OpenContact(const v1::StoredCustomer& stored,
                                        const Keyring& keyring) {
  ContactText out;
  ASSIGN_OR_RETURN(out.full_name,
                   OpenField(stored, common::v1::PII_FIELD_FULL_NAME, keyring));
  ASSIGN_OR_RETURN(out.phone,
                   OpenField(stored, common::v1::PII_FIELD_PHONE, keyring));
  return out;
}

absl::Status SealContact(const ContactText& clear, const Keyring& keyring,
                         v1::StoredCustomer* stored) {
  v1::StoredCustomer next = *stored;
  RETURN_IF_ERROR(SealField(clear.full_name, common::v1::PII_FIELD_FULL_NAME,
                            keyring, &next));
  RETURN_IF_ERROR(
      SealField(clear.phone, common::v1::PII_FIELD_PHONE, keyring, &next));
  v1::Customer* p = next.mutable_profile();
  p->set_full_name(clear.full_name.empty()
                       ? std::string()
                       : MaskName(clear.full_name, p->title()));
  p->set_phone(clear.phone.empty() ? std::string() : MaskPhone(clear.phone));
  *stored = std::move(next);
  return absl::OkStatus();
}

bool NeedsReencryption(const v1::StoredCustomer& stored,
                       const KeyRef& current) {
  for (common::v1::PiiField field : kAllFields) {
    const std::string& sealed = CiphertextOf(stored, field);
    if (sealed.empty()) {
      if (LegacyClear(stored, field) != nullptr) return true;
      continue;
    }
    absl::StatusOr<KeyRef> key = Keyring::KeyOf(sealed);
    if (!key.ok() || !(*key == current)) return true;
  }
  return false;
}

absl::Status ReencryptCustomer(const Keyring& keyring,
                               v1::StoredCustomer* stored) {
  v1::StoredCustomer next = *stored;
  for (common::v1::PiiField field : kAllFields) {
    ASSIGN_OR_RETURN(std::string clear, OpenField(*stored, field, keyring));
    RETURN_IF_ERROR(SealField(clear, field, keyring, &next));
  }
  // Legacy clear values give way to their masked forms.
  if (LegacyClear(*stored, common::v1::PII_FIELD_FULL_NAME) != nullptr) {
    next.mutable_profile()->set_full_name(
        MaskName(stored->profile().full_name(), stored->profile().title()));
  }
  if (LegacyClear(*stored, common::v1::PII_FIELD_PHONE) != nullptr) {
    next.mutable_profile()->set_phone(MaskPhone(stored->profile().phone()));
  }
  *stored = std::move(next);
  return absl::OkStatus();
}

void CountKeyUsage(const v1::StoredCustomer& stored,
                   std::map<std::string, int64_t>* usage) {
  for (common::v1::PiiField field : kAllFields) {
    const std::string& sealed = CiphertextOf(stored, field);
    if (sealed.empty()) {
      if (LegacyClear(stored, field) != nullptr) ++(*usage)["plaintext"];
      continue;
    }
    absl::StatusOr<KeyRef> key = Keyring::KeyOf(sealed);
    ++(*usage)[key.ok() ? KeyLabel(*key) : "malformed"];
  }
}

}  // namespace cs::ticket
