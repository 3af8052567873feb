// The document model: one tree type for Kubernetes objects read from YAML or JSON.
//
// A Node is a 16-byte value: null, bool, integer, float, string, list, or map (keys are
// strings, insertion order kept). Strings of up to 14 bytes live inline; longer strings,
// lists and maps live in reference-counted blocks shared between copies and cloned on the
// first write (copy-on-write), so copying a whole object is O(1) and a copy never sees a
// later change of the original.
//
// Thread safety: reference counts are atomic, so distinct Nodes that share blocks may be used
// from different threads; one Node must not be written by one thread while used by another.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace plumb {

struct MapEntry;

class Node {
 public:
  enum class Type : uint8_t { null, boolean, integer, floating, string, list, map };

  Node() noexcept { m_small.tag = Tag::null; }
  Node(const Node& other) noexcept;
  Node(Node&& other) noexcept;
  Node& operator=(const Node& other) noexcept;
  Node& operator=(Node&& other) noexcept;
  ~Node() { release(); }

  static Node boolean(bool value) noexcept;
  static Node integer(int64_t value) noexcept;
  static Node floating(double value) noexcept;
  static Node string(std::string_view value);
  static Node list(size_t reserve = 0);
  static Node map(size_t reserve = 0);

  Type type() const noexcept;
  bool is_null() const noexcept { return m_small.tag == Tag::null; }
  bool is_bool() const noexcept { return m_small.tag == Tag::boolean; }
  bool is_int() const noexcept { return m_small.tag == Tag::integer; }
  bool is_float() const noexcept { return m_small.tag == Tag::floating; }
  bool is_string() const noexcept {
    return m_small.tag == Tag::small_string || m_small.tag == Tag::heap_string;
  }
  bool is_list() const noexcept { return m_small.tag == Tag::list; }
  bool is_map() const noexcept { return m_small.tag == Tag::map; }
  // A list or a map.
  bool is_container() const noexcept { return is_list() || is_map(); }

  // Scalar access. Calling the wrong one for the type returns the zero value.
  bool as_bool() const noexcept { return is_bool() && m_big.b; }
  int64_t as_int() const noexcept { return is_int() ? m_big.i : 0; }
  double as_float() const noexcept;             // integers convert
  std::string_view as_string() const noexcept;  // "" unless a string

  // Number of list items or map entries; 0 for scalars.
  size_t size() const noexcept;
  bool empty() const noexcept { return size() == 0; }

  // --- maps ---
  // nullptr when this is not a map or the key is absent.
  const Node* find(std::string_view key) const noexcept;
  // Like find, but returns a writable child (this map is unshared first).
  Node* find_mut(std::string_view key);
  // The child at a key, inserted as null when absent. A null Node becomes an empty map first.
  Node& operator[](std::string_view key);
  // Sets key to value, keeping the key's position when it exists, appending otherwise.
  void set(std::string_view key, Node value);
  // Removes a key; returns whether it was present.
  bool erase(std::string_view key);
  std::span<const MapEntry> entries() const noexcept;
  std::span<MapEntry> entries_mut();
  // Appends without checking for an existing key (readers use it after their own check).
  void append_entry(Node key, Node value);

  // --- lists ---
  std::span<const Node> items() const noexcept;
  std::span<Node> items_mut();
  // A null Node becomes an empty list first.
  void push_back(Node value);
  void insert_at(size_t index, Node value);
  void erase_at(size_t index);

  // Follows map keys; nullptr when any step is missing or not a map.
  const Node* at_path(std::initializer_list<std::string_view> keys) const noexcept;
  // The string at a path of map keys, or "" when absent or not a string.
  std::string_view string_at(std::initializer_list<std::string_view> keys) const noexcept;

  // Deep equality: same types and values; maps compare as sets of entries (order ignored),
  // lists in order. An integer and a float are equal when they hold the same number.
  friend bool operator==(const Node& a, const Node& b) noexcept;

  // Bytes of heap this tree holds (shared blocks counted once per reference); for benchmarks.
  size_t heap_bytes() const noexcept;

  // True when this Node and other share the same container or string block (no copy made).
  bool shares_with(const Node& other) const noexcept;

 private:
  enum class Tag : uint8_t {
    null,
    boolean,
    integer,
    floating,
    small_string,
    heap_string,
    list,
    map
  };
  static constexpr size_t k_small_capacity = 14;

  struct StringBlock;
  struct ListBlock;
  struct MapBlock;

  void release() noexcept;
  void retain() const noexcept;
  ListBlock& list_block();  // unshared
  MapBlock& map_block();    // unshared
  const ListBlock* list_block_const() const noexcept;
  const MapBlock* map_block_const() const noexcept;

  struct Small {
    Tag tag;
    uint8_t length;
    char chars[k_small_capacity];
  };
  struct Big {
    Tag tag;
    uint8_t pad[7];
    union {
      bool b;
      int64_t i;
      double d;
      StringBlock* s;
      ListBlock* l;
      MapBlock* m;
    };
  };
  union {
    Small m_small;
    Big m_big;
  };
};

static_assert(sizeof(Node) == 16);

struct MapEntry {
  Node key;  // always a string
  Node value;
};

// A string, integer or boolean scalar as the text a Go string field would decode it into
// ("42", "true"); "" for anything else.
std::string scalar_to_string(const Node& n);

}  // namespace plumb
