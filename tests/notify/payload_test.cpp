// Each provider's request against the shape its service documents.
#include "notify/payload.hpp"

#include <gtest/gtest.h>

#include "core/json.hpp"
#include "core/yaml.hpp"

namespace plumb::notify {
namespace {

constexpr std::string_view k_sha = "731f7eaddfb6af01cb2173e18f0f75b0ba780ef1";
constexpr std::string_view k_uid = "0a1b2c3d-1111-2222-3333-444455556666";

Event sample(bool warning = false) {
  Event e;
  e.involved = ObjectRef{.kind = "Kustomization",
                         .namespace_ = "apps",
                         .name = "webapp",
                         .uid = "7d0cdc51-ddcf-4743-b223-83ca5c699632",
                         .api_version = "kustomize.toolkit.fluxcd.io/v1",
                         .resource_version = ""};
  e.severity = warning ? Severity::error : Severity::info;
  e.timestamp = SystemTime(std::chrono::seconds(1764856800));
  e.reason = warning ? "HealthCheckFailed" : "ReconciliationSucceeded";
  e.message = warning ? "web: not ready" : "Deployment/apps/web configured";
  e.metadata = {{"revision", "main@sha1:" + std::string(k_sha)}};
  e.reporting_controller = "kustomize-controller";
  return e;
}

Target target(ProviderType type, std::string address, std::string token = "t0k3n") {
  Target t;
  t.type = type;
  t.address = std::move(address);
  t.token = std::move(token);
  t.provider_uid = std::string(k_uid);
  return t;
}

net::ClientRequest request(const Target& t, const Event& e) {
  auto r = build_request(t, e);
  EXPECT_TRUE(r) << r.error().message();
  EXPECT_TRUE(r && *r) << "no request";
  return r && *r ? **r : net::ClientRequest{};
}

std::string header(const net::ClientRequest& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "<none>";
}

Node body(const net::ClientRequest& r) {
  auto parsed = parse_json(r.body);
  EXPECT_TRUE(parsed) << r.body;
  return parsed ? *parsed : Node();
}

TEST(NotifyPayload, GenericPostsTheEventJson) {
  Target t = target(ProviderType::generic, "http://127.0.0.1:9/hook", "");
  t.headers = {{"X-Team", "web"}};
  auto r = request(t, sample());
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "http://127.0.0.1:9/hook");
  EXPECT_EQ(header(r, "Content-Type"), "application/json");
  EXPECT_EQ(header(r, "gotk-component"), "kustomize-controller");
  EXPECT_EQ(header(r, "X-Team"), "web");
  EXPECT_EQ(header(r, "X-Signature"), "<none>");
  EXPECT_EQ(r.body, to_json(event_json(sample())));
}

TEST(NotifyPayload, GenericHmacSignsTheBody) {
  EXPECT_EQ(hmac_signature("secret", R"({"a":1})"),
            "sha256=aa9e2e3575f5d7098b6caccd790888c36d5fdb63342a73bada2d6a51747a8494");
  auto r = request(target(ProviderType::generic_hmac, "http://x/hook", "secret"), sample());
  EXPECT_EQ(header(r, "X-Signature"), hmac_signature("secret", r.body));
  auto no_key = build_request(target(ProviderType::generic_hmac, "http://x/hook", ""), sample());
  EXPECT_FALSE(no_key);
}

TEST(NotifyPayload, SlackAttachment) {
  Target t = target(ProviderType::slack, "https://slack.com/api/chat.postMessage");
  t.channel = "general";
  auto r = request(t, sample(true));
  EXPECT_EQ(header(r, "Authorization"), "Bearer t0k3n");
  Node b = body(r);
  EXPECT_EQ(b.string_at({"channel"}), "general");
  EXPECT_EQ(b.string_at({"username"}), "kustomize-controller");
  const Node& a = b.at_path({"attachments"})->items()[0];
  EXPECT_EQ(a.string_at({"color"}), "danger");
  EXPECT_EQ(a.string_at({"author_name"}), "kustomization/webapp.apps");
  EXPECT_EQ(a.string_at({"text"}), "web: not ready");
  EXPECT_EQ(a.at_path({"mrkdwn_in"})->items()[0].as_string(), "text");
  const Node& f = a.at_path({"fields"})->items()[0];
  EXPECT_EQ(f.string_at({"title"}), "revision");
  EXPECT_EQ(f.string_at({"value"}), "main@sha1:" + std::string(k_sha));
  EXPECT_FALSE(f.at_path({"short"})->as_bool());
  EXPECT_EQ(body(request(t, sample())).at_path({"attachments"})->items()[0].string_at({"color"}),
            "good");
}

TEST(NotifyPayload, DiscordUsesItsSlackEndpoint) {
  auto r =
      request(target(ProviderType::discord, "https://discord.com/api/webhooks/1/x", ""), sample());
  EXPECT_EQ(r.url, "https://discord.com/api/webhooks/1/x/slack");
  EXPECT_EQ(body(r).string_at({"username"}), "kustomize-controller");
  auto again =
      request(target(ProviderType::discord, "https://d/api/webhooks/1/x/slack", ""), sample());
  EXPECT_EQ(again.url, "https://d/api/webhooks/1/x/slack");
}

TEST(NotifyPayload, TeamsAdaptiveCard) {
  auto r =
      request(target(ProviderType::msteams, "https://prod.logic.azure.com/x", ""), sample(true));
  Node b = body(r);
  EXPECT_EQ(b.string_at({"type"}), "message");
  const Node& a = b.at_path({"attachments"})->items()[0];
  EXPECT_EQ(a.string_at({"contentType"}), "application/vnd.microsoft.card.adaptive");
  EXPECT_EQ(a.string_at({"content", "type"}), "AdaptiveCard");
  const Node& blocks = *a.at_path({"content", "body"});
  EXPECT_EQ(blocks.items()[0].string_at({"text"}), "kustomization/webapp.apps");
  EXPECT_EQ(blocks.items()[0].string_at({"color"}), "attention");
  EXPECT_EQ(blocks.items()[1].string_at({"text"}), "web: not ready");
  EXPECT_EQ(blocks.items()[2].at_path({"facts"})->items()[0].string_at({"title"}), "revision");
}

TEST(NotifyPayload, TeamsLegacyConnectorGetsAMessageCard) {
  Node b =
      body(request(target(ProviderType::msteams, "https://org.webhook.office.com/webhookb2/x", ""),
                   sample(true)));
  EXPECT_EQ(b.string_at({"@type"}), "MessageCard");
  EXPECT_EQ(b.string_at({"themeColor"}), "FF0000");
  EXPECT_EQ(b.string_at({"summary"}), "kustomization/webapp.apps");
  EXPECT_EQ(b.at_path({"sections"})->items()[0].string_at({"activityTitle"}), "web: not ready");
}

TEST(NotifyPayload, ChatServices) {
  Node chat = body(
      request(target(ProviderType::googlechat, "https://chat.googleapis.com/x", ""), sample()));
  const Node& card = chat.at_path({"cards"})->items()[0];
  EXPECT_EQ(card.string_at({"header", "title"}), "kustomization/webapp.apps");
  EXPECT_EQ(card.at_path({"sections"})
                ->items()[0]
                .at_path({"widgets"})
                ->items()[0]
                .string_at({"textParagraph", "text"}),
            "Deployment/apps/web configured");

  Target webex = target(ProviderType::webex, "");
  webex.channel = "room-1";
  auto w = request(webex, sample());
  EXPECT_EQ(w.url, "https://webexapis.com/v1/messages");
  EXPECT_EQ(header(w, "Authorization"), "Bearer t0k3n");
  EXPECT_EQ(body(w).string_at({"roomId"}), "room-1");
  EXPECT_NE(body(w).string_at({"markdown"}).find("**kustomization/webapp.apps**"),
            std::string_view::npos);

  Target telegram = target(ProviderType::telegram, "");
  telegram.channel = "-100123";
  auto tg = request(telegram, sample());
  EXPECT_EQ(tg.url, "https://api.telegram.org/bott0k3n/sendMessage");
  EXPECT_EQ(body(tg).string_at({"chat_id"}), "-100123");

  Target matrix = target(ProviderType::matrix, "https://matrix.org/");
  matrix.channel = "!room:matrix.org";
  auto m = request(matrix, sample());
  EXPECT_EQ(m.method, "PUT");
  EXPECT_EQ(m.url,
            "https://matrix.org/_matrix/client/v3/rooms/%21room%3Amatrix.org/send/"
            "m.room.message/" +
                event_key(sample()));
  EXPECT_EQ(body(m).string_at({"msgtype"}), "m.text");

  Node lark =
      body(request(target(ProviderType::lark, "https://open.larksuite.com/x", ""), sample(true)));
  EXPECT_EQ(lark.string_at({"msg_type"}), "interactive");
  EXPECT_EQ(lark.string_at({"card", "header", "template"}), "red");

  Node rocket = body(request(target(ProviderType::rocket, "https://rocket/hooks/x", ""), sample()));
  EXPECT_EQ(rocket.at_path({"attachments"})->items()[0].string_at({"author_name"}),
            "kustomization/webapp.apps");
}

TEST(NotifyPayload, IncidentServices) {
  Node am = body(
      request(target(ProviderType::alertmanager, "http://am/api/v2/alerts", ""), sample(true)));
  ASSERT_TRUE(am.is_list());
  const Node& alert = am.items()[0];
  EXPECT_EQ(alert.string_at({"status"}), "firing");
  EXPECT_EQ(alert.string_at({"labels", "alertname"}), "FluxKustomizationHealthCheckFailed");
  EXPECT_EQ(alert.string_at({"labels", "severity"}), "error");
  EXPECT_EQ(alert.string_at({"annotations", "message"}), "web: not ready");
  EXPECT_EQ(alert.string_at({"startsAt"}), "2025-12-04T14:00:00Z");

  auto g = request(target(ProviderType::grafana, "http://grafana/api/annotations"), sample());
  EXPECT_EQ(header(g, "Authorization"), "Bearer t0k3n");
  Node gb = body(g);
  EXPECT_EQ(gb.at_path({"time"})->as_int(), 1764856800000);
  EXPECT_EQ(gb.at_path({"tags"})->items()[0].as_string(), "flux");

  auto o = request(target(ProviderType::opsgenie, ""), sample(true));
  EXPECT_EQ(o.url, "https://api.opsgenie.com/v2/alerts");
  EXPECT_EQ(header(o, "Authorization"), "GenieKey t0k3n");
  EXPECT_EQ(body(o).string_at({"description"}), "web: not ready");

  Target pd = target(ProviderType::pagerduty, "", "");
  pd.channel = "routing-key";
  auto p = request(pd, sample(true));
  EXPECT_EQ(p.url, "https://events.pagerduty.com/v2/enqueue");
  Node pb = body(p);
  EXPECT_EQ(pb.string_at({"routing_key"}), "routing-key");
  EXPECT_EQ(pb.string_at({"event_action"}), "trigger");
  EXPECT_EQ(pb.string_at({"dedup_key"}), "7d0cdc51-ddcf-4743-b223-83ca5c699632");
  EXPECT_EQ(pb.string_at({"payload", "severity"}), "error");
  EXPECT_EQ(pb.string_at({"payload", "summary"}), "health check failed: kustomization/webapp");
  EXPECT_EQ(body(request(pd, sample())).string_at({"event_action"}), "resolve");
}

TEST(NotifyPayload, GithubCommitStatus) {
  auto r = request(target(ProviderType::github, "https://github.com/org/repo.git"), sample());
  EXPECT_EQ(r.url, "https://api.github.com/repos/org/repo/statuses/" + std::string(k_sha));
  EXPECT_EQ(header(r, "Authorization"), "Bearer t0k3n");
  EXPECT_EQ(
      r.body,
      R"({"state":"success","description":"reconciliation succeeded","context":"kustomization/webapp/0a1b2c3d"})");
  Event failed = sample(true);
  EXPECT_EQ(body(request(target(ProviderType::github, "https://github.com/org/repo"), failed))
                .string_at({"state"}),
            "failure");
  Event progress = sample();
  progress.progress = true;
  progress.reason = "Progressing";
  EXPECT_EQ(body(request(target(ProviderType::github, "https://github.com/org/repo"), progress))
                .string_at({"state"}),
            "pending");
  // GitHub Enterprise, and the address the e2e test uses.
  auto ghe = request(target(ProviderType::github, "http://127.0.0.1:8080/org/repo"), sample());
  EXPECT_EQ(ghe.url, "http://127.0.0.1:8080/api/v3/repos/org/repo/statuses/" + std::string(k_sha));
  auto ssh = request(target(ProviderType::github, "git@github.com:org/repo.git"), sample());
  EXPECT_EQ(ssh.url, "https://api.github.com/repos/org/repo/statuses/" + std::string(k_sha));
}

TEST(NotifyPayload, CommitStatusNeedsACommit) {
  Event no_revision = sample();
  no_revision.metadata.clear();
  auto r = build_request(target(ProviderType::github, "https://github.com/org/repo"), no_revision);
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r);
  auto no_repo = build_request(target(ProviderType::github, "https://github.com/org"), sample());
  EXPECT_FALSE(no_repo);
  auto no_token =
      build_request(target(ProviderType::github, "https://github.com/o/r", ""), sample());
  EXPECT_FALSE(no_token);
}

