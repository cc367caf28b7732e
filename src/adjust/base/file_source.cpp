#include "adjust/base/file_source.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

namespace adjust {

Result<std::optional<std::string>> LocalFileSource::read(const std::string& path) const {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int error = errno;
    if (error == ENOENT || error == ENOTDIR) {
      return std::optional<std::string>();
    }
    return fail(ErrorCode::config, "cannot read " + path + ": " + std::generic_category().message(error));
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    return fail(ErrorCode::config, "cannot read " + path);
  }
  return std::optional<std::string>(content.str());
}

FileSource& local_file_source() {
  static LocalFileSource source;
  return source;
}

}  // namespace adjust
