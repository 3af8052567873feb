// sprig's path functions (Go's path and, on Linux the same, path/filepath: base, dir, clean,
// ext, isAbs, osBase ...) and urlParse/urlJoin over a port of the parts of Go's net/url
// they use (Parse, Hostname, User.String, URL.String with its escaping rules).
#include "gotemplate/strconv.hpp"
#include "sprig/go_text.hpp"
#include "sprig/sprig_groups.hpp"

namespace plumb::sprig {

namespace {

using gotemplate::CallContext;

// path.Clean.
std::string clean(std::string_view p) {
  if (p.empty()) return ".";
  bool rooted = p[0] == '/';
  size_t n = p.size();
  std::string out;
  size_t r = 0, dotdot = 0;
  if (rooted) {
    out += '/';
    r = 1;
    dotdot = 1;
  }
  while (r < n) {
    if (p[r] == '/') {
      ++r;
    } else if (p[r] == '.' && (r + 1 == n || p[r + 1] == '/')) {
      ++r;
    } else if (p[r] == '.' && p[r + 1] == '.' && (r + 2 == n || p[r + 2] == '/')) {
      r += 2;
      if (out.size() > dotdot) {
        size_t w = out.size() - 1;
        while (w > dotdot && out[w] != '/')
          --w;
        out.resize(w);
      } else if (!rooted) {
        if (!out.empty()) out += '/';
        out += "..";
        dotdot = out.size();
      }
    } else {
      if ((rooted && out.size() != 1) || (!rooted && !out.empty())) out += '/';
      for (; r < n && p[r] != '/'; ++r)
        out += p[r];
    }
  }
  if (out.empty()) return ".";
  return out;
}

std::string base(std::string_view p) {
  if (p.empty()) return ".";
  while (!p.empty() && p.back() == '/')
    p.remove_suffix(1);
  size_t slash = p.rfind('/');
  if (slash != std::string_view::npos) p.remove_prefix(slash + 1);
  if (p.empty()) return "/";
  return std::string(p);
}

std::string dir(std::string_view p) {
  size_t slash = p.rfind('/');
  return clean(p.substr(0, slash == std::string_view::npos ? 0 : slash + 1));
}

std::string ext(std::string_view p) {
  for (size_t i = p.size(); i > 0 && p[i - 1] != '/'; --i) {
    if (p[i - 1] == '.') return std::string(p.substr(i - 1));
  }
  return "";
}

// net/url.

enum class Mode { path, host, user_password, query_component, fragment };

bool should_escape(unsigned char c, Mode mode) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return false;
  if (mode == Mode::host) {
    switch (c) {
      case '!':
      case '$':
      case '&':
      case '\'':
      case '(':
      case ')':
      case '*':
      case '+':
      case ',':
      case ';':
      case '=':
      case ':':
      case '[':
      case ']':
      case '<':
      case '>':
      case '"':
        return false;
      default:
        break;
    }
  }
  switch (c) {
    case '-':
    case '_':
    case '.':
    case '~':
      return false;
    case '$':
    case '&':
    case '+':
    case ',':
    case '/':
    case ':':
    case ';':
    case '=':
    case '?':
    case '@':
      switch (mode) {
        case Mode::user_password:
          return c == '@' || c == '/' || c == '?' || c == ':';
        case Mode::query_component:
          return true;
        case Mode::fragment:
          return false;
        case Mode::path:
          return c == '?';
        case Mode::host:
          return true;
      }
      break;
    default:
      break;
  }
  if (mode == Mode::fragment) {
    switch (c) {
      case '!':
      case '(':
      case ')':
      case '*':
        return false;
      default:
        break;
    }
  }
  return true;
}

std::string escape(std::string_view s, Mode mode) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (!should_escape(c, mode)) {
      out += ch;
    } else if (c == ' ' && mode == Mode::query_component) {
      out += '+';
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

int unhex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> unescape(std::string_view s, Mode mode) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size() + 0 || unhex(s[i + 1]) < 0 || unhex(s[i + 2]) < 0) {
        std::string bad(s.substr(i, 3));
        return fail("invalid URL escape ", gotemplate::quote(bad));
      }
      out += static_cast<char>(unhex(s[i + 1]) * 16 + unhex(s[i + 2]));
      i += 2;
      continue;
    }
    if (mode == Mode::host && static_cast<unsigned char>(c) < 0x80 &&
        should_escape(static_cast<unsigned char>(c), mode)) {
      return fail("invalid character ", gotemplate::quote(std::string(1, c)), " in host name");
    }
    out += (c == '+' && mode == Mode::query_component) ? ' ' : c;
  }
  return out;
}

