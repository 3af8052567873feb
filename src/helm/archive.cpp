#include "helm/archive.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <optional>

namespace plumb::helm {
namespace {

// Everything inflated, headers and padding included, is cut well above the chart limit,
// which the files themselves are checked against (before their data is inflated).
constexpr size_t k_max_tar_size = 2 * k_max_chart_size;
// Go's tar reader refuses PAX and GNU long-name records over 1 MiB.
constexpr uint64_t k_max_special_size = 1 << 20;

std::string too_large() {
  return "decompressed chart is larger than the maximum size " + std::to_string(k_max_chart_size);
}

// A gzip stream (concatenated members read as one, as Go's gzip.Reader does) inflated on
// demand, so that an archive is refused at the header of a file over the limits without
// inflating it.
class Gunzip {
 public:
  explicit Gunzip(std::string_view in) : m_in(in) {}
  Gunzip(const Gunzip&) = delete;
  Gunzip& operator=(const Gunzip&) = delete;
  ~Gunzip() {
    if (m_started) inflateEnd(&m_zs);
  }

  Result<void> start() {
    if (m_in.size() < 2 || static_cast<unsigned char>(m_in[0]) != 0x1f ||
        static_cast<unsigned char>(m_in[1]) != 0x8b)
      return fail("gzip: invalid header");
    if (inflateInit2(&m_zs, 16 + MAX_WBITS) != Z_OK) return fail("gzip: cannot initialise zlib");
    m_started = true;
    m_zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(m_in.data()));
    m_zs.avail_in = static_cast<uInt>(m_in.size());
    return {};
  }

  // The next `n` bytes, or fewer at the end of the stream; consume() moves past them.
  Result<std::string_view> peek(size_t n) {
    if (m_pos > 0 && m_buf.size() - m_pos < n) {
      m_buf.erase(0, m_pos);
      m_pos = 0;
    }
    char chunk[64 * 1024];
    while (m_buf.size() - m_pos < n && !m_end) {
      m_zs.next_out = reinterpret_cast<Bytef*>(chunk);
      m_zs.avail_out = sizeof chunk;
      int rc = inflate(&m_zs, Z_NO_FLUSH);
      size_t got = sizeof chunk - m_zs.avail_out;
      m_buf.append(chunk, got);
      m_total += got;
      if (m_total > k_max_tar_size) return fail(too_large());
      if (rc == Z_STREAM_END) {
        // Another gzip member may follow (Go's reader is multistream).
        if (m_zs.avail_in >= 2 && m_zs.next_in[0] == 0x1f && m_zs.next_in[1] == 0x8b) {
          inflateReset(&m_zs);
          continue;
        }
        m_end = true;
      } else if (rc == Z_BUF_ERROR && m_zs.avail_in == 0) {
        return fail("unexpected EOF");
      } else if (rc != Z_OK) {
        return fail("gzip: ", m_zs.msg != nullptr ? m_zs.msg : "invalid data");
      }
    }
    return std::string_view(m_buf).substr(m_pos, n);
  }

  void consume(size_t n) { m_pos += std::min(n, m_buf.size() - m_pos); }

  // Reads past `n` bytes (a skipped entry's data) without keeping them.
  Result<void> skip(uint64_t n) {
    while (n > 0) {
      size_t step = static_cast<size_t>(std::min<uint64_t>(n, 64 * 1024));
      std::string_view got = TRY(peek(step));
      if (got.empty()) return {};
      consume(got.size());
      n -= got.size();
    }
    return {};
  }

