// Reading small local files (AWS profile files, token files) behind an
// interface, so tests give each case its own files without touching disk.
#pragma once

#include <optional>
#include <string>

#include "adjust/base/result.hpp"

namespace adjust {

class FileSource {
 public:
  virtual ~FileSource() = default;
  // The whole content; nullopt when the file does not exist; an Error
  // (ErrorCode::config) when it exists but cannot be read.
  virtual Result<std::optional<std::string>> read(const std::string& path) const = 0;
};

class LocalFileSource final : public FileSource {
 public:
  Result<std::optional<std::string>> read(const std::string& path) const override;
};

// A process-wide LocalFileSource.
FileSource& local_file_source();

}  // namespace adjust
