// jiraDevopsCheckGatingStatus: ask Jira whether this run's deployment may proceed. checkGatingStatus
// (Atlassian's plugin's name) runs this step too; this name never collides with the plugin's.
//
// waitUntil { jiraDevopsCheckGatingStatus(site: 'acme', environmentId: 'prod-eu', credentialsId: 'jira-oauth') }
//
// As the plugin's step: true when the gate allowed the deployment, false while it is still awaiting a
// decision; a gate that prevented the deployment aborts the build; a deployment Jira knows no gate for, an
// invalid gate, or a configuration/permission error fail it. Jira unreachable answers false (ask again
// later) unless failOnError: true. Never a silent yes.

def call(Map params = [:]) {
    return check('jiraDevopsCheckGatingStatus', params)
}

/** The step, under the name the pipeline called it by. */
boolean check(String stepName, Map params) {
    Map given = params ?: [:]
    Map result = jiraDevops.runCli(stepName, 'gate-status', given)
    String status = result.gateStatus ? result.gateStatus.toString().toLowerCase() : null
    if (status == 'allowed') {
        return true
    }
    if (status in ['awaiting', 'timeout']) {
        echo "${stepName}: ${result.message ?: 'the gate has not decided yet'}"
        return false
    }
    if (status == 'prevented' || status == 'expired') {
        currentBuild.result = 'ABORTED'
        error("${stepName}: the deployment gate answered ${status}: this deployment may not proceed" +
              (result.message ? " (${result.message})" : ''))
    }
    if (status == 'unknown') {
        // The plugin throws here too: a waitUntil loop must not spin on a deployment that was never gated.
        error("${stepName}: Jira knows no gate for this deployment (was it sent with enableGating: true, " +
              "to this environmentId?)" + (result.message ? ": ${result.message}" : ''))
    }
    if (status == null && result.exitCode == 4 && !jiraDevops.truthy(given.failOnError)) {
        echo "${stepName}: ${result.message}; the gate is treated as not decided yet"
        return false
    }
    String reason = result.cannotRun ? "cannot check the gate: ${result.message}" :
                    "the gate could not be checked: ${result.message ?: 'the gate answered ' + status}"
    error("${stepName}: ${reason}")
}