TEST(NotifyPayload, OtherGitHosts) {
  std::string sha(k_sha);
  auto gl =
      request(target(ProviderType::gitlab, "https://gitlab.com/group/sub/repo"), sample(true));
  EXPECT_EQ(gl.url, "https://gitlab.com/api/v4/projects/group%2Fsub%2Frepo/statuses/" + sha);
  EXPECT_EQ(header(gl, "PRIVATE-TOKEN"), "t0k3n");
  EXPECT_EQ(body(gl).string_at({"state"}), "failed");
  EXPECT_EQ(body(gl).string_at({"name"}), "kustomization/webapp/0a1b2c3d");

  auto gt = request(target(ProviderType::gitea, "https://gitea.example/org/repo"), sample());
  EXPECT_EQ(gt.url, "https://gitea.example/api/v1/repos/org/repo/statuses/" + sha);
  EXPECT_EQ(header(gt, "Authorization"), "token t0k3n");
  EXPECT_EQ(body(gt).string_at({"context"}), "kustomization/webapp/0a1b2c3d");

  auto bb = request(target(ProviderType::bitbucket, "https://bitbucket.org/org/repo", "user:pass"),
                    sample());
  EXPECT_EQ(bb.url, "https://api.bitbucket.org/2.0/repositories/org/repo/commit/" + sha +
                        "/statuses/build");
  EXPECT_EQ(header(bb, "Authorization"), "Basic dXNlcjpwYXNz");
  EXPECT_EQ(body(bb).string_at({"state"}), "SUCCESSFUL");
  EXPECT_EQ(body(bb).string_at({"key"}), "16fe3e3799f8f58180ce05c477583f7b58fe9f6f");

  auto bbs = request(target(ProviderType::bitbucketserver, "https://bb.example/scm/proj/repo.git"),
                     sample(true));
  EXPECT_EQ(bbs.url,
            "https://bb.example/rest/api/1.0/projects/proj/repos/repo/commits/" + sha + "/builds");
  EXPECT_EQ(body(bbs).string_at({"state"}), "FAILED");

  auto az =
      request(target(ProviderType::azuredevops, "https://dev.azure.com/org/proj/_git/repo", "pat"),
              sample());
  EXPECT_EQ(az.url, "https://dev.azure.com/org/proj/_apis/git/repositories/repo/commits/" + sha +
                        "/statuses?api-version=6.0");
  EXPECT_EQ(header(az, "Authorization"), "Basic OnBhdA==");
  EXPECT_EQ(body(az).string_at({"state"}), "succeeded");
  EXPECT_EQ(body(az).string_at({"context", "genre"}), "fluxcd");
  EXPECT_EQ(body(az).string_at({"context", "name"}), "kustomization/webapp/0a1b2c3d");
}

