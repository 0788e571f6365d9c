// jiraSendDeploymentInfo: Atlassian's plugin's name for jiraDevopsSendDeploymentInfo (same parameters and
// result).
//
// While the plugin is installed, declarative pipelines validate this name against the plugin's step: it
// requires environmentId, environmentName and environmentType and refuses this library's extra parameters.
// Use jiraDevopsSendDeploymentInfo there (docs/jenkins.md, migration).

def call(Map params = [:]) {
    return jiraDevopsSendDeploymentInfo.send('jiraSendDeploymentInfo', params)
}
