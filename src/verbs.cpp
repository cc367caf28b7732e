#include "adjust/verbs.hpp"

#include <iterator>

#include "adjust/protocol.hpp"

namespace adjust::verbs {
namespace {

class UnavailableTransport final : public Transport {
 public:
  Result<HttpResponse> send(const HttpRequest&) override {
    return fail(ErrorCode::internal, "no HTTP transport in this build");
  }
};

}  // namespace

FinalStatus query(Context&) {
  return final_status_for(Error{ErrorCode::internal, "--query is not available yet", {}, {}, 0});
}

FinalStatus adjust(Context& context) {
  std::string input{std::istreambuf_iterator<char>(context.in), std::istreambuf_iterator<char>()};
  auto request = parse_adjust_request(input);
  if (!request) return final_status_for(request.error());
  return final_status_for(Error{ErrorCode::internal, "adjust is not available yet", {}, {}, 0});
}

std::unique_ptr<Transport> make_real_transport() { return std::make_unique<UnavailableTransport>(); }

}  // namespace adjust::verbs
