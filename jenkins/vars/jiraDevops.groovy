// jiraDevops: run any jira-devops command from a pipeline, and the engine behind the other steps.
//
// Every parameter reaches the CLI as an environment variable (withEnv) and every secret through
// withCredentials; the shell script handed to `sh` is the constant CLI_SCRIPT below, so no parameter and
// no secret is ever part of a Groovy string given to `sh`. The parameter names, their variables and the
// commands that take them come from resources/jira-devops/parameters.json, generated from the CLI's
// settings registry.

import groovy.transform.Field

@Field static final String PARAMETERS_RESOURCE = 'jira-devops/parameters.json'

// Parameters of the steps themselves (not settings of the CLI).
@Field static final List STEP_PARAMETERS = ['command', 'args', 'credentialsId', 'githubCredentialsId', 'cliPackage']

// What each exit code of the CLI means (see the README's exit codes).
@Field static final Map EXIT_MEANINGS = [
    1  : 'Jira rejected one or more items',
    2  : 'usage or configuration error',
    3  : 'authentication or permission refused',
    4  : 'Jira could not be reached',
    5  : 'the deployment gate refused',
    6  : 'the deployment gate did not decide in time',
    70 : 'internal error of jira-devops',
    127: 'jira-devops is not installed on this agent and could not be installed',
]

// The one script every step runs. It is a constant: values arrive in the environment only.
// It finds (or installs, once per workspace) the CLI, warns when its version is not the library's, runs the
// command with --json, and prints the JSON followed by a last line holding the exit code, so the step gets
// both without failing `sh`.
@Field static final String CLI_SCRIPT = '''#!/bin/sh
set -u
tmp="${JIRA_DEVOPS_STEP_TMP}"
mkdir -p "$tmp"
cli=$(command -v jira-devops 2>/dev/null || true)
if [ -z "$cli" ]; then
  pkg="${JIRA_DEVOPS_STEP_PACKAGE}"
  venv="$tmp/jira-devops-venv-$(printf '%s' "$pkg" | cksum | cut -d ' ' -f 1)"
  if [ ! -f "$venv/.installed" ]; then
    waited=0
    until mkdir "$venv.lock" 2>/dev/null; do
      waited=$((waited + 1))
      if [ "$waited" -gt 300 ]; then
        echo "jira-devops: gave up waiting for $venv.lock (remove it if no build is installing)" >&2
        printf '\\n127\\n'
        exit 0
      fi
      sleep 2
    done
    if [ ! -f "$venv/.installed" ]; then
      echo "jira-devops: installing $pkg into $venv" >&2
      rm -rf "$venv"
      if ! command -v python3 >/dev/null 2>&1; then
        echo "jira-devops: python3 is not on PATH: install jira-devops or Python 3.9+ on this agent" >&2
      elif python3 -m venv "$venv" >&2 && "$venv/bin/python" -m pip install -q "$pkg" >&2; then
        touch "$venv/.installed"
      else
        echo "jira-devops: could not install $pkg (see above)" >&2
      fi
    fi
    rmdir "$venv.lock"
  fi
  if [ ! -f "$venv/.installed" ]; then
    printf '\\n127\\n'
    exit 0
  fi
  cli="$venv/bin/jira-devops"
fi
found=$("$cli" --version 2>/dev/null | cut -d ' ' -f 2)
if [ "$found" != "$JIRA_DEVOPS_STEP_VERSION" ]; then
  echo "jira-devops: warning: $cli is version ${found:-unknown}; this library expects $JIRA_DEVOPS_STEP_VERSION" >&2
fi
set -- "$JIRA_DEVOPS_STEP_COMMAND"
i=1
while [ "$i" -le "${JIRA_DEVOPS_STEP_ARGC:-0}" ]; do
  eval "set -- \\"\\$@\\" \\"\\${JIRA_DEVOPS_STEP_ARG_$i}\\""
  i=$((i + 1))
done
rc=0
"$cli" "$@" --json || rc=$?
printf '\\n%s\\n' "$rc"
'''

/**
 * jiraDevops(command: 'report-build', site: 'acme', ...): run one jira-devops command.
 * Returns the command's JSON result as a map, plus exitCode, ok and message.
 * Failures are printed and returned; they fail the build only with failOnError: true.
 */
def call(Map params = [:]) {
    Map given = params ?: [:]
    String command = given.command ? given.command.toString() : null
    if (!command) {
        return finish('jiraDevops', failure(2, "the 'command' parameter is missing (e.g. command: 'report-build')"),
                      truthy(given.failOnError))
    }
    // The build's result so far is a fact the CLI may use as the job status (for example for --state auto).
    Map result = runCli('jiraDevops', command, given - [command: given.command],
                        [JIRA_DEVOPS_JOB_STATUS: currentBuild.currentResult])
    return finish('jiraDevops', result, truthy(given.failOnError))
}

