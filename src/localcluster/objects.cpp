#include "localcluster/objects.hpp"

#include <charconv>
#include <random>

namespace plumb::localcluster {
namespace {

std::mt19937_64& generator() {
  thread_local std::mt19937_64 engine(std::random_device{}());
  return engine;
}

Node without(const Node& object, std::initializer_list<std::string_view> keys) {
  Node copy = object;
  for (std::string_view key : keys)
    copy.erase(key);
  return copy;
}

}  // namespace

std::string new_uid() {
  static constexpr char k_hex[] = "0123456789abcdef";
  uint64_t hi = generator()();
  uint64_t lo = generator()();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10
  std::string out;
  for (int i = 0; i < 32; ++i) {
    uint64_t word = i < 16 ? hi : lo;
    int shift = (15 - (i % 16)) * 4;
    out += k_hex[(word >> shift) & 15];
    if (i == 7 || i == 11 || i == 15 || i == 19) out += '-';
  }
  return out;
}

std::string random_suffix(size_t length) {
  // Kubernetes leaves out vowels and look-alike characters so names spell no words.
  static constexpr char k_alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::string out;
  for (size_t i = 0; i < length; ++i)
    out += k_alphabet[generator()() % (sizeof k_alphabet - 1)];
  return out;
}

uint64_t parse_rv(std::string_view text) {
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return 0;
  return value;
}

uint64_t object_rv(const Node& object) {
  return parse_rv(object.string_at({"metadata", "resourceVersion"}));
}

bool same_spec(const Node& a, const Node& b) {
  return without(a, {"metadata", "status"}) == without(b, {"metadata", "status"});
}

bool same_content(const Node& a, const Node& b) {
  auto comparable = [](const Node& object) {
    Node metadata = object.find("metadata") ? *object.find("metadata") : Node();
    metadata.erase("resourceVersion");
    // A manager re-applying the same fields only moves its timestamp: not a change.
    if (Node* managed = metadata.find_mut("managedFields")) {
      for (Node& entry : managed->items_mut())
        entry.erase("time");
    }
    return metadata;
  };
  return comparable(a) == comparable(b) && without(a, {"metadata"}) == without(b, {"metadata"});
}

const Node* find_path(const Node& object, std::string_view dotted) {
  const Node* node = &object;
  while (node != nullptr && !dotted.empty()) {
    size_t dot = dotted.find('.');
    node = node->find(dotted.substr(0, dot));
    dotted = dot == std::string_view::npos ? std::string_view() : dotted.substr(dot + 1);
  }
  return node;
}

}  // namespace plumb::localcluster
