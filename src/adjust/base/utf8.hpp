// UTF-8 validation for text we turn into JSON: nlohmann::json throws when it
// serialises a string that is not valid UTF-8, so such text is rejected where
// it enters (config.yaml) rather than deep inside an error message.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace adjust {

// The offset of the first byte that does not start a valid UTF-8 sequence
// (RFC 3629: no overlong forms, surrogates or code points above U+10FFFF),
// or nullopt when the whole text is valid.
std::optional<std::size_t> first_invalid_utf8(std::string_view text);

}  // namespace adjust