bool valid_optional_port(std::string_view port) {
  if (port.empty()) return true;
  if (port[0] != ':') return false;
  for (char c : port.substr(1))
    if (c < '0' || c > '9') return false;
  return true;
}

struct Url {
  std::string scheme, opaque, host, path, raw_query, fragment;
  bool has_user = false, has_password = false, omit_host = false, force_query = false;
  std::string username, password;

  std::string user_string() const {
    std::string s = escape(username, Mode::user_password);
    if (has_password) s += ":" + escape(password, Mode::user_password);
    return s;
  }
  std::string hostname() const {
    std::string_view h = host;
    size_t colon = h.rfind(':');
    if (colon != std::string_view::npos && valid_optional_port(h.substr(colon)))
      h = h.substr(0, colon);
    if (h.starts_with("[") && h.ends_with("]")) h = h.substr(1, h.size() - 2);
    return std::string(h);
  }
};

Result<void> parse_authority(Url& u, std::string_view authority) {
  size_t at = authority.rfind('@');
  std::string_view host = at == std::string_view::npos ? authority : authority.substr(at + 1);
  if (host.starts_with("[")) {
    size_t close = host.rfind(']');
    if (close == std::string_view::npos) return fail("missing ']' in host");
    std::string_view port = host.substr(close + 1);
    if (!valid_optional_port(port))
      return fail("invalid port ", gotemplate::quote(port), " after host");
  } else if (size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    std::string_view port = host.substr(colon);
    if (!valid_optional_port(port))
      return fail("invalid port ", gotemplate::quote(port), " after host");
  }
  u.host = TRY(unescape(host, Mode::host));
  if (at == std::string_view::npos) return {};
  std::string_view userinfo = authority.substr(0, at);
  for (char c : userinfo) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view("-._:~!$&'()*+,;=%@").find(c) != std::string_view::npos;
    if (!ok) return fail("net/url: invalid userinfo");
  }
  u.has_user = true;
  size_t colon = userinfo.find(':');
  if (colon == std::string_view::npos) {
    u.username = TRY(unescape(userinfo, Mode::user_password));
  } else {
    u.username = TRY(unescape(userinfo.substr(0, colon), Mode::user_password));
    u.password = TRY(unescape(userinfo.substr(colon + 1), Mode::user_password));
    u.has_password = true;
  }
  return {};
}

Result<Url> parse_rest(std::string_view raw) {
  Url u;
  for (char c : raw) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
      return fail("net/url: invalid control character in URL");
  }
  if (raw == "*") {
    u.path = "*";
    return u;
  }
  std::string_view rest = raw;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) continue;
    if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
      if (i == 0) break;
      continue;
    }
    if (c == ':') {
      if (i == 0) return fail("missing protocol scheme");
      u.scheme = go_to_lower(raw.substr(0, i));
      rest = raw.substr(i + 1);
    }
    break;
  }
  size_t question = rest.find('?');
  if (rest.ends_with("?") && question == rest.size() - 1) {
    u.force_query = true;
    rest.remove_suffix(1);
  } else if (question != std::string_view::npos) {
    u.raw_query = std::string(rest.substr(question + 1));
    rest = rest.substr(0, question);
  }
  if (!rest.starts_with("/")) {
    if (!u.scheme.empty()) {
      u.opaque = std::string(rest);
      return u;
    }
    std::string_view segment = rest.substr(0, rest.find('/'));
    if (segment.find(':') != std::string_view::npos)
      return fail("first path segment in URL cannot contain colon");
  }
  if ((!u.scheme.empty() || !rest.starts_with("///")) && rest.starts_with("//")) {
    std::string_view authority = rest.substr(2);
    rest = "";
    size_t slash = authority.find('/');
    if (slash != std::string_view::npos) {
      rest = authority.substr(slash);
      authority = authority.substr(0, slash);
    }
    TRY(parse_authority(u, authority));
  } else if (!u.scheme.empty() && rest.starts_with("/")) {
    u.omit_host = true;
  }
  u.path = TRY(unescape(rest, Mode::path));
  return u;
}

Result<Url> parse_url(std::string_view raw) {
  size_t hash = raw.find('#');
  std::string_view main = raw.substr(0, hash);
  auto u = parse_rest(main);
  if (!u) {
    return fail("parse ", gotemplate::quote(main), ": ", u.error().message());
  }
  if (hash != std::string_view::npos) {
    auto fragment = unescape(raw.substr(hash + 1), Mode::fragment);
    if (!fragment) return fail("parse ", gotemplate::quote(raw), ": ", fragment.error().message());
    u->fragment = *fragment;
  }
  return u;
}

