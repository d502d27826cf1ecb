// Realistic Chinese request payloads for the benchmarks: ticket subjects
// (手机信号弱, 退款未到账 …), descriptions of a few hundred characters built
// from the phrases customers and agents actually use, categories, agent
// replies and customer profiles with valid mainland mobile numbers.
//
//   cs::csbench::PayloadGenerator payloads({.description_chars = 300});
//   std::mt19937_64 random(seed);
//   cs::ticket::v1::CreateTicketRequest request =
//       payloads.CreateTicket(random, "bench-c-0003", "run42-17");
//
// Every string is valid UTF-8 and respects the limits of ticket.proto
// (subject ≤ 200, description ≤ 10000, category levels ≤ 32 characters).
// Generation is deterministic for a given random state. The generator is
// immutable after construction and thread-safe; the random engine is the
// caller's (one per thread).
#ifndef CS_TOOLS_CSBENCH_PAYLOADS_H_
#define CS_TOOLS_CSBENCH_PAYLOADS_H_

#include <cstdint>
#include <random>
#include <string>

#include "cs/complaint/v1/complaint.pb.h"
#include "cs/kb/v1/kb.pb.h"
#include "cs/ticket/v1/ticket.pb.h"

namespace cs::csbench {

class PayloadGenerator {
 public:
  struct Options {
    // Target length of a description in characters; descriptions are built
    // from whole sentences until they reach it (so slightly longer).
    int description_chars = 300;
    // Department written on created tickets (the token's department, so
    // agents are in scope).
    std::string department = "客服部";
  };

  explicit PayloadGenerator(Options options);

  // A CreateTicketRequest for `customer_id` with idempotency key
  // `request_id`.
  ticket::v1::CreateTicketRequest CreateTicket(
      std::mt19937_64& random, const std::string& customer_id,
      const std::string& request_id) const;

  // A public agent reply to ticket `name`.
  ticket::v1::AddReplyRequest Reply(std::mt19937_64& random,
                                    const std::string& name) const;

  // A customer profile "customers/{customer_id}" with a Chinese name, title,
  // region and a valid mobile number.
  ticket::v1::Customer Customer(std::mt19937_64& random,
                                const std::string& customer_id) const;

  // A knowledge-base article (title: a topic's subject and `index`; body: a
  // description of the topic) in category `category`.
  kb::v1::CreateArticleRequest Article(std::mt19937_64& random,
                                       const std::string& category,
                                       int index) const;

  // A search query a customer or agent would type: a topic's subject or
  // one of its phrases (such as "信号弱", "退款").
  std::string KbQuery(std::mt19937_64& random) const;

  // A complaint about a topic by `customer_id`, with idempotency key
  // `request_id` and a random severity.
  complaint::v1::FileRequest Complaint(std::mt19937_64& random,
                                       const std::string& customer_id,
                                       const std::string& request_id) const;

  // A description of about options.description_chars characters.
  std::string Description(std::mt19937_64& random, int subject_index) const;

  const Options& options() const { return options_; }

 private:
  Options options_;
};

}  // namespace cs::csbench

#endif  // CS_TOOLS_CSBENCH_PAYLOADS_H_
