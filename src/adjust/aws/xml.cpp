// The pugixml adapter: the only file that sees pugixml.
#include "adjust/aws/xml.hpp"

#include <pugixml.hpp>

namespace adjust {
namespace {

std::string_view local_name(std::string_view name) {
  auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

XmlElement convert(const pugi::xml_node& node) {
  XmlElement element;
  element.name = std::string(local_name(node.name()));
  for (const auto& child : node.children()) {
    if (child.type() == pugi::node_element) {
      element.children.push_back(convert(child));
    } else if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      element.text += child.value();
    }
  }
  return element;
}

}  // namespace

const XmlElement* XmlElement::child(std::string_view child_name) const {
  for (const auto& candidate : children) {
    if (candidate.name == child_name) {
      return &candidate;
    }
  }
  return nullptr;
}

const XmlElement* XmlElement::find(std::initializer_list<std::string_view> path) const {
  const XmlElement* current = this;
  for (auto step : path) {
    current = current->child(step);
    if (current == nullptr) {
      return nullptr;
    }
  }
  return current;
}

std::string XmlElement::text_at(std::initializer_list<std::string_view> path) const {
  const XmlElement* found = find(path);
  return found == nullptr ? std::string() : found->text;
}

std::vector<const XmlElement*> XmlElement::children_named(std::string_view child_name) const {
  std::vector<const XmlElement*> out;
  for (const auto& candidate : children) {
    if (candidate.name == child_name) {
      out.push_back(&candidate);
    }
  }
  return out;
}

Result<XmlDocument> parse_xml(std::string_view text) {
  pugi::xml_document document;
  auto parsed = document.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    return fail(ErrorCode::aws_bad_response, std::string("invalid XML at offset ") +
                                                 std::to_string(parsed.offset) + ": " + parsed.description());
  }
  pugi::xml_node root = document.document_element();
  if (!root) {
    return fail(ErrorCode::aws_bad_response, "XML document has no root element");
  }
  return XmlDocument{convert(root)};
}

}  // namespace adjust
