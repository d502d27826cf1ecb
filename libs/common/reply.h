// The answer of an asynchronous application-layer method: called exactly
// once, from any thread, with the response or a canonical status — e.g. by
// a CommitPipeline's committer once the method's write is durable. The gRPC
// glue (libs/server/serve_app.h, ServeAppCallAsync) finishes the call from
// it.
#ifndef CS_LIBS_COMMON_REPLY_H_
#define CS_LIBS_COMMON_REPLY_H_

#include <functional>

#include "absl/status/statusor.h"

namespace cs {

template <typename Response>
using Reply = std::function<void(absl::StatusOr<Response>)>;

}  // namespace cs

#endif  // CS_LIBS_COMMON_REPLY_H_