std::string url_string(const Url& u) {
  std::string out;
  if (!u.scheme.empty()) out += u.scheme + ":";
  if (!u.opaque.empty()) {
    out += u.opaque;
  } else {
    if (!u.scheme.empty() || !u.host.empty() || u.has_user) {
      if (!(u.omit_host && u.host.empty() && !u.has_user)) {
        if (!u.host.empty() || !u.path.empty() || u.has_user) out += "//";
        if (u.has_user) out += u.user_string() + "@";
        if (!u.host.empty()) out += escape(u.host, Mode::host);
      }
    }
    std::string path = u.path == "*" ? "*" : escape(u.path, Mode::path);
    if (!path.empty() && path[0] != '/' && !u.host.empty()) out += '/';
    if (out.empty()) {
      std::string_view segment = std::string_view(path).substr(0, path.find('/'));
      if (segment.find(':') != std::string_view::npos) out += "./";
    }
    out += path;
  }
  if (u.force_query || !u.raw_query.empty()) out += "?" + u.raw_query;
  if (!u.fragment.empty()) out += "#" + escape(u.fragment, Mode::fragment);
  return out;
}

Result<std::string> dict_get_or_empty(const Value& dict, std::string_view key) {
  const gotemplate::ValueMap* map = dict.map_ptr();
  const Value* v = map ? map->find(key) : nullptr;
  if (v == nullptr) return std::string();
  if (!v->is_string()) {
    return fail("unable to parse ", key, " key, must be of type string, but ",
                v->is_nothing() ? std::string_view("invalid") : v->kind_name(), " found");
  }
  return std::string(v->as_string());
}

}  // namespace

void add_path_functions(gotemplate::FuncMap& f) {
  using P = Param;
  auto s1 = [&](std::initializer_list<const char*> names, std::string (*fn)(std::string_view)) {
    for (const char* name : names) {
      define(f, name, {P::string}, [fn](CallContext&, Args a) -> Result<Value> {
        return Value::string(fn(a[0].as_string()));
      });
    }
  };
  s1({"base", "osBase"}, base);
  s1({"dir", "osDir"}, dir);
  s1({"clean", "osClean"}, clean);
  s1({"ext", "osExt"}, ext);
  for (const char* name : {"isAbs", "osIsAbs"}) {
    define(f, name, {P::string}, [](CallContext&, Args a) -> Result<Value> {
      return Value::boolean(a[0].as_string().starts_with("/"));
    });
  }
  define(f, "urlParse", {P::string}, [](CallContext&, Args a) -> Result<Value> {
    auto u = parse_url(a[0].as_string());
    if (!u) return fail("unable to parse url: ", u.error().message());
    auto map = std::make_shared<gotemplate::ValueMap>();
    auto put = [&](const char* key, const std::string& v) {
      map->set(key, Value::string(v).boxed_copy());
    };
    put("scheme", u->scheme);
    put("host", u->host);
    put("hostname", u->hostname());
    put("path", u->path);
    put("query", u->raw_query);
    put("opaque", u->opaque);
    put("fragment", u->fragment);
    put("userinfo", u->has_user ? u->user_string() : "");
    return Value::map(map);
  });
  define(f, "urlJoin", {P::map}, [](CallContext&, Args a) -> Result<Value> {
    Url u;
    u.scheme = TRY(dict_get_or_empty(a[0], "scheme"));
    u.host = TRY(dict_get_or_empty(a[0], "host"));
    u.path = TRY(dict_get_or_empty(a[0], "path"));
    u.raw_query = TRY(dict_get_or_empty(a[0], "query"));
    u.opaque = TRY(dict_get_or_empty(a[0], "opaque"));
    u.fragment = TRY(dict_get_or_empty(a[0], "fragment"));
    std::string userinfo = TRY(dict_get_or_empty(a[0], "userinfo"));
    if (!userinfo.empty()) {
      auto temp = parse_url("proto://" + userinfo + "@host");
      if (!temp) return fail("unable to parse userinfo in dict: ", temp.error().message());
      u.has_user = temp->has_user;
      u.username = temp->username;
      u.password = temp->password;
      u.has_password = temp->has_password;
    }
    return Value::string(url_string(u));
  });
}

}  // namespace plumb::sprig
