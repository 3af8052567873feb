// sprig's semver and semverCompare over Masterminds semver v3 (semver.hpp). `semver` yields
// a *semver.Version: Major/Minor/Patch (uint64), Prerelease, Metadata, Original, String,
// Compare, LessThan, GreaterThan, Equal, IncMajor/IncMinor/IncPatch; it prints as String().
#include "sprig/convert.hpp"
#include "sprig/semver.hpp"

namespace plumb::sprig {

using gotemplate::CallContext;
using gotemplate::FuncInfo;
using gotemplate::GoType;

namespace {

using Args = std::span<const Value>;

class VersionObject : public gotemplate::Object {
 public:
  VersionObject(SemVersion version, std::string original, bool pointer = true)
      : m_version(std::move(version)), m_original(std::move(original)), m_pointer(pointer) {
    for (std::string_view name : k_method_names)
      m_methods.emplace_back(name, make_method(name));
  }
  VersionObject(const VersionObject&) = delete;
  VersionObject& operator=(const VersionObject&) = delete;

  std::string type_name() const override {
    return m_pointer ? "*semver.Version" : "semver.Version";
  }
  std::string_view kind_name() const override { return m_pointer ? "ptr" : "struct"; }
  std::optional<Value> field(std::string_view) const override { return std::nullopt; }
  const FuncInfo* method(std::string_view name) const override;
  void format(std::string& out) const override { out += m_version.to_string(); }
  // Version.MarshalJSON: the String() form.
  Node to_node() const override { return Node::string(m_version.to_string()); }

  const SemVersion& version() const { return m_version; }
  // IncMajor and friends return a Version value, not a pointer.
  static Value value_of(SemVersion v, std::string original) {
    return Value::object(std::make_shared<VersionObject>(std::move(v), std::move(original), false));
  }

 private:
  static constexpr std::string_view k_method_names[] = {"Major",
                                                        "Minor",
                                                        "Patch",
                                                        "Prerelease",
                                                        "Metadata",
                                                        "Original",
                                                        "String",
                                                        "Compare",
                                                        "LessThan",
                                                        "GreaterThan",
                                                        "Equal",
                                                        "LessThanEqual",
                                                        "GreaterThanEqual",
                                                        "IncMajor",
                                                        "IncMinor",
                                                        "IncPatch"};
  FuncInfo make_method(std::string_view name) const;

