// SigV4 canonical request: URI, query and header canonicalisation. Rules and
// the pitfalls behind them: shared/spec/aws-client.md §2-§4.
#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

#include "adjust/aws/sigv4_stages.hpp"

namespace adjust::sigv4 {
namespace {

constexpr std::array<bool, 256> make_unreserved_table() {
  std::array<bool, 256> table{};
  for (int c = 'A'; c <= 'Z'; ++c) {
    table[static_cast<std::size_t>(c)] = true;
  }
  for (int c = 'a'; c <= 'z'; ++c) {
    table[static_cast<std::size_t>(c)] = true;
  }
  for (int c = '0'; c <= '9'; ++c) {
    table[static_cast<std::size_t>(c)] = true;
  }
  for (char c : {'-', '_', '.', '~'}) {
    table[static_cast<unsigned char>(c)] = true;
  }
  return table;
}

constexpr std::array<bool, 256> k_unreserved = make_unreserved_table();

constexpr bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

constexpr char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string ascii_lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = ascii_lower(c);
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  return -1;
}

}  // namespace

std::string uri_encode(std::string_view text, bool encode_slash) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + text.size() / 2);
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (k_unreserved[byte] || (c == '/' && !encode_slash)) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(k_hex[byte >> 4]);
      out.push_back(k_hex[byte & 0x0f]);
    }
  }
  return out;
}

std::string uri_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>((high << 4) | low));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

UrlParts split_url(std::string_view url) {
  UrlParts parts;
  std::string_view rest = url;
  if (const auto fragment = rest.find('#'); fragment != std::string_view::npos) {
    rest = rest.substr(0, fragment);
  }
  if (const auto scheme_end = rest.find("://"); scheme_end != std::string_view::npos) {
    parts.scheme = rest.substr(0, scheme_end);
    rest.remove_prefix(scheme_end + 3);
    const auto authority_end = rest.find_first_of("/?");
    parts.authority = rest.substr(0, authority_end);
    rest.remove_prefix(parts.authority.size());
  }
  const auto query_start = rest.find('?');
  parts.path = rest.substr(0, query_start);
  if (query_start != std::string_view::npos) {
    parts.query = rest.substr(query_start + 1);
  }
  return parts;
}

std::string host_from_url(std::string_view url) {
  const UrlParts parts = split_url(url);
  std::string_view authority = parts.authority;
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  std::string_view host = authority;
  std::string_view port;
  // An IPv6 literal keeps its brackets; its colons are not a port separator.
  const auto search_from = authority.starts_with('[') ? authority.find(']') : 0;
  if (search_from != std::string_view::npos) {
    if (const auto colon = authority.find(':', search_from); colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
  }
  std::string out = ascii_lowercase(host);
  unsigned port_number = 0;
  const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), port_number);
  if (port.empty() || error != std::errc{} || end != port.data() + port.size()) {
    return out;
  }
  const std::string scheme = ascii_lowercase(parts.scheme);
  const unsigned default_port = scheme == "http" ? 80U : scheme == "https" ? 443U : 0U;
  if (port_number != default_port) {
    out += ':';
    out += std::to_string(port_number);
  }
  return out;
}

std::string remove_dot_segments(std::string_view path) {
  if (path.empty()) {
    return {};
  }
  std::vector<std::string_view> kept;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) {
      end = path.size();
    }
    const std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!kept.empty()) {
        kept.pop_back();
      }
    } else if (!segment.empty() && segment != ".") {
      kept.push_back(segment);
    }
    start = end + 1;
  }
  std::string out;
  out.reserve(path.size());
  if (path.front() == '/') {
    out.push_back('/');
  }
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (i > 0) {
      out.push_back('/');
    }
    out.append(kept[i]);
  }
  // A trailing slash survives only when a segment remains (botocore, aws-c-auth).
  if (path.back() == '/' && !kept.empty()) {
    out.push_back('/');
  }
  return out;
}

std::string canonical_uri(std::string_view path, const SigningParams& params) {
  std::string normalized = params.normalize_path ? remove_dot_segments(path) : std::string(path);
  if (normalized.empty()) {
    normalized.push_back('/');  // (push_back: GCC 12 misreports -Wrestrict on = "/")
  }
  return params.double_encode_path ? uri_encode(normalized, false) : normalized;
}

