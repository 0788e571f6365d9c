// jiraDevopsSendBuildInfo: report this build to Jira. jiraSendBuildInfo (Atlassian's plugin's name) runs
// this step too; this name never collides with the plugin's, so declarative pipelines compile while the
// plugin is still installed (see docs/jenkins.md).
//
// jiraDevopsSendBuildInfo(site: 'acme.atlassian.net', credentialsId: 'jira-oauth')
// jiraDevopsSendBuildInfo(site: 'acme', branch: 'ABC-12-login', issueKeys: ['ABC-12'], state: 'successful')
//
// The state defaults from currentBuild.currentResult, the test counts from the build's test results (the
// junit step's) unless junit: or testsTotal: is given. A failure to report is printed and never fails the
// build unless failOnError: true. Returns the result map (accepted, rejected, issueKeys, exitCode, ok, ...).

def call(Map params = [:]) {
    return send('jiraDevopsSendBuildInfo', params)
}

/** The step, under the name the pipeline called it by. */
Map send(String stepName, Map params) {
    // The CLI maps Jenkins' words: SUCCESS -> successful, UNSTABLE/FAILURE -> failed, ABORTED -> cancelled.
    Map given = [state: currentBuild.currentResult] + (params ?: [:])
    given = testResultCounts(currentBuild, given) + given
    Map result = jiraDevops.runCli(stepName, 'report-build', given)
    return jiraDevops.finish(stepName, result, jiraDevops.truthy(given.failOnError))
}

/**
 * The counts of the build's test results (what the junit step recorded), as the CLI's parameters; empty
 * when the build has none or the step was given test results itself. Global libraries run outside the
 * script sandbox, so the run's AbstractTestResultAction can be read as Atlassian's plugin did.
 */
@NonCPS
Map testResultCounts(Object build, Map params) {
    if (params.junit || params.testsTotal != null) {
        return [:]
    }
    Object action = build.rawBuild?.getAction(hudson.tasks.test.AbstractTestResultAction)
    if (action == null) {
        return [:]
    }
    int total = action.totalCount
    int failed = action.failCount
    int skipped = action.skipCount
    return [testsTotal: total, testsFailed: failed, testsSkipped: skipped, testsPassed: total - failed - skipped]
}
