// checkGatingStatus: Atlassian's plugin's name for jiraDevopsCheckGatingStatus (same parameters and result).
//
// While the plugin is installed, declarative pipelines validate this name against the plugin's step: use
// jiraDevopsCheckGatingStatus there for parameters the plugin does not have (docs/jenkins.md, migration).

def call(Map params = [:]) {
    return jiraDevopsCheckGatingStatus.check('checkGatingStatus', params)
}
