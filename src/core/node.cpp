#include "core/node.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <new>
#include <vector>

namespace plumb {

struct Node::StringBlock {
  std::atomic<uint32_t> refs;
  uint32_t size;
  char chars[1];  // size bytes follow

  static StringBlock* make(std::string_view text) {
    void* memory = ::operator new(offsetof(StringBlock, chars) + text.size());
    auto* block = static_cast<StringBlock*>(memory);
    new (&block->refs) std::atomic<uint32_t>(1);
    block->size = static_cast<uint32_t>(text.size());
    std::memcpy(block->chars, text.data(), text.size());
    return block;
  }
  static void destroy(StringBlock* block) {
    block->refs.~atomic();
    ::operator delete(block);
  }
};

struct Node::ListBlock {
  std::atomic<uint32_t> refs{1};
  std::vector<Node> items;
};

struct Node::MapBlock {
  std::atomic<uint32_t> refs{1};
  std::vector<MapEntry> entries;
};

namespace {

template <typename Block>
bool drop_ref(Block* block) {
  return block->refs.fetch_sub(1, std::memory_order_acq_rel) == 1;
}

}  // namespace

Node::Node(const Node& other) noexcept {
  std::memcpy(static_cast<void*>(this), &other, sizeof(Node));
  retain();
}

Node::Node(Node&& other) noexcept {
  std::memcpy(static_cast<void*>(this), &other, sizeof(Node));
  other.m_small.tag = Tag::null;
}

Node& Node::operator=(const Node& other) noexcept {
  if (this != &other) {
    other.retain();
    release();
    std::memcpy(static_cast<void*>(this), &other, sizeof(Node));
  }
  return *this;
}

Node& Node::operator=(Node&& other) noexcept {
  if (this != &other) {
    release();
    std::memcpy(static_cast<void*>(this), &other, sizeof(Node));
    other.m_small.tag = Tag::null;
  }
  return *this;
}

void Node::retain() const noexcept {
  switch (m_small.tag) {
    case Tag::heap_string:
      m_big.s->refs.fetch_add(1, std::memory_order_relaxed);
      break;
    case Tag::list:
      m_big.l->refs.fetch_add(1, std::memory_order_relaxed);
      break;
    case Tag::map:
      m_big.m->refs.fetch_add(1, std::memory_order_relaxed);
      break;
    default:
      break;
  }
}

void Node::release() noexcept {
  switch (m_small.tag) {
    case Tag::heap_string:
      if (drop_ref(m_big.s)) StringBlock::destroy(m_big.s);
      break;
    case Tag::list:
      if (drop_ref(m_big.l)) delete m_big.l;
      break;
    case Tag::map:
      if (drop_ref(m_big.m)) delete m_big.m;
      break;
    default:
      break;
  }
  m_small.tag = Tag::null;
}

Node Node::boolean(bool value) noexcept {
  Node n;
  n.m_big.tag = Tag::boolean;
  n.m_big.b = value;
  return n;
}

Node Node::integer(int64_t value) noexcept {
  Node n;
  n.m_big.tag = Tag::integer;
  n.m_big.i = value;
  return n;
}

Node Node::floating(double value) noexcept {
  Node n;
  n.m_big.tag = Tag::floating;
  n.m_big.d = value;
  return n;
}

Node Node::string(std::string_view value) {
  Node n;
  if (value.size() <= k_small_capacity) {
    n.m_small.tag = Tag::small_string;
    n.m_small.length = static_cast<uint8_t>(value.size());
    if (!value.empty()) std::memcpy(n.m_small.chars, value.data(), value.size());
  } else {
    n.m_big.s = StringBlock::make(value);
    n.m_big.tag = Tag::heap_string;
  }
  return n;
}

Node Node::list(size_t reserve) {
  Node n;
  n.m_big.l = new ListBlock();
  n.m_big.l->items.reserve(reserve);
  n.m_big.tag = Tag::list;
  return n;
}

Node Node::map(size_t reserve) {
  Node n;
  n.m_big.m = new MapBlock();
  n.m_big.m->entries.reserve(reserve);
  n.m_big.tag = Tag::map;
  return n;
}

Node::Type Node::type() const noexcept {
  switch (m_small.tag) {
    case Tag::null:
      return Type::null;
    case Tag::boolean:
      return Type::boolean;
    case Tag::integer:
      return Type::integer;
    case Tag::floating:
      return Type::floating;
    case Tag::small_string:
    case Tag::heap_string:
      return Type::string;
    case Tag::list:
      return Type::list;
    case Tag::map:
      return Type::map;
  }
  return Type::null;
}

double Node::as_float() const noexcept {
  if (is_float()) return m_big.d;
  if (is_int()) return static_cast<double>(m_big.i);
  return 0;
}

std::string_view Node::as_string() const noexcept {
  if (m_small.tag == Tag::small_string) return {m_small.chars, m_small.length};
  if (m_small.tag == Tag::heap_string) return {m_big.s->chars, m_big.s->size};
  return {};
}

size_t Node::size() const noexcept {
  if (is_list()) return m_big.l->items.size();
  if (is_map()) return m_big.m->entries.size();
  return 0;
}

const Node::ListBlock* Node::list_block_const() const noexcept {
  return is_list() ? m_big.l : nullptr;
}

const Node::MapBlock* Node::map_block_const() const noexcept {
  return is_map() ? m_big.m : nullptr;
}

Node::ListBlock& Node::list_block() {
  if (!is_list()) *this = list();
  if (m_big.l->refs.load(std::memory_order_acquire) != 1) {
    auto* copy = new ListBlock();
    copy->items = m_big.l->items;
    release();
    m_big.l = copy;
    m_big.tag = Tag::list;
  }
  return *m_big.l;
}

Node::MapBlock& Node::map_block() {
  if (!is_map()) *this = map();
  if (m_big.m->refs.load(std::memory_order_acquire) != 1) {
    auto* copy = new MapBlock();
    copy->entries = m_big.m->entries;
    release();
    m_big.m = copy;
    m_big.tag = Tag::map;
  }
  return *m_big.m;
}

const Node* Node::find(std::string_view key) const noexcept {
  const MapBlock* block = map_block_const();
  if (!block) return nullptr;
  for (const MapEntry& e : block->entries) {
    if (e.key.as_string() == key) return &e.value;
  }
  return nullptr;
}

Node* Node::find_mut(std::string_view key) {
  if (!is_map()) return nullptr;
  for (MapEntry& e : map_block().entries) {
    if (e.key.as_string() == key) return &e.value;
  }
  return nullptr;
}

Node& Node::operator[](std::string_view key) {
  if (Node* found = find_mut(key)) return *found;
  auto& entries = map_block().entries;
  entries.push_back(MapEntry{Node::string(key), Node()});
  return entries.back().value;
}

void Node::set(std::string_view key, Node value) {
  (*this)[key] = std::move(value);
}

bool Node::erase(std::string_view key) {
  if (!find(key)) return false;
  auto& entries = map_block().entries;
  auto it = std::find_if(entries.begin(), entries.end(),
                         [&](const MapEntry& e) { return e.key.as_string() == key; });
  entries.erase(it);
  return true;
}

std::span<const MapEntry> Node::entries() const noexcept {
  const MapBlock* block = map_block_const();
  if (!block) return {};
  return block->entries;
}

std::span<MapEntry> Node::entries_mut() {
  if (!is_map()) return {};
  return map_block().entries;
}

void Node::append_entry(Node key, Node value) {
  map_block().entries.push_back(MapEntry{std::move(key), std::move(value)});
}

std::span<const Node> Node::items() const noexcept {
  const ListBlock* block = list_block_const();
  if (!block) return {};
  return block->items;
}

std::span<Node> Node::items_mut() {
  if (!is_list()) return {};
  return list_block().items;
}

void Node::push_back(Node value) {
  list_block().items.push_back(std::move(value));
}

void Node::insert_at(size_t index, Node value) {
  auto& items = list_block().items;
  items.insert(items.begin() + static_cast<std::ptrdiff_t>(std::min(index, items.size())),
               std::move(value));
}

void Node::erase_at(size_t index) {
  auto& items = list_block().items;
  if (index < items.size()) items.erase(items.begin() + static_cast<std::ptrdiff_t>(index));
}

const Node* Node::at_path(std::initializer_list<std::string_view> keys) const noexcept {
  const Node* at = this;
  for (std::string_view key : keys) {
    at = at->find(key);
    if (!at) return nullptr;
  }
  return at;
}

std::string_view Node::string_at(std::initializer_list<std::string_view> keys) const noexcept {
  const Node* at = at_path(keys);
  return at ? at->as_string() : std::string_view();
}

bool operator==(const Node& a, const Node& b) noexcept {
  if (a.shares_with(b)) return true;
  const Node::Type ta = a.type();
  const Node::Type tb = b.type();
  if (ta != tb) {
    bool numbers = (ta == Node::Type::integer || ta == Node::Type::floating) &&
                   (tb == Node::Type::integer || tb == Node::Type::floating);
    return numbers && a.as_float() == b.as_float();
  }
  switch (ta) {
    case Node::Type::null:
      return true;
    case Node::Type::boolean:
      return a.as_bool() == b.as_bool();
    case Node::Type::integer:
      return a.as_int() == b.as_int();
    case Node::Type::floating:
      return a.as_float() == b.as_float();
    case Node::Type::string:
      return a.as_string() == b.as_string();
    case Node::Type::list: {
      auto ia = a.items();
      auto ib = b.items();
      return std::equal(ia.begin(), ia.end(), ib.begin(), ib.end());
    }
    case Node::Type::map: {
      auto ea = a.entries();
      if (ea.size() != b.size()) return false;
      for (const MapEntry& e : ea) {
        const Node* other = b.find(e.key.as_string());
        if (!other || !(e.value == *other)) return false;
      }
      return true;
    }
  }
  return false;
}

bool Node::shares_with(const Node& other) const noexcept {
  if (m_small.tag != other.m_small.tag) return false;
  switch (m_small.tag) {
    case Tag::heap_string:
      return m_big.s == other.m_big.s;
    case Tag::list:
      return m_big.l == other.m_big.l;
    case Tag::map:
      return m_big.m == other.m_big.m;
    default:
      return false;
  }
}

size_t Node::heap_bytes() const noexcept {
  switch (m_small.tag) {
    case Tag::heap_string:
      return offsetof(StringBlock, chars) + m_big.s->size;
    case Tag::list: {
      size_t total = sizeof(ListBlock) + m_big.l->items.capacity() * sizeof(Node);
      for (const Node& item : m_big.l->items)
        total += item.heap_bytes();
      return total;
    }
    case Tag::map: {
      size_t total = sizeof(MapBlock) + m_big.m->entries.capacity() * sizeof(MapEntry);
      for (const MapEntry& e : m_big.m->entries)
        total += e.key.heap_bytes() + e.value.heap_bytes();
      return total;
    }
    default:
      return 0;
  }
}

std::string scalar_to_string(const Node& n) {
  switch (n.type()) {
    case Node::Type::string:
      return std::string(n.as_string());
    case Node::Type::integer:
      return std::to_string(n.as_int());
    case Node::Type::boolean:
      return n.as_bool() ? "true" : "false";
    default:
      return "";
  }
}

}  // namespace plumb
