#include "services/routing/service/queue_floors.h"

namespace cs::routing {

QueueFloors::Mark QueueFloors::Read(absl::string_view department) const {
  absl::MutexLock lock(&mu_);
  auto it = floors_.find(department);
  return it == floors_.end() ? Mark() : it->second;
}

void QueueFloors::Lower(absl::string_view department, absl::string_view key) {
  absl::MutexLock lock(&mu_);
  Mark& mark = floors_[department];
  if (!mark.floor.empty() && key < mark.floor) mark.floor = std::string(key);
  ++mark.lowerings;
}

bool QueueFloors::Raise(absl::string_view department, absl::string_view key,
                        const Mark& seen) {
  absl::MutexLock lock(&mu_);
  Mark& mark = floors_[department];
  if (mark.lowerings != seen.lowerings || key <= mark.floor) return false;
  mark.floor = std::string(key);
  return true;
}

}  // namespace cs::routing