 private:
  std::string_view m_in;
  z_stream m_zs{};
  bool m_started = false;
  bool m_end = false;
  std::string m_buf;
  size_t m_pos = 0;
  size_t m_total = 0;
};

std::string_view field(std::string_view block, size_t offset, size_t size) {
  std::string_view f = block.substr(offset, size);
  size_t nul = f.find('\0');
  return nul == std::string_view::npos ? f : f.substr(0, nul);
}

std::optional<uint64_t> numeric(std::string_view block, size_t offset, size_t size) {
  std::string_view f = block.substr(offset, size);
  if (!f.empty() && (static_cast<unsigned char>(f[0]) & 0x80) != 0) {
    // base-256 (GNU): big-endian, first byte's high bit is the marker.
    uint64_t v = static_cast<unsigned char>(f[0]) & 0x7f;
    for (size_t i = 1; i < f.size(); ++i) {
      if (v > (UINT64_MAX >> 8)) return std::nullopt;
      v = (v << 8) | static_cast<unsigned char>(f[i]);
    }
    return v;
  }
  uint64_t v = 0;
  bool any = false;
  for (char c : f) {
    if (c == '\0' || c == ' ') {
      if (any) break;
      continue;
    }
    if (c < '0' || c > '7') return std::nullopt;
    if (v > (UINT64_MAX >> 3)) return std::nullopt;
    v = v * 8 + uint64_t(c - '0');
    any = true;
  }
  return v;
}

bool checksum_ok(std::string_view block) {
  auto stored = numeric(block, 148, 8);
  if (!stored) return false;
  uint64_t unsigned_sum = 0;
  int64_t signed_sum = 0;
  for (size_t i = 0; i < 512; ++i) {
    char c = (i >= 148 && i < 156) ? ' ' : block[i];
    unsigned_sum += static_cast<unsigned char>(c);
    signed_sum += static_cast<signed char>(c);
  }
  return *stored == unsigned_sum || int64_t(*stored) == signed_sum;
}

// PAX records: "<len> <key>=<value>\n".
void pax_records(std::string_view data, std::optional<std::string>& path,
                 std::optional<uint64_t>& size) {
  while (!data.empty()) {
    size_t space = data.find(' ');
    if (space == std::string_view::npos) return;
    size_t len = 0;
    for (char c : data.substr(0, space)) {
      if (c < '0' || c > '9') return;
      len = len * 10 + size_t(c - '0');
    }
    if (len <= space + 1 || len > data.size()) return;
    std::string_view record = data.substr(space + 1, len - space - 2);  // without the '\n'
    data.remove_prefix(len);
    size_t eq = record.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = record.substr(0, eq), value = record.substr(eq + 1);
    if (key == "path") path = std::string(value);
    if (key == "size") {
      uint64_t v = 0;
      for (char c : value)
        v = v * 10 + uint64_t(c - '0');
      size = v;
    }
  }
}

bool is_drive_path(std::string_view n) {
  return n.size() >= 3 && ((n[0] >= 'a' && n[0] <= 'z') || (n[0] >= 'A' && n[0] <= 'Z')) &&
         n[1] == ':' && n[2] == '/';
}

}  // namespace

std::string go_path_clean(std::string_view path) {
  if (path.empty()) return ".";
  bool rooted = path[0] == '/';
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    i = j + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!rooted) {
        parts.push_back(part);
      }
      continue;
    }
    parts.push_back(part);
  }
  std::string out = rooted ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k > 0) out.push_back('/');
    out.append(parts[k]);
  }
  return out.empty() ? "." : out;
}

std::string gzip(std::string_view data) {
  z_stream zs{};
  // gzip.BestCompression, as Helm writes; 16 + MAX_WBITS asks zlib for the gzip wrapper.
  deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);  // the buffer is deflateBound's size: one call finishes
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string_view trim_bom(std::string_view data) {
  if (data.starts_with("\xEF\xBB\xBF")) data.remove_prefix(3);
  return data;
}

