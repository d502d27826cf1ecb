#include "services/complaint/domain/pii_view.h"

#include <string>

#include "libs/common/pii_text.h"

namespace cs::complaint {
namespace {

void Mask(std::string* text) {
  if (!text->empty()) *text = MaskPiiText(*text);
}

}  // namespace

bool MayReadPii(const auth::Principal& caller) {
  return caller.HasAnyRole(kPiiReaders);
}

void MaskPersonalData(v1::Complaint& c) {
  Mask(c.mutable_description());
  Mask(c.mutable_impact());
  for (std::string& item : *c.mutable_items()) Mask(&item);
  for (v1::Round& round : *c.mutable_rounds()) {
    Mask(round.mutable_solution());
    Mask(round.mutable_decision_note());
    for (v1::Remedy& remedy : *round.mutable_remedies()) {
      Mask(remedy.mutable_note());
    }
  }
  Mask(c.mutable_revisit_note());
  if (c.has_root_cause()) Mask(c.mutable_root_cause()->mutable_analysis());
  for (v1::CorrectiveAction& action : *c.mutable_corrective_actions()) {
    Mask(action.mutable_description());
  }
}

}  // namespace cs::complaint
