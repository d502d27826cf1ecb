// Early-return macros for absl::Status / absl::StatusOr, which Abseil 20220623
// does not ship.
//
//   absl::StatusOr<Ticket> Load(...) {
//     RETURN_IF_ERROR(Validate(request));
//     ASSIGN_OR_RETURN(std::string bytes, store.Get(cf, key));
//     ...
//   }
#ifndef CS_LIBS_COMMON_STATUS_MACROS_H_
#define CS_LIBS_COMMON_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define CS_STATUS_CONCAT_INNER_(a, b) a##b
#define CS_STATUS_CONCAT_(a, b) CS_STATUS_CONCAT_INNER_(a, b)

// Evaluates `expr` (an absl::Status) once; returns it from the enclosing
// function when it is not OK.
#define RETURN_IF_ERROR(expr)                                    \
  do {                                                           \
    ::absl::Status cs_status_macro_status_ = (expr);             \
    if (!cs_status_macro_status_.ok()) return cs_status_macro_status_; \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr<T>) once; on error returns its status,
// otherwise moves the value into `lhs`, which may be a declaration.
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  CS_ASSIGN_OR_RETURN_IMPL_(CS_STATUS_CONCAT_(cs_statusor_, __LINE__), lhs, rexpr)

#define CS_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                              \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#endif  // CS_LIBS_COMMON_STATUS_MACROS_H_
