// jiraSendDeploymentInfo: report a deployment to Jira, as Atlassian's plugin step of the same name did.
//
// jiraSendDeploymentInfo(site: 'acme', environmentId: 'prod-eu', environmentName: 'Production EU',
//                        environmentType: 'production', credentialsId: 'jira-oauth')
// jiraSendDeploymentInfo(site: 'acme', environmentName: 'production', enableGating: true,
//                        serviceIds: ['b:YXJp...'], credentialsId: 'jira-oauth')
//
// The state defaults from currentBuild.currentResult (pending while a gate is asked for). With
// enableGating: true the step waits for the gate's decision (gateTimeout, default 30m) and stops the build
// unless the gate allowed the deployment. Any other failure to report is printed and never fails the build
// unless failOnError: true. Returns the result map (accepted, rejected, gateStatus, exitCode, ok, ...).

import groovy.transform.Field

// The plugin's parameter names that this library spells as the CLI does.
@Field static final Map PLUGIN_NAMES = [environmentName: 'environment', enableGate: 'enableGating']

def call(Map params = [:]) {
    Map given = renamed(params ?: [:])
    boolean gated = jiraDevops.truthy(given.enableGating)
    if (!gated) {
        // A deployment waiting on its gate is pending (the CLI's default); otherwise the build's result so far.
        given = [state: currentBuild.currentResult] + given
    }
    Map result = jiraDevops.runCli('jiraSendDeploymentInfo', 'report-deploy', given)
    if (gated && !result.ok) {
        // Going on would deploy without the gate's yes, whatever failOnError says.
        if (result.exitCode == 5) {
            currentBuild.result = 'ABORTED'
        }
        error("jiraSendDeploymentInfo: the deployment gate did not allow this deployment: " +
              "${result.gateMessage ?: result.message}")
    }
    return jiraDevops.finish('jiraSendDeploymentInfo', result, jiraDevops.truthy(given.failOnError))
}

@NonCPS
Map renamed(Map params) {
    Map result = [:]
    for (Map.Entry entry in params.entrySet()) {
        String name = PLUGIN_NAMES[entry.key.toString()] ?: entry.key.toString()
        result[name] = entry.value
    }
    return result
}
