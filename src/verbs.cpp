#include "adjust/verbs.hpp"

#include "adjust/curl_transport.hpp"

namespace adjust::verbs {

std::unique_ptr<Transport> make_real_transport(Logger* trace_logger) {
  return std::make_unique<CurlTransport>(trace_logger);
}

}  // namespace adjust::verbs
