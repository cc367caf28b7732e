// A small read-only XML tree for Query-protocol (ELBv2, STS) responses.
// Element names are kept without namespace prefixes and xmlns is ignored, so
// lookups never depend on how a service spells its namespace.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "adjust/base/result.hpp"

namespace adjust {

struct XmlElement {
  std::string name;                  // local name, e.g. "TargetHealth"
  std::string text;                  // concatenated direct text content
  std::vector<XmlElement> children;  // in document order

  // First child with this local name, or nullptr.
  const XmlElement* child(std::string_view child_name) const;
  // Descend through children by local name; nullptr when any step is missing.
  const XmlElement* find(std::initializer_list<std::string_view> path) const;
  // Text of find(path), or "" when absent.
  std::string text_at(std::initializer_list<std::string_view> path) const;
  // All direct children with this local name.
  std::vector<const XmlElement*> children_named(std::string_view child_name) const;
};

struct XmlDocument {
  XmlElement root;
};

// Parse a whole document. Fails with ErrorCode::aws_bad_response.
Result<XmlDocument> parse_xml(std::string_view text);

}  // namespace adjust
