// jiraSendBuildInfo: report this build to Jira, as Atlassian's plugin step of the same name did.
//
// jiraSendBuildInfo(site: 'acme.atlassian.net', credentialsId: 'jira-oauth')
// jiraSendBuildInfo(site: 'acme', branch: 'ABC-12-login', issueKeys: ['ABC-12'], state: 'successful')
//
// The state defaults from currentBuild.currentResult. A failure to report is printed and never fails the
// build unless failOnError: true. Returns the result map (accepted, rejected, issueKeys, exitCode, ok, ...).

def call(Map params = [:]) {
    // The CLI maps Jenkins' words: SUCCESS -> successful, UNSTABLE/FAILURE -> failed, ABORTED -> cancelled.
    Map given = [state: currentBuild.currentResult] + (params ?: [:])
    Map result = jiraDevops.runCli('jiraSendBuildInfo', 'report-build', given)
    return jiraDevops.finish('jiraSendBuildInfo', result, jiraDevops.truthy(given.failOnError))
}
