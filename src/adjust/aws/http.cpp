#include "adjust/aws/http.hpp"

#include <strings.h>

namespace adjust {

std::optional<std::string> find_header(const HttpHeaders& headers, std::string_view name) {
  for (const auto& header : headers) {
    if (header.name.size() == name.size() && strncasecmp(header.name.data(), name.data(), name.size()) == 0) {
      return header.value;
    }
  }
  return std::nullopt;
}

}  // namespace adjust
