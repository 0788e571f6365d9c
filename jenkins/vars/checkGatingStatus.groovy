// checkGatingStatus: ask Jira whether this run's deployment may proceed, as Atlassian's plugin step did.
//
// waitUntil { checkGatingStatus(site: 'acme', environmentId: 'prod-eu', credentialsId: 'jira-oauth') }
//
// Returns true when the gate allowed the deployment and false while it is still awaiting a decision (or
// Jira does not know the gate yet, or could not be reached: ask again later). A gate that prevented the
// deployment aborts the build, and an invalid gate or a configuration/permission error fails it, as with
// the plugin: never a silent yes.

def call(Map params = [:]) {
    Map given = params ?: [:]
    Map result = jiraDevops.runCli('checkGatingStatus', 'gate-status', given)
    String status = result.gateStatus ? result.gateStatus.toString().toLowerCase() : null
    if (status == 'allowed') {
        return true
    }
    if (status in ['awaiting', 'timeout', 'unknown']) {
        // Not decided yet; 'unknown': Jira does not know the gate yet, shortly after the deployment was sent.
        echo "checkGatingStatus: ${result.message ?: 'the gate has not decided yet'}"
        return false
    }
    if (status == 'prevented' || status == 'expired') {
        currentBuild.result = 'ABORTED'
        error("checkGatingStatus: the deployment gate answered ${status}: this deployment may not proceed" +
              (result.message ? " (${result.message})" : ''))
    }
    if (status == null && result.exitCode == 4) {
        echo "checkGatingStatus: ${result.message}; the gate is treated as not decided yet"
        return false
    }
    error("checkGatingStatus: the gate could not be checked: ${result.message ?: 'the gate answered ' + status}")
}
