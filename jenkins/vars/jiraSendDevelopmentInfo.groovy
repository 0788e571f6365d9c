// jiraSendDevelopmentInfo: report this checkout's development information (repository, commits of the range,
// branch, pull request) to Jira's development panel.
//
// jiraSendDevelopmentInfo(site: 'acme.atlassian.net', credentialsId: 'jira-oauth')
// jiraSendDevelopmentInfo(site: 'acme', repositoryUrl: 'https://git.example.com/shop/app', since: 'v1.2.0')
//
// A failure to report is printed and never fails the build unless failOnError: true. Returns the result map
// (accepted, rejected, issueKeys, counts, exitCode, ok, ...).

def call(Map params = [:]) {
    Map given = params ?: [:]
    Map result = jiraDevops.runCli('jiraSendDevelopmentInfo', 'report-dev', given)
    return jiraDevops.finish('jiraSendDevelopmentInfo', result, jiraDevops.truthy(given.failOnError))
}
