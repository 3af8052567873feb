// Every C2SP/CCTV age vector of ../shared/sops-cases/age/testdata: a success decrypts to the
// plaintext whose SHA-256 the vector gives; each failure is the Failure the vector names (and
// a payload failure released exactly the plaintext the vector hashes). Only vectors that need
// a post-quantum hybrid identity are skipped (counted and printed); any other vector that
// does not pass fails the test.
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <map>
#include <vector>

#include "age/age.hpp"
#include "age/test_util.hpp"
#include "support/require.hpp"

namespace plumb::age {
namespace {

namespace fs = std::filesystem;

struct Vector {
  std::string expect;
  std::string payload_sha256;
  std::vector<std::string> identities;
  std::vector<std::string> passphrases;
  bool armored = false;
  bool compressed = false;
  std::string file;
};

std::string inflate_zlib(std::string_view in) {
  z_stream z{};
  EXPECT_EQ(inflateInit(&z), Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = uInt(in.size());
  std::string out;
  char buffer[1 << 16];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - z.avail_out);
  }
  inflateEnd(&z);
  EXPECT_EQ(rc, Z_STREAM_END);
  return out;
}

// The text header ("key: value" lines), an empty line, then the age file.
Vector read_vector(const std::string& text, std::string& error) {
  Vector v;
  size_t split = text.find("\n\n");
  if (split == std::string::npos) {
    error = "no empty line after the header";
    return v;
  }
  std::string_view header(text.data(), split);
  while (!header.empty()) {
    size_t end = header.find('\n');
    std::string_view line = header.substr(0, end);
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
    size_t colon = line.find(": ");
    std::string key(line.substr(0, colon));
    std::string value(colon == std::string_view::npos ? "" : line.substr(colon + 2));
    if (key == "expect")
      v.expect = value;
    else if (key == "payload")
      v.payload_sha256 = value;
    else if (key == "identity")
      v.identities.push_back(value);
    else if (key == "passphrase")
      v.passphrases.push_back(value);
    else if (key == "armored")
      v.armored = value == "yes";
    else if (key == "compressed")
      v.compressed = value == "zlib";
    else if (key != "file key" && key != "comment")
      error = "unknown header key \"" + key + "\"";
  }
  v.file = text.substr(split + 2);
  if (v.compressed) v.file = inflate_zlib(v.file);
  return v;
}

TEST(AgeVectors, EveryC2spVectorDecryptsAsItExpects) {
  fs::path dir = fs::path(PLUMB_SHARED_DIR) / "sops-cases/age/testdata";
  PLUMB_REQUIRE(fs::is_directory(dir), dir << " is missing");
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir))
    files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 143u) << "the vectors of sops-cases/age are not all there";

  const std::map<std::string, Failure> failures = {{"no match", Failure::no_match},
                                                   {"header failure", Failure::header},
                                                   {"HMAC failure", Failure::hmac},
                                                   {"payload failure", Failure::payload},
                                                   {"armor failure", Failure::armor}};
  std::map<std::string, std::pair<int, int>> counts;  // expect -> (passed, skipped)
  int failed = 0;
  for (const fs::path& path : files) {
    std::string name = path.filename().string();
    SCOPED_TRACE(name);
    std::string error;
    Vector v = read_vector(test::read_file(path), error);
    ASSERT_EQ(error, "");
    ASSERT_TRUE(v.expect == "success" || failures.count(v.expect)) << v.expect;
    // decrypt() tells armor from binary itself; the vector's flag must agree with that.
    EXPECT_EQ(v.armored, !v.file.starts_with("age-encryption.org/") && !v.file.empty());

    std::vector<Identity> identities;
    bool hybrid = false;
    for (const std::string& key : v.identities) {
      if (key.starts_with("AGE-SECRET-KEY-PQ-1")) {
        auto refused = parse_identity(key);
        ASSERT_FALSE(refused);
        EXPECT_NE(refused.error().message().find("not supported"), std::string::npos);
        hybrid = true;
        continue;
      }
      auto id = parse_identity(key);
      ASSERT_TRUE(id) << id.error().message();
      identities.push_back(std::move(*id));
    }
    if (hybrid) {
      ++counts[v.expect].second;
      continue;
    }
    for (const std::string& passphrase : v.passphrases)
      identities.push_back(passphrase_identity(passphrase));

    auto result = decrypt(v.file, identities);
    bool ok;
    if (v.expect == "success") {
      ok = result.has_value() && test::sha256_hex(*result) == v.payload_sha256;
      EXPECT_TRUE(ok) << (result ? "payload hash differs" : result.error().message());
    } else {
      Failure want = failures.at(v.expect);
      ok = !result.has_value() && result.error().failure() == want;
      if (ok && want == Failure::payload && !v.payload_sha256.empty())
        ok = test::sha256_hex(result.error().partial_plaintext) == v.payload_sha256;
      EXPECT_TRUE(ok) << "want " << v.expect << ", got "
                      << (result ? "success"
                                 : std::string(to_string(result.error().failure())) + ": " +
                                       result.error().message());
      if (!result) {
        EXPECT_TRUE(result.error().message().starts_with("age: "));
      }
    }
    if (ok)
      ++counts[v.expect].first;
    else
      ++failed;
  }
  int skipped = 0;
  for (const auto& [expect, count] : counts) {
    std::printf("age vectors: %-16s %3d passed, %d skipped (post-quantum hybrid identity)\n",
                expect.c_str(), count.first, count.second);
    skipped += count.second;
  }
  std::printf("age vectors: %zu files, %d failed, %d skipped\n", files.size(), failed, skipped);
  EXPECT_EQ(failed, 0);
  // The hybrid vectors are the only ones skipped: 5 success, 9 header, 5 no match today.
  EXPECT_LE(skipped, 19);
}

}  // namespace
}  // namespace plumb::age