namespace {

enum class Layout { chart, flat };

Result<std::vector<ChartFile>> read_archive(std::string_view gzip_bytes, Layout layout) {
  Gunzip in(gzip_bytes);
  TRY_VOID(in.start());
  std::vector<ChartFile> files;
  size_t remaining = k_max_chart_size;
  std::optional<std::string> long_name, pax_path;
  std::optional<uint64_t> pax_size;
  // An entry's data and its padding to the next 512-byte block.
  auto read_data = [&](uint64_t size) -> Result<std::string> {
    std::string_view data = TRY(in.peek(static_cast<size_t>(size)));
    if (data.size() < size) return fail("unexpected EOF");
    std::string out(data);
    in.consume(data.size());
    TRY_VOID(in.skip((512 - size % 512) % 512));
    return out;
  };
  while (true) {
    std::string_view peeked = TRY(in.peek(512));
    if (peeked.empty()) break;  // Go tolerates a missing end-of-archive marker
    if (peeked.size() < 512) return fail("unexpected EOF");
    std::string block(peeked);
    in.consume(512);
    if (block.find_first_not_of('\0') == std::string::npos) break;
    if (!checksum_ok(block)) return fail("archive/tar: invalid header");
    char type = block[156];
    auto size = numeric(block, 124, 12);
    if (!size) return fail("archive/tar: invalid header");
    if (pax_size) size = pax_size;
    // Header-only types (links, devices, directories, fifos) have no data blocks.
    if (std::strchr("123456", type) != nullptr && type != '\0') size = 0;

    if (type == 'x' || type == 'L') {  // PAX header or GNU long name for the next entry
      if (*size > k_max_special_size) return fail("archive/tar: header field too long");
      std::string data = TRY(read_data(*size));
      if (type == 'x') {
        pax_records(data, pax_path, pax_size);
      } else {
        long_name = std::string(field(data, 0, data.size()));
      }
      continue;
    }
    if (type == 'K' || type == 'g') {  // long link name; global header (skipped)
      TRY_VOID(in.skip((*size + 511) / 512 * 512));
      continue;
    }

    std::string name;
    if (pax_path) {
      name = *pax_path;
    } else if (long_name) {
      name = *long_name;
    } else {
      name = std::string(field(block, 0, 100));
      std::string_view magic = std::string_view(block).substr(257, 6);
      std::string_view prefix = field(block, 345, 155);
      if (magic == std::string_view("ustar\0", 6) && !prefix.empty())
        name = std::string(prefix) + "/" + name;
    }
    pax_path.reset();
    pax_size.reset();
    long_name.reset();

    bool is_dir = type == '5' || ((type == '0' || type == '\0') && name.ends_with('/'));
    if (is_dir) {
      TRY_VOID(in.skip((*size + 511) / 512 * 512));
      continue;
    }

    // Archives made on Windows may use '\' as separator.
    char delimiter = name.find('\\') != std::string::npos ? '\\' : '/';
    size_t first = name.find(delimiter);
    std::string top = name.substr(0, first);
    std::string n = first == std::string::npos ? "" : name.substr(first + 1);
    if (layout == Layout::flat) {  // every name kept, a leading "./" cut
      top.clear();
      n = name.starts_with("./") ? name.substr(2) : name;
    }
    if (delimiter == '\\')
      for (char& c : n)
        if (c == '\\') c = '/';
    if (n.starts_with('/')) return fail("chart illegally contains absolute paths");
    n = go_path_clean(n);
    if (n == ".")
      return fail("chart illegally contains content outside the base directory: \"", name, "\"");
    if (n.starts_with("..")) return fail("chart illegally references parent directory");
    if (is_drive_path(n)) return fail("chart contains illegally named files");
    if (top == "Chart.yaml") return fail("chart yaml not in base directory");
    if (*size > remaining) return fail(too_large());
    if (*size > k_max_file_size)
      return fail("decompressed chart file \"", name, "\" is larger than the maximum file size ",
                  std::to_string(k_max_file_size));
    std::string data = TRY(read_data(*size));
    remaining -= data.size();
    if (remaining == 0) return fail(too_large());
    files.push_back(ChartFile{std::move(n), std::string(trim_bom(data))});
  }
  if (files.empty() && layout == Layout::chart) return fail("no files in chart archive");
  return files;
}

}  // namespace

Result<std::vector<ChartFile>> read_chart_archive(std::string_view gzip_bytes) {
  return read_archive(gzip_bytes, Layout::chart);
}

Result<std::vector<ChartFile>> read_tar_gz(std::string_view gzip_bytes) {
  return read_archive(gzip_bytes, Layout::flat);
}

}  // namespace plumb::helm