/**
 * Run `jira-devops <command>` with the step's parameters; print a summary; return the result map.
 * Never throws for a failure of the command itself: the caller decides what a failure means.
 */
Map runCli(String stepName, String command, Map params, Map extraEnvironment = [:]) {
    Map table = parameterTable()
    List problems = parameterProblems(table, command, params ?: [:])
    if (problems) {
        return failure(2, problems.join('; '))
    }
    String workspace = env.WORKSPACE
    if (!workspace) {
        return failure(2, 'run this step inside a node (it needs a workspace)')
    }
    if (!isUnix()) {
        return failure(2, 'jira-devops steps run on Unix agents only (they use sh)')
    }
    List environment = environmentFor(table, command, params ?: [:], extraEnvironment)
    environment << "JIRA_DEVOPS_STEP_TMP=${env.WORKSPACE_TMP ?: workspace + '@tmp'}/jira-devops".toString()
    environment << "JIRA_DEVOPS_STEP_PACKAGE=${params?.cliPackage ?: 'jira-devops==' + table.version}".toString()
    environment << "JIRA_DEVOPS_STEP_VERSION=${table.version}".toString()
    String output
    try {
        withEnv(environment) {
            withCredentials(credentialBindings(params ?: [:])) {
                output = sh(script: CLI_SCRIPT, returnStdout: true, label: "jira-devops ${command}")
            }
        }
    } catch (Exception problem) {
        if (isInterruption(problem)) {
            throw problem
        }
        return failure(2, "could not run jira-devops ${command}: ${problem.message}")
    }
    Map result = parseOutput(output)
    for (String line in summaryLines(result)) {
        echo "${stepName}: ${line}"
    }
    return result
}

/** Print a failed result and apply failOnError; returns the result. */
Map finish(String stepName, Map result, boolean failOnError) {
    if (result.ok) {
        return result
    }
    String text = "${stepName}: ${result.message}"
    if (failOnError) {
        error(text)
    }
    echo "${text} (the build goes on; set failOnError: true to fail it)"
    return result
}

/** A failed result that never reached Jira. */
@NonCPS
Map failure(int exitCode, String message) {
    return [exitCode: exitCode, ok: false, message: message]
}

@NonCPS
boolean truthy(Object value) {
    return value != null && value.toString().trim().toLowerCase() in ['true', 'yes', '1', 'on']
}

/** The library's parameter table (see resources/jira-devops/parameters.json). */
Map parameterTable() {
    return parseJson(libraryResource(PARAMETERS_RESOURCE))
}

@NonCPS
Object parseJson(String text) {
    return new groovy.json.JsonSlurperClassic().parseText(text)
}

/** What is wrong with the parameters, one phrase per problem; empty when nothing is. */
@NonCPS
List parameterProblems(Map table, String command, Map params) {
    List problems = []
    List groups = table.commands[command]
    for (Object key in params.keySet()) {
        String name = key.toString()
        if (name in STEP_PARAMETERS) {
            continue
        }
        if (table.secrets.containsKey(name)) {
            String instead = name == 'githubToken' ? 'githubCredentialsId' : 'credentialsId'
            problems << "never pass ${name} as a parameter (it would be stored in plain text): " +
                        "store it as a Jenkins credential and pass ${instead}"
            continue
        }
        Map parameter = table.parameters[name]
        if (parameter == null) {
            List known = (table.parameters.keySet() + STEP_PARAMETERS).sort()
            String close = known.find { it.equalsIgnoreCase(name) }
            problems << "unknown parameter '${name}'" + (close ? " (did you mean '${close}'?)" : '')
            continue
        }
        if (groups != null && !groups.any { it in parameter.groups }) {
            problems << "parameter '${name}' does not apply to ${command}"
        }
    }
    Object credentialsId = params.credentialsId
    if (credentialsId instanceof Collection && credentialsId.size() != 2) {
        problems << 'credentialsId takes one username/password credential ID, ' +
                    'or a list of two secret-text IDs: [clientIdCredential, clientSecretCredential]'
    }
    return problems
}

