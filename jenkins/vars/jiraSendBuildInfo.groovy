// jiraSendBuildInfo: Atlassian's plugin's name for jiraDevopsSendBuildInfo (same parameters and result).
//
// While the plugin is installed, declarative pipelines validate this name against the plugin's step and
// refuse this library's extra parameters: use jiraDevopsSendBuildInfo there (docs/jenkins.md, migration).

def call(Map params = [:]) {
    return jiraDevopsSendBuildInfo.send('jiraSendBuildInfo', params)
}