  SemVersion m_version;
  std::string m_original;
  bool m_pointer = true;
  // Built once per object: the engine holds a method's FuncInfo while it runs.
  std::vector<std::pair<std::string_view, FuncInfo>> m_methods;
};

Result<const VersionObject*> version_arg(const Value& v) {
  const auto* object = dynamic_cast<const VersionObject*>(v.object_ptr());
  if (object == nullptr) {
    return fail("wrong type for value; expected *semver.Version; got ",
                v.is_nothing() ? std::string("interface {}") : v.type_name());
  }
  return object;
}

const FuncInfo* VersionObject::method(std::string_view name) const {
  for (const auto& [n, info] : m_methods)
    if (n == name) return &info;
  return nullptr;
}

FuncInfo VersionObject::make_method(std::string_view name) const {
  std::vector<std::pair<std::string_view, FuncInfo>> table;
  const VersionObject* self = this;
  auto unsigned_value = [](uint64_t x) {
    return Value::integer(static_cast<int64_t>(x), GoType::uint64);
  };
  auto compare_method = [self](auto pick) {
    return FuncInfo{[self, pick](CallContext&, Args args) -> Result<Value> {
                      const VersionObject* other = TRY(version_arg(args[0]));
                      return pick(self->m_version.compare(other->m_version));
                    },
                    {Param::any}};
  };
  auto nullary = [](gotemplate::Function fn) { return FuncInfo{std::move(fn), {}}; };
  if (name == "Major")
    table.emplace_back(name, nullary([=](CallContext&, Args) -> Result<Value> {
                         return unsigned_value(self->m_version.major);
                       }));
  else if (name == "Minor")
    table.emplace_back(name, nullary([=](CallContext&, Args) -> Result<Value> {
                         return unsigned_value(self->m_version.minor);
                       }));
  else if (name == "Patch")
    table.emplace_back(name, nullary([=](CallContext&, Args) -> Result<Value> {
                         return unsigned_value(self->m_version.patch);
                       }));
  else if (name == "Prerelease")
    table.emplace_back(name, nullary([=](CallContext&, Args) -> Result<Value> {
                         return Value::string(self->m_version.prerelease);
                       }));
  else if (name == "Metadata")
    table.emplace_back(name, nullary([=](CallContext&, Args) -> Result<Value> {
                         return Value::string(self->m_version.metadata);
                       }));
  else if (name == "Original")
    table.emplace_back(name, nullary([=](CallContext&, Args) -> Result<Value> {
                         return Value::string(self->m_original);
                       }));
  else if (name == "String")
    table.emplace_back(name, nullary([=](CallContext&, Args) -> Result<Value> {
                         return Value::string(self->m_version.to_string());
                       }));
  else if (name == "Compare")
    table.emplace_back(name, compare_method([](int c) { return Value::integer(c); }));
  else if (name == "LessThan")
    table.emplace_back(name, compare_method([](int c) { return Value::boolean(c < 0); }));
  else if (name == "GreaterThan")
    table.emplace_back(name, compare_method([](int c) { return Value::boolean(c > 0); }));
  else if (name == "Equal")
    table.emplace_back(name, compare_method([](int c) { return Value::boolean(c == 0); }));
  else if (name == "LessThanEqual")
    table.emplace_back(name, compare_method([](int c) { return Value::boolean(c <= 0); }));
  else if (name == "GreaterThanEqual")
    table.emplace_back(name, compare_method([](int c) { return Value::boolean(c >= 0); }));
  else if (name == "IncMajor" || name == "IncMinor" || name == "IncPatch") {
    std::string which(name);
    table.emplace_back(name, nullary([=](CallContext&, Args) -> Result<Value> {
                         SemVersion v = self->m_version;
                         // Masterminds: IncPatch of a pre-release drops it and keeps the patch.
                         bool pre = !v.prerelease.empty();
                         v.metadata.clear();
                         v.prerelease.clear();
                         if (which == "IncMajor") {
                           v.major++;
                           v.minor = v.patch = 0;
                         } else if (which == "IncMinor") {
                           v.minor++;
                           v.patch = 0;
                         } else if (!pre) {
                           v.patch++;
                         }
                         return value_of(v, v.to_string());
                       }));
  }
  return std::move(table.back().second);
}

}  // namespace

void add_semver_functions(gotemplate::FuncMap& funcs) {
  add(funcs, "semver", {Param::string}, Variadic::no, [](CallContext&, Args args) -> Result<Value> {
    std::string_view text = args[0].as_string();
    SemVersion v = TRY(SemVersion::parse_checked(text));
    return Value::object(std::make_shared<VersionObject>(std::move(v), std::string(text)));
  });
  add(funcs, "semverCompare", {Param::string, Param::string}, Variadic::no,
      [](CallContext&, Args args) -> Result<Value> {
        std::string_view constraint = args[0].as_string();
        // NewConstraint names the first "||" group it refuses, as written.
        for (size_t start = 0;;) {
          size_t at = constraint.find("||", start);
          std::string_view group =
              constraint.substr(start, at == std::string_view::npos ? at : at - start);
          bool blank = group.find_first_not_of(" \t") == std::string_view::npos;
          if (blank || !SemConstraint::parse(group)) return fail("improper constraint: ", group);
          if (at == std::string_view::npos) break;
          start = at + 2;
        }
        auto c = SemConstraint::parse(constraint);
        if (!c) return fail("improper constraint: ", constraint);
        SemVersion v = TRY(SemVersion::parse_checked(args[1].as_string()));
        return Value::boolean(c->check(v));
      });
}

}  // namespace plumb::sprig