TEST(NotifyPayload, GithubDispatch) {
  auto r = request(target(ProviderType::githubdispatch, "https://github.com/org/repo"), sample());
  EXPECT_EQ(r.url, "https://api.github.com/repos/org/repo/dispatches");
  Node b = body(r);
  EXPECT_EQ(b.string_at({"event_type"}), "Kustomization/webapp.apps");
  EXPECT_EQ(b.string_at({"client_payload", "reason"}), "ReconciliationSucceeded");
}

TEST(NotifyPayload, ProgressGoesOnlyToCommitStatuses) {
  Event progress = sample();
  progress.progress = true;
  auto r = build_request(target(ProviderType::slack, "https://hooks.slack.com/x"), progress);
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r);
}

TEST(NotifyPayload, StatusOnlyEventsGoOnlyToCommitStatuses) {
  Event end = sample();
  end.status_only = true;
  auto chat = build_request(target(ProviderType::generic, "http://x/hook"), end);
  ASSERT_TRUE(chat);
  EXPECT_FALSE(*chat);
  auto status = build_request(target(ProviderType::github, "https://github.com/o/r"), end);
  ASSERT_TRUE(status);
  EXPECT_TRUE(*status);
}

TEST(NotifyPayload, ContextUsesTheFirstPartOfTheUid) {
  EXPECT_EQ(commit_status_context("ABCDEF12-0000", sample()), "kustomization/webapp/abcdef12");
  EXPECT_EQ(commit_status_context("nodashes", sample()), "kustomization/webapp/nodashes");
}

}  // namespace
}  // namespace plumb::notify
