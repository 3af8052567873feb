// Chart archives for tests: ustar entries and gzip, built in memory.
#pragma once

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <string>
#include <utility>

namespace plumb::helm {

// A ustar header for an entry of `size` bytes.
inline std::string tar_header(const std::string& name, unsigned long long size, char type = '0',
                              const std::string& link = "") {
  char h[512] = {};
  std::memcpy(h, name.data(), std::min<size_t>(name.size(), 100));
  std::snprintf(h + 100, 8, "%07o", 0644);
  std::snprintf(h + 108, 8, "%07o", 0);
  std::snprintf(h + 116, 8, "%07o", 0);
  std::snprintf(h + 124, 12, "%011llo", size);
  std::snprintf(h + 136, 12, "%011o", 0);
  h[156] = type;
  std::memcpy(h + 157, link.data(), std::min<size_t>(link.size(), 100));
  std::memcpy(h + 257,
              "ustar\0"
              "00",
              8);
  std::memset(h + 148, ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : h)
    sum += c;
  std::snprintf(h + 148, 8, "%06o", sum);
  return std::string(h, 512);
}

// A ustar header + data for one entry.
inline void add_entry(std::string& tar, const std::string& name, const std::string& data,
                      char type = '0', const std::string& link = "") {
  tar += tar_header(name, type == '0' ? data.size() : 0, type, link);
  tar.append(data);
  tar.append((512 - data.size() % 512) % 512, '\0');
}

// gzip of `in`, then of `zeros` zero bytes, then of `tail`: the zeros are never held in memory,
// so an archive of gigabytes of data costs kilobytes.
inline std::string gzip(const std::string& in, unsigned long long zeros = 0,
                        const std::string& tail = "") {
  z_stream zs{};
  deflateInit2(&zs, Z_BEST_SPEED, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out;
  char buf[64 * 1024];
  auto feed = [&](const char* data, size_t size, int flush) {
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
    zs.avail_in = static_cast<uInt>(size);
    do {
      zs.next_out = reinterpret_cast<Bytef*>(buf);
      zs.avail_out = sizeof buf;
      deflate(&zs, flush);
      out.append(buf, sizeof buf - zs.avail_out);
    } while (zs.avail_out == 0);
  };
  feed(in.data(), in.size(), Z_NO_FLUSH);
  static const std::string k_zeros(1 << 20, '\0');
  for (; zeros > 0; zeros -= std::min<unsigned long long>(zeros, k_zeros.size()))
    feed(k_zeros.data(), static_cast<size_t>(std::min<unsigned long long>(zeros, k_zeros.size())),
         Z_NO_FLUSH);
  feed(tail.data(), tail.size(), Z_FINISH);
  deflateEnd(&zs);
  return out;
}

inline std::string archive(std::initializer_list<std::pair<std::string, std::string>> entries) {
  std::string tar;
  for (const auto& [name, data] : entries)
    add_entry(tar, name, data);
  tar.append(1024, '\0');
  return gzip(tar);
}

}  // namespace plumb::helm