std::string canonical_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::size_t start = 0;
  while (start <= query.size() && !query.empty()) {
    auto end = query.find('&', start);
    if (end == std::string_view::npos) {
      end = query.size();
    }
    const std::string_view pair = query.substr(start, end - start);
    if (!pair.empty()) {
      const auto equals = pair.find('=');
      const std::string_view key = pair.substr(0, equals);
      const std::string_view value =
          equals == std::string_view::npos ? std::string_view{} : pair.substr(equals + 1);
      pairs.emplace_back(uri_encode(uri_decode(key)), uri_encode(uri_decode(value)));
    }
    start = end + 1;
  }
  // Sort by encoded key, then encoded value: never by the joined "k=v",
  // which misorders keys that prefix one another ("a" vs "a-b").
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [key, value] : pairs) {
    if (!out.empty()) {
      out.push_back('&');
    }
    out += key;
    out.push_back('=');
    out += value;
  }
  return out;
}

bool is_unsigned_header(std::string_view name) {
  static constexpr std::string_view k_unsigned[] = {"authorization",
                                                    "connection",
                                                    "expect",
                                                    "keep-alive",
                                                    "proxy-authenticate",
                                                    "proxy-authorization",
                                                    "te",
                                                    "trailer",
                                                    "transfer-encoding",
                                                    "upgrade",
                                                    "user-agent",
                                                    "x-amzn-trace-id"};
  return std::find(std::begin(k_unsigned), std::end(k_unsigned), name) != std::end(k_unsigned);
}

std::string canonical_header_value(std::string_view value) {
  // Most values need no trimming or folding: one copy, no per-character appends.
  bool plain = value.empty() || (!is_space(value.front()) && !is_space(value.back()));
  for (std::size_t i = 0; plain && i < value.size(); ++i) {
    plain = value[i] == ' ' ? value[i + 1] != ' ' : !is_space(value[i]);
  }
  if (plain) {
    return std::string(value);
  }
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (char c : value) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) {
      out.push_back(' ');
      pending_space = false;
    }
    out.push_back(c);
  }
  return out;
}

CanonicalHeaders canonical_headers(const HttpHeaders& headers, const HttpHeaders& additions,
                                   std::string_view url) {
  std::vector<std::pair<std::string, std::string>> entries;  // lowercase name, canonical value
  entries.reserve(headers.size() + additions.size() + 1);
  bool has_host = false;
  auto add = [&](const HttpHeader& header) {
    std::string name = ascii_lowercase(header.name);
    if (is_unsigned_header(name)) {
      return;
    }
    has_host = has_host || name == "host";
    entries.emplace_back(std::move(name), canonical_header_value(header.value));
  };
  for (const auto& header : headers) {
    add(header);
  }
  for (const auto& header : additions) {
    add(header);
  }
  if (!has_host) {
    // Canonicalised like any value: a URL's authority may carry whitespace.
    entries.emplace_back("host", canonical_header_value(host_from_url(url)));
  }
  // Sort by name only, keeping repeated headers in arrival order: an insertion
  // sort is stable and, for a request's handful of headers, allocates nothing
  // (std::stable_sort takes a buffer from the heap).
  for (std::size_t i = 1; i < entries.size(); ++i) {
    for (std::size_t j = i; j > 0 && entries[j].first < entries[j - 1].first; --j) {
      std::swap(entries[j], entries[j - 1]);
    }
  }

  CanonicalHeaders out;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const bool repeat = i > 0 && entries[i].first == entries[i - 1].first;
    if (repeat) {
      out.lines.back() = ',';  // replace the previous line's '\n'
    } else {
      if (!out.signed_headers.empty()) {
        out.signed_headers.push_back(';');
      }
      out.signed_headers += entries[i].first;
      out.lines += entries[i].first;
      out.lines.push_back(':');
    }
    out.lines += entries[i].second;
    out.lines.push_back('\n');
  }
  return out;
}

CanonicalRequest canonical_request(const HttpRequest& request, const HttpHeaders& additions,
                                   std::string_view payload_hash, const SigningParams& params) {
  const UrlParts parts = split_url(request.url);
  CanonicalHeaders headers = canonical_headers(request.headers, additions, request.url);
  CanonicalRequest out;
  std::string& text = out.text;
  const std::string uri = canonical_uri(parts.path, params);
  const std::string query = canonical_query(parts.query);
  text.reserve(request.method.size() + uri.size() + query.size() + headers.lines.size() +
               headers.signed_headers.size() + payload_hash.size() + 8);
  text += request.method;
  text += '\n';
  text += uri;
  text += '\n';
  text += query;
  text += '\n';
  text += headers.lines;
  text += '\n';
  text += headers.signed_headers;
  text += '\n';
  text += payload_hash;
  out.signed_headers = std::move(headers.signed_headers);
  return out;
}

}  // namespace adjust::sigv4
