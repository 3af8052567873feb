#include "controller/outcome.hpp"

namespace plumb::controller {

std::string_view to_string(Reason reason) {
  switch (reason) {
    case Reason::succeeded:
      return "ReconciliationSucceeded";
    case Reason::progressing:
      return "Progressing";
    case Reason::suspended:
      return "Suspended";
    case Reason::dependency_not_ready:
      return "DependencyNotReady";
    case Reason::artifact_failed:
      return "ArtifactFailed";
    case Reason::artifact_not_fetched:
      return "ArtifactNotFetched";
    case Reason::build_failed:
      return "BuildFailed";
    case Reason::empty_render:
      return "EmptyRender";
    case Reason::reconciliation_failed:
      return "ReconciliationFailed";
    case Reason::unsupported_field:
      return "UnsupportedField";
    case Reason::prune_failed:
      return "PruneFailed";
    case Reason::health_check_failed:
      return "HealthCheckFailed";
    case Reason::git_operation_failed:
      return "GitOperationFailed";
    case Reason::oci_pull_failed:
      return "OCIArtifactPullFailed";
    case Reason::index_fetch_failed:
      return "Failed";
    case Reason::authentication_failed:
      return "AuthenticationFailed";
    case Reason::install_succeeded:
      return "InstallSucceeded";
    case Reason::install_failed:
      return "InstallFailed";
    case Reason::upgrade_succeeded:
      return "UpgradeSucceeded";
    case Reason::upgrade_failed:
      return "UpgradeFailed";
    case Reason::rollback_succeeded:
      return "RollbackSucceeded";
    case Reason::rollback_failed:
      return "RollbackFailed";
    case Reason::uninstall_succeeded:
      return "UninstallSucceeded";
    case Reason::values_error:
      return "ValuesError";
    case Reason::init_failed:
      return "InitFailed";
    case Reason::test_succeeded:
      return "TestSucceeded";
    case Reason::test_failed:
      return "TestFailed";
  }
  return "Unknown";
}

bool is_waiting(Reason reason) {
  return reason == Reason::dependency_not_ready || reason == Reason::artifact_failed ||
         reason == Reason::artifact_not_fetched;
}

bool is_failure(Reason reason) {
  switch (reason) {
    case Reason::succeeded:
    case Reason::progressing:
    case Reason::suspended:
    case Reason::install_succeeded:
    case Reason::upgrade_succeeded:
    case Reason::uninstall_succeeded:
    case Reason::test_succeeded:
      return false;
    default:
      return true;
  }
}

}  // namespace plumb::controller
