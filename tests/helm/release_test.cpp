// Helm's release records: encode → decode round trips, and the record helm v4.1.4 itself wrote
// (testdata/release/helm-install.secret.json: `helm install adopt testdata/release/mychart
// --set replicaCount=3 --set service.port=8080 --description "installed by helm"` against
// `plumb cluster`, the Secret as `kubectl get secret -o json` printed it; gen_release.sh).
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "core/base64.hpp"
#include "core/fs.hpp"
#include "core/json.hpp"
#include "helm/release.hpp"
#include "helm/template.hpp"

namespace plumb::helm {
namespace {

const std::string k_dir = PLUMB_SOURCE_DIR "/tests/helm/testdata/release";

Node helm_secret() {
  auto fs = make_disk_fs();
  auto text = fs->read_file(k_dir + "/helm-install.secret.json");
  EXPECT_TRUE(text);
  auto secret = parse_json(*text);
  EXPECT_TRUE(secret) << secret.error().message();
  return *secret;
}

// The JSON helm stored: the Secret's data, base64 twice, gunzipped by Plumb's reader.
Node helm_json(const Node& secret) {
  auto once = base64_decode(secret.string_at({"data", "release"}));
  EXPECT_TRUE(once);
  auto release = decode_release(*once);
  EXPECT_TRUE(release) << release.error().message();
  return release_to_json(*release);
}

// Go writes map keys sorted; Plumb keeps the order maps came in. Compare with keys sorted.
Node sorted(const Node& node) {
  if (node.is_list()) {
    Node out = Node::list();
    for (const Node& item : node.items())
      out.push_back(sorted(item));
    return out;
  }
  if (!node.is_map()) return node;
  std::vector<std::pair<std::string, Node>> entries;
  for (const MapEntry& e : node.entries())
    entries.emplace_back(std::string(e.key.as_string()), sorted(e.value));
  std::ranges::sort(entries, {}, &std::pair<std::string, Node>::first);
  Node out = Node::map();
  for (auto& [key, value] : entries)
    out.set(key, std::move(value));
  return out;
}

SystemTime at(std::string_view text) {
  auto time = parse_rfc3339(text);
  EXPECT_TRUE(time) << text;
  return *time;
}

TEST(HelmRelease, StatusWordsRoundTrip) {
  for (ReleaseStatus s :
       {ReleaseStatus::unknown, ReleaseStatus::deployed, ReleaseStatus::uninstalled,
        ReleaseStatus::superseded, ReleaseStatus::failed, ReleaseStatus::uninstalling,
        ReleaseStatus::pending_install, ReleaseStatus::pending_upgrade,
        ReleaseStatus::pending_rollback}) {
    EXPECT_EQ(parse_release_status(status_name(s)), s) << status_name(s);
  }
  EXPECT_EQ(status_name(ReleaseStatus::pending_rollback), "pending-rollback");
  EXPECT_FALSE(parse_release_status("Deployed"));
  EXPECT_TRUE(is_pending(ReleaseStatus::pending_upgrade));
  EXPECT_FALSE(is_pending(ReleaseStatus::failed));
}

TEST(HelmRelease, EncodeDecodeRoundTrip) {
  Release r;
  r.name = "web";
  r.namespace_name = "shop";
  r.version = 7;
  r.info.first_deployed = at("2026-01-02T03:04:05.123456789Z");
  r.info.last_deployed = at("2026-02-03T04:05:06Z");
  r.info.description = "Upgrade complete";
  r.info.status = ReleaseStatus::pending_upgrade;
  r.info.notes = "hello\n";
  r.config = *parse_json(R"({"replicas":2,"image":{"tag":"<1.0&>"}})");
  r.chart = *parse_json(R"({"metadata":{"name":"web","version":"1.2.3","appVersion":"4.5"}})");
  r.manifest = "---\n# Source: web/templates/cm.yaml\napiVersion: v1\n";
  r.hooks = *parse_json(R"([{"name":"t","events":["test"],"last_run":{"phase":""}}])");
  r.apply_method = "ssa";
  r.labels = {{"team", "a"}};

  std::string data = encode_release(r);
  auto gz = base64_decode(data);
  ASSERT_TRUE(gz);
  EXPECT_TRUE(gz->starts_with("\x1f\x8b\x08")) << "gzip, as helm writes";

  auto back = decode_release(data);
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(back->name, "web");
  EXPECT_EQ(back->namespace_name, "shop");
  EXPECT_EQ(back->version, 7);
  EXPECT_EQ(back->info.first_deployed, r.info.first_deployed);
  EXPECT_EQ(back->info.last_deployed, r.info.last_deployed);
  EXPECT_FALSE(back->info.deleted);
  EXPECT_EQ(back->info.status, ReleaseStatus::pending_upgrade);
  EXPECT_EQ(back->info.description, "Upgrade complete");
  EXPECT_EQ(back->info.notes, "hello\n");
  EXPECT_EQ(back->config, r.config);
  EXPECT_EQ(back->chart_name(), "web");
  EXPECT_EQ(back->chart_version(), "1.2.3");
  EXPECT_EQ(back->app_version(), "4.5");
  EXPECT_EQ(back->manifest, r.manifest);
  EXPECT_EQ(back->hooks, r.hooks);
  EXPECT_EQ(back->apply_method, "ssa");
  EXPECT_TRUE(back->labels.empty()) << "labels live on the Secret, not in the JSON";

  Node json = release_to_json(r);
  EXPECT_EQ(json.string_at({"info", "first_deployed"}), "2026-01-02T03:04:05.123456789Z");
  EXPECT_EQ(json.string_at({"info", "last_deployed"}), "2026-02-03T04:05:06Z");
  EXPECT_EQ(json.find("labels"), nullptr);
  EXPECT_EQ(json.at_path({"info", "deleted"}), nullptr) << "zero times are left out";
}

TEST(HelmRelease, SecretCarriesHelmsLabelsAndCustomOnes) {
  Release r;
  r.name = "web";
  r.namespace_name = "shop";
  r.version = 3;
  r.info.status = ReleaseStatus::superseded;
  r.labels = {{"team", "a"}};
  SystemTime now = at("2026-03-04T05:06:07Z");
  Node secret = release_secret(r, StorageWrite::update, now);
  EXPECT_EQ(secret.string_at({"metadata", "name"}), "sh.helm.release.v1.web.v3");
  EXPECT_EQ(secret.string_at({"metadata", "namespace"}), "shop");
  EXPECT_EQ(secret.string_at({"type"}), "helm.sh/release.v1");
  const Node* labels = secret.at_path({"metadata", "labels"});
  ASSERT_NE(labels, nullptr);
  EXPECT_EQ(labels->string_at({"owner"}), "helm");
  EXPECT_EQ(labels->string_at({"name"}), "web");
  EXPECT_EQ(labels->string_at({"status"}), "superseded");
  EXPECT_EQ(labels->string_at({"version"}), "3");
  EXPECT_EQ(labels->string_at({"modifiedAt"}), "1772600767");
  EXPECT_EQ(labels->find("createdAt"), nullptr);
  EXPECT_EQ(labels->string_at({"team"}), "a");
  EXPECT_EQ(
      release_secret(r, StorageWrite::create, now).string_at({"metadata", "labels", "createdAt"}),
      "1772600767");

  auto back = release_from_secret(secret);
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(back->labels, r.labels) << "system labels filtered out, custom ones kept";
  EXPECT_EQ(back->info.status, ReleaseStatus::superseded);
}

TEST(HelmRelease, ReadsTheRecordHelmWrote) {
  Node secret = helm_secret();
  auto release = release_from_secret(secret);
  ASSERT_TRUE(release) << release.error().message();
  EXPECT_EQ(release->name, "adopt");
  EXPECT_EQ(release->namespace_name, "default");
  EXPECT_EQ(release->version, 1);
  EXPECT_EQ(release->info.status, ReleaseStatus::deployed);
  EXPECT_EQ(release->info.description, "installed by helm");
  EXPECT_TRUE(release->info.first_deployed);
  EXPECT_EQ(release->info.first_deployed, release->info.last_deployed);
  EXPECT_TRUE(release->info.notes.starts_with("1. Get the application URL"));
  EXPECT_EQ(to_json(release->config), R"({"replicaCount":3,"service":{"port":8080}})");
  EXPECT_EQ(release->chart_name(), "mychart");
  EXPECT_EQ(release->chart_version(), "0.1.0");
  EXPECT_EQ(release->app_version(), "1.16.0");
  EXPECT_EQ(release->apply_method, "ssa");
  EXPECT_TRUE(
      release->manifest.starts_with("---\n# Source: mychart/templates/serviceaccount.yaml"));
  ASSERT_EQ(release->hooks.size(), 1u);
  EXPECT_EQ(release->hooks.items()[0].string_at({"kind"}), "Pod");
  EXPECT_TRUE(release->labels.empty());
}

TEST(HelmRelease, WritesHelmsRecordBackUnchanged) {
  Node secret = helm_secret();
  auto once = base64_decode(secret.string_at({"data", "release"}));
  ASSERT_TRUE(once);
  auto gz = base64_decode(*once);
  ASSERT_TRUE(gz);
  // helm's JSON text, inflated here with zlib directly (not through the reader under test).
  z_stream zs{};
  ASSERT_EQ(inflateInit2(&zs, 16 + MAX_WBITS), Z_OK);
  std::string text(1 << 20, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(gz->data());
  zs.avail_in = static_cast<uInt>(gz->size());
  zs.next_out = reinterpret_cast<Bytef*>(text.data());
  zs.avail_out = static_cast<uInt>(text.size());
  ASSERT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
  text.resize(zs.total_out);
  inflateEnd(&zs);
  auto helm = parse_json(text);
  ASSERT_TRUE(helm) << helm.error().message();

  auto release = decode_release(*once);
  ASSERT_TRUE(release) << release.error().message();
  // Same fields, same order, times to the nanosecond: what Plumb writes back is what helm wrote.
  EXPECT_EQ(to_json(release_to_json(*release)), to_json(*helm));
  auto again = decode_release(encode_release(*release));
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(to_json(release_to_json(*again)), to_json(*helm));
}

// The chart, manifest and hooks Plumb stores for a chart it renders are those helm stored for
// the same install.
TEST(HelmRelease, RecordOfARenderEqualsHelms) {
  Node helm = helm_json(helm_secret());
  auto fs = make_disk_fs();
  auto chart = load_chart(*fs, k_dir + "/mychart");
  ASSERT_TRUE(chart) << chart.error().message();

  Node record = chart_record(*chart);
  Node helm_chart = *helm.find("chart");
  // helm stamps load times; Plumb has none to give.
  helm_chart.erase("modtime");
  for (const char* list : {"templates", "files"}) {
    for (Node& f : helm_chart[list].items_mut())
      f.erase("modtime");
  }
  EXPECT_EQ(to_json(sorted(record)), to_json(sorted(helm_chart)));

  TemplateOptions options;
  options.release_name = "adopt";
  options.chart_path = k_dir + "/mychart";
  options.values.values = {"replicaCount=3", "service.port=8080"};
  auto rendered = template_release(*fs, options);
  ASSERT_TRUE(rendered) << rendered.error().message();
  EXPECT_EQ(release_manifest(rendered->documents), helm.string_at({"manifest"}));
  auto hooks = release_hooks(rendered->documents);
  ASSERT_TRUE(hooks) << hooks.error().message();
  EXPECT_EQ(to_json(*hooks), to_json(*helm.find("hooks")));
  auto config = merge_values(options.values, *fs);
  ASSERT_TRUE(config);
  EXPECT_EQ(*config, *helm.find("config"));
}

TEST(HelmRelease, HookRecordsFollowTheAnnotations) {
  std::vector<ReleaseDocument> docs = {
      {"c/templates/cm.yaml", "kind: ConfigMap\nmetadata:\n  name: plain",
       ReleaseDocument::Part::manifest},
      {"c/templates/job.yaml",
       "kind: Job\nmetadata:\n  name: migrate\n  annotations:\n"
       "    helm.sh/hook: Pre-Install, pre-upgrade\n    helm.sh/hook-weight: \"-5\"\n"
       "    helm.sh/hook-delete-policy: before-hook-creation,Hook-Succeeded",
       ReleaseDocument::Part::hook},
      {"c/templates/t.yaml",
       "kind: Pod\nmetadata:\n  name: t\n  annotations:\n    helm.sh/hook: test-success\n"
       "    helm.sh/hook-weight: x",
       ReleaseDocument::Part::hook},
  };
  EXPECT_EQ(release_manifest(docs),
            "---\n# Source: c/templates/cm.yaml\nkind: ConfigMap\nmetadata:\n  name: plain\n");
  auto hooks = release_hooks(docs);
  ASSERT_TRUE(hooks) << hooks.error().message();
  ASSERT_EQ(hooks->size(), 2u);
  const Node& job = hooks->items()[0];
  EXPECT_EQ(job.string_at({"name"}), "migrate");
  EXPECT_EQ(job.string_at({"path"}), "c/templates/job.yaml");
  EXPECT_EQ(to_json(*job.find("events")), R"(["pre-install","pre-upgrade"])");
  EXPECT_EQ(job.find("weight")->as_int(), -5);
  EXPECT_EQ(to_json(*job.find("delete_policies")), R"(["before-hook-creation","hook-succeeded"])");
  const Node& test = hooks->items()[1];
  EXPECT_EQ(to_json(*test.find("events")), R"(["test"])");
  EXPECT_EQ(test.find("weight"), nullptr) << "a weight that does not parse is 0, left out";
}

TEST(HelmRelease, ReadsUncompressedRecordsAndEmptyTimes) {
  // Records from before helm compressed them are base64 of the JSON alone.
  std::string json =
      R"({"name":"old","info":{"first_deployed":"","last_deployed":"2020-01-01T00:00:00+02:00","status":"superseded"},"version":2})";
  auto release = decode_release(base64_encode(json));
  ASSERT_TRUE(release) << release.error().message();
  EXPECT_EQ(release->name, "old");
  EXPECT_FALSE(release->info.first_deployed) << "an empty string is no time";
  EXPECT_EQ(release->info.last_deployed, at("2019-12-31T22:00:00Z"));
  EXPECT_EQ(release->info.status, ReleaseStatus::superseded);
  EXPECT_EQ(release->version, 2);
}

TEST(HelmRelease, RefusesBrokenRecords) {
  EXPECT_FALSE(decode_release("not base64!"));
  // gzip magic, then garbage.
  auto broken = decode_release(base64_encode(std::string("\x1f\x8b\x08\x00garbage-garbage", 19)));
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message().find("gzip"), std::string::npos) << broken.error().message();
  // A truncated stream.
  std::string whole = *base64_decode(encode_release(Release{.name = "x"}));
  auto truncated = decode_release(base64_encode(whole.substr(0, whole.size() - 6)));
  EXPECT_FALSE(truncated);
  auto wrong = decode_release(base64_encode(R"({"name":"x","version":"1"})"));
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message().find("Release.version of type int"), std::string::npos)
      << wrong.error().message();
  EXPECT_FALSE(decode_release(base64_encode("[1]")));

  Node secret = *parse_json(R"({"metadata":{"name":"s","namespace":"n"},"data":{"release":"%%"}})");
  auto bad = release_from_secret(secret);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(), "Secret n/s: data.release is not base64");
}

}  // namespace
}  // namespace plumb::helm
