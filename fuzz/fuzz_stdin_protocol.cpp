// Fuzz target: the stdin adjust request (parse_adjust_request) on arbitrary
// bytes, then validation of whatever parsed against a config that uses every
// kind of setting. Contract: a request or an invalid_input error; validation
// gives desired state or rejected_value / infeasible; never a crash or an
// escaping exception.
#include "adjust/logic/desired.hpp"
#include "adjust/protocol/request.hpp"
#include "fuzz_config_fixture.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using adjust::ErrorCode;
  auto request = adjust::parse_adjust_request(adjust::fuzz::as_text(data, size));
  if (!request) {
    FUZZ_CHECK(request.error().code == ErrorCode::invalid_input);
    FUZZ_CHECK(!request.error().message.empty());
    return 0;
  }
  auto desired = adjust::validate_request(adjust::fuzz::fuzz_config(), *request);
  if (!desired) {
    FUZZ_CHECK(desired.error().code == ErrorCode::rejected_value ||
               desired.error().code == ErrorCode::infeasible);
  }
  return 0;
}