/** The withEnv entries carrying the parameters (and the run's facts) to the CLI. */
@NonCPS
List environmentFor(Map table, String command, Map params, Map extraEnvironment) {
    List environment = []
    for (Map.Entry entry in params.entrySet()) {
        Map parameter = table.parameters[entry.key.toString()]
        if (parameter == null || parameter.inverted || entry.value == null) {
            continue  // step parameters; failOnError is the step's own business
        }
        environment << "${parameter.env}=${formatValue(entry.value)}".toString()
    }
    for (Map.Entry entry in extraEnvironment.entrySet()) {
        if (entry.value != null) {
            environment << "${entry.key}=${entry.value}".toString()
        }
    }
    List args = params.args == null ? [] : (params.args instanceof Collection ? params.args as List : [params.args])
    environment << "JIRA_DEVOPS_STEP_COMMAND=${command}".toString()
    environment << "JIRA_DEVOPS_STEP_ARGC=${args.size()}".toString()
    args.eachWithIndex { arg, index -> environment << "JIRA_DEVOPS_STEP_ARG_${index + 1}=${arg}".toString() }
    return environment
}

@NonCPS
String formatValue(Object value) {
    if (value instanceof Collection || value instanceof Object[]) {
        return (value as List).collect { it.toString() }.join(',')
    }
    return value.toString()
}

/** The withCredentials bindings: one username/password, or two secret texts, and a GitHub token. */
List credentialBindings(Map params) {
    List bindings = []
    Object credentialsId = params.credentialsId ?: env.JIRA_DEVOPS_CREDENTIALS_ID
    if (credentialsId instanceof Collection) {
        List ids = credentialsId as List
        bindings << string(credentialsId: ids[0].toString(), variable: 'JIRA_CLIENT_ID')
        bindings << string(credentialsId: ids[1].toString(), variable: 'JIRA_CLIENT_SECRET')
    } else if (credentialsId) {
        bindings << usernamePassword(credentialsId: credentialsId.toString(),
                                     usernameVariable: 'JIRA_CLIENT_ID', passwordVariable: 'JIRA_CLIENT_SECRET')
    }
    if (params.githubCredentialsId) {
        bindings << string(credentialsId: params.githubCredentialsId.toString(), variable: 'GITHUB_TOKEN')
    }
    return bindings
}

@NonCPS
boolean isInterruption(Throwable problem) {
    String name = problem.getClass().name
    return problem instanceof InterruptedException || name.endsWith('FlowInterruptedException')
}

/** The CLI's output (JSON, then the exit code on the last line) as the step's result map. */
@NonCPS
Map parseOutput(String output) {
    List lines = (output ?: '').trim().readLines()
    Integer exitCode = lines ? (lines[-1].trim().isInteger() ? lines[-1].trim().toInteger() : null) : null
    if (exitCode == null) {
        return failure(70, 'jira-devops ended without an exit code (see the log above)')
    }
    String json = lines.size() > 1 ? lines[0..-2].join('\n').trim() : ''
    Map result = [:]
    if (json) {
        try {
            Object parsed = new groovy.json.JsonSlurperClassic().parseText(json)
            result.putAll(parsed instanceof Map ? parsed : [value: parsed])
        } catch (Exception ignored) {
            result.output = json
        }
    }
    result.exitCode = exitCode
    result.ok = exitCode == 0
    if (exitCode != 0 && !result.message) {
        String meaning = EXIT_MEANINGS[exitCode] ?: 'failed'
        result.message = "jira-devops exited ${exitCode}: ${meaning} (its message is above)".toString()
    }
    return result
}

/** A few lines saying what was sent and what Jira said. */
@NonCPS
List summaryLines(Map result) {
    List lines = []
    if (result.skipped) {
        lines << "nothing sent: ${result.skipped}".toString()
    }
    for (Object key in (result.accepted ?: [])) {
        lines << "accepted: ${itemName(key)}".toString()
    }
    for (Object item in (result.rejected ?: [])) {
        String reasons = (item.errors ?: []).collect { it.message }.join('; ') ?: 'no reason given'
        lines << "rejected: ${itemName(item.key)}: ${reasons}".toString()
    }
    if (result.unknownIssueKeys) {
        lines << "issue keys Jira does not know: ${result.unknownIssueKeys.join(', ')}".toString()
    }
    if (result.issueKeys) {
        Map sources = result.keySources ?: [:]
        String keys = result.issueKeys.collect { key ->
            sources[key] ? "${key} (${sources[key].join(', ')})" : key
        }.join(', ')
        lines << "issue keys: ${keys}".toString()
    }
    if (result.gateStatus) {
        lines << "gate: ${result.gateStatus}".toString()
    }
    if (result.outboxed) {
        lines << "kept in the outbox for later delivery: ${result.outboxed} request(s)".toString()
    }
    return lines
}

@NonCPS
String itemName(Object key) {
    if (!(key instanceof Map)) {
        return String.valueOf(key)
    }
    if (key.buildNumber != null) {
        return "build ${key.pipelineId} #${key.buildNumber}".toString()
    }
    return "deployment ${key.pipelineId} #${key.deploymentSequenceNumber} to ${key.environmentId}".toString()
}
