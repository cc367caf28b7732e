// adjust APP: read the request, check it against the config, then plan and
// apply it (the engine).
#include <iterator>

#include "adjust/protocol.hpp"
#include "adjust/validate.hpp"
#include "adjust/verbs.hpp"

namespace adjust::verbs {

FinalStatus adjust(Context& context) {
  // Read stdin to EOF first, whatever happens next, so servo's write never
  // meets a closed pipe.
  std::string input{std::istreambuf_iterator<char>(context.in), std::istreambuf_iterator<char>()};
  auto request = parse_adjust_request(input);
  if (!request) return final_status_for(request.error());
  auto config = load_run_config(context);
  if (!config) return final_status_for(config.error());
  auto desired = validate_request(*config, *request);
  if (!desired) return final_status_for(desired.error());
  return final_status_for(Error{ErrorCode::internal, "adjusting is not available yet", {}, {}, 0});
}

}  // namespace adjust::verbs
