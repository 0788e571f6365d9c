// jiraDevopsSendDeploymentInfo: report a deployment to Jira. jiraSendDeploymentInfo (Atlassian's plugin's
// name) runs this step too; this name never collides with the plugin's (see docs/jenkins.md).
//
// jiraDevopsSendDeploymentInfo(site: 'acme', environmentId: 'prod-eu', environmentName: 'Production EU',
//                              environmentType: 'production', credentialsId: 'jira-oauth')
// jiraDevopsSendDeploymentInfo(site: 'acme', environmentName: 'production', enableGating: true,
//                              serviceIds: ['b:YXJp...'], credentialsId: 'jira-oauth')
//
// The state defaults from currentBuild.currentResult (pending while a gate is asked for). issueKeys means
// exactly those keys, as in the plugin; addDiscoveredKeys: true adds the branch's and commits' keys. With
// enableGating: true the step waits for the gate's decision (gateTimeout, default 30m), checking every
// gatePoll (default 30s) with a short gate-status run and the pipeline's sleep step in between, and stops
// the build unless the gate allowed the deployment. Any other failure to report is printed and never fails
// the build unless failOnError: true. Returns the result map (accepted, rejected, gateStatus, ok, ...).

import groovy.transform.Field

// The plugin's parameter names that this library spells as the CLI does.
@Field static final Map PLUGIN_NAMES = [environmentName: 'environment', enableGate: 'enableGating']
// The key sources turned off when issueKeys is given without addDiscoveredKeys: true.
@Field static final List DISCOVERED_KEYS = ['branchKeys', 'commitKeys', 'titleKeys']
@Field static final long DEFAULT_GATE_TIMEOUT_MS = 30 * 60 * 1000
@Field static final long DEFAULT_GATE_POLL_MS = 30 * 1000

def call(Map params = [:]) {
    return send('jiraDevopsSendDeploymentInfo', params)
}

/** The step, under the name the pipeline called it by. */
Map send(String stepName, Map params) {
    Map given = deploymentParameters(params ?: [:])
    boolean gated = jiraDevops.truthy(given.enableGating)
    if (!gated) {
        // A deployment waiting on its gate is pending (the CLI's default); otherwise the build's result so far.
        given = [state: currentBuild.currentResult] + given
        Map result = jiraDevops.runCli(stepName, 'report-deploy', given)
        return jiraDevops.finish(stepName, result, jiraDevops.truthy(given.failOnError))
    }
    // Send the deployment and look at the gate once; then wait here, between short checks, so that a long
    // wait holds no shell (and, called outside a node with nodeLabel, no executor).
    long timeout = durationMillis(given.gateTimeout, DEFAULT_GATE_TIMEOUT_MS)
    long poll = Math.max(1000L, durationMillis(given.gatePoll, DEFAULT_GATE_POLL_MS))
    Map result = jiraDevops.runCli(stepName, 'report-deploy', given + [gateTimeout: '0s'])
    long waited = 0
    while (result.exitCode == 6 && waited < timeout) {
        long pause = Math.min(poll, timeout - waited)
        sleep(time: Math.max(1L, (long) (pause / 1000)), unit: 'SECONDS')
        waited += pause
        result = gateCheck(stepName, given, result)
    }
    if (result.cannotRun) {
        error("${stepName}: cannot report: ${result.message}")  // and so no gate's yes: the build stops
    }
    if (!result.ok) {
        // Going on would deploy without the gate's yes, whatever failOnError says.
        if (result.exitCode == 5) {
            currentBuild.result = 'ABORTED'
        }
        error("${stepName}: the deployment gate did not allow this deployment: " +
              "${result.gateMessage ?: result.message}")
    }
    return result
}

/** One short look at the gate of the deployment just sent; the result keeps what the report returned. */
Map gateCheck(String stepName, Map given, Map sent) {
    Map deployment = (sent.accepted ?: [[:]])[0] as Map
    Map lookup = gateLookup(given, deployment)
    Map status = jiraDevops.runCli(stepName, 'gate-status', lookup)
    String gate = status.gateStatus ? status.gateStatus.toString().toLowerCase() : null
    Map result = sent + [gateStatus: status.gateStatus, gateMessage: status.message]
    if (gate == 'allowed') {
        return result + [ok: true, exitCode: 0, message: null]
    }
    if (gate in ['prevented', 'expired']) {
        return result + [ok: false, exitCode: 5]
    }
    if (gate in ['awaiting', 'timeout', 'unknown'] || (gate == null && status.exitCode == 4)) {
        // Not decided; not known yet right after the deployment was sent; or Jira unreachable for now.
        return result + [ok: false, exitCode: 6]
    }
    return result + [ok: false, exitCode: status.exitCode]
}

@NonCPS
Map gateLookup(Map given, Map deployment) {
    Map lookup = [:]
    for (String name in ['site', 'credentialsId', 'nodeLabel', 'cliPath', 'apiUrl', 'cloudId', 'timeout']) {
        if (given[name] != null) {
            lookup[name] = given[name]
        }
    }
    lookup.environmentId = deployment.environmentId ?: given.environmentId
    if (deployment.pipelineId) {
        lookup.pipelineId = deployment.pipelineId
    }
    if (deployment.deploymentSequenceNumber != null) {
        lookup.deploymentNumber = deployment.deploymentSequenceNumber
    }
    return lookup.findAll { k, v -> v != null }
}

/** The plugin's names translated; issueKeys made exact unless addDiscoveredKeys: true. */
@NonCPS
Map deploymentParameters(Map params) {
    Map result = [:]
    for (Map.Entry entry in params.entrySet()) {
        String name = PLUGIN_NAMES[entry.key.toString()] ?: entry.key.toString()
        result[name] = entry.value
    }
    boolean addDiscovered = jiraDevops.truthy(result.remove('addDiscoveredKeys'))
    if (result.issueKeys && !addDiscovered) {
        // As Atlassian's plugin: the keys given are the deployment's keys, nothing found in git is added.
        for (String source in DISCOVERED_KEYS) {
            if (!result.containsKey(source)) {
                result[source] = false
            }
        }
    }
    return result
}

/** A duration parameter (90, '90s', '2m', '1h', '500ms') in milliseconds; the default when absent. */
@NonCPS
long durationMillis(Object value, long fallback) {
    if (value == null || value.toString().trim().isEmpty()) {
        return fallback
    }
    def found = value.toString().trim().toLowerCase() =~ /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/
    if (!found.matches()) {
        return fallback  // the CLI names the bad value when it reads it
    }
    BigDecimal number = new BigDecimal(found.group(1))
    Map unit = [ms: 1, s: 1000, m: 60000, h: 3600000]
    return (number * (unit[found.group(2) ?: 's'] as BigDecimal)).longValue()
}
