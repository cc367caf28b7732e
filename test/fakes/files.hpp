// Files for tests: an in-memory FileSource that counts its reads.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "adjust/base/file_source.hpp"

namespace adjust::testing {

// Files by path; absent paths do not exist; `unreadable` ones fail.
class MapFileSource final : public FileSource {
 public:
  Result<std::optional<std::string>> read(const std::string& path) const override {
    ++reads;
    if (unreadable.contains(path)) {
      return fail(ErrorCode::config, "cannot read " + path + ": Permission denied");
    }
    auto found = files.find(path);
    if (found == files.end()) {
      return std::optional<std::string>();
    }
    return std::optional<std::string>(found->second);
  }

  std::map<std::string, std::string> files;
  std::map<std::string, bool> unreadable;
  mutable int reads = 0;
};

}  // namespace adjust::testing
