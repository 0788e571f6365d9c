// jiraDevops: run any jira-devops command from a pipeline, and the engine behind the other steps.
//
// Every parameter reaches the CLI as an environment variable (withEnv) and every secret through
// withCredentials; the shell script handed to `sh` is the constant CLI_SCRIPT below, so no parameter and
// no secret is ever part of a Groovy string given to `sh`. The parameter names, their variables and the
// commands that take them come from resources/jira-devops/parameters.json, generated from the CLI's
// settings registry.

import groovy.transform.Field

@Field static final String PARAMETERS_RESOURCE = 'jira-devops/parameters.json'
// The hash-locked requirements (every dependency, and the CLI by version and wheel hash), written by
// scripts/jenkins_lock.py when the library is released.
@Field static final String REQUIREMENTS_RESOURCE = 'jira-devops/requirements.txt'

// Parameters of the steps themselves (not settings of the CLI).
@Field static final List STEP_PARAMETERS = ['command', 'args', 'credentialsId', 'githubCredentialsId', 'cliPath',
                                            'nodeLabel']

// Step parameters every command takes, whatever its settings groups (the step applies them itself).
@Field static final List STEP_OPTIONS = ['failOnError']

// What each exit code of the CLI means (see the README's exit codes).
@Field static final Map EXIT_MEANINGS = [
    1  : 'Jira rejected one or more items',
    2  : 'usage or configuration error',
    3  : 'authentication or permission refused',
    4  : 'Jira could not be reached',
    5  : 'the deployment gate refused',
    6  : 'the deployment gate did not decide in time',
    70 : 'internal error of jira-devops',
    127: 'jira-devops could not run on this agent',
]

// The one script every step runs. It is a constant: values arrive in the environment only.
// It finds the CLI (cliPath, else `jira-devops` on PATH, else the install for this library version under the
// agent's cache folder, made once per agent and version from the hash-locked requirements the step wrote
// next to the workspace), runs the command with --json, and prints the JSON followed by a last line holding
// the exit code, so the step gets both without failing `sh`. When the CLI cannot run at all it prints one
// line saying what is missing and how to fix it, then 127.
//
// The install is atomic and its lock cannot go stale: pip installs into a temporary virtual environment
// that is renamed into place only once complete; the lock (a directory, created atomically by mkdir)
// records its owner's PID, host and start time, is removed by a trap when the script ends, and is taken
// over when its owner is gone (same host, PID not running), when it has no owner record after a minute,
// or when it is older than 15 minutes.
@Field static final String CLI_SCRIPT = '''#!/bin/sh
set -u
say() { echo "jira-devops: $*" >&2; }
cannot() { printf '\\n%s\\n127\\n' "$*"; exit 0; }
version="$JIRA_DEVOPS_STEP_VERSION"
cli="${JIRA_DEVOPS_STEP_CLI:-}"
if [ -n "$cli" ]; then
  [ -f "$cli" ] && [ -x "$cli" ] || cannot "cliPath '$cli' is not an executable file on this agent (node ${NODE_NAME:-?})"
else
  cli=$(command -v jira-devops 2>/dev/null || true)
fi
home=""
if [ -z "$cli" ]; then
  root="${JIRA_DEVOPS_INSTALL_DIR:-${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/jira-devops}"
  home="$root/$version"
  lock="$JIRA_DEVOPS_STEP_REQUIREMENTS"
  installed() {
    [ -x "$home/bin/python" ] && [ -f "$home/.installed" ] &&
      [ "$(cksum < "$home/requirements.txt" 2>/dev/null)" = "$(cksum < "$lock")" ]
  }
  if ! installed; then
    mkdir -p "$root" 2>/dev/null && [ -w "$root" ] ||
      cannot "cannot write the install folder $root: set JIRA_DEVOPS_INSTALL_DIR to a writable folder on this agent, or put jira-devops on PATH"
    py="${JIRA_DEVOPS_PYTHON:-python3}"
    command -v "$py" >/dev/null 2>&1 ||
      cannot "no $py on this agent: install Python 3.9+ with its venv module (Debian/Ubuntu: apt-get install python3 python3-venv), set JIRA_DEVOPS_PYTHON, or put jira-devops on PATH"
    "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' 2>/dev/null ||
      cannot "$("$py" -V 2>&1 | head -n 1) at $(command -v "$py") is too old: jira-devops needs Python 3.9+ (install it and set JIRA_DEVOPS_PYTHON to it, or put jira-devops on PATH)"
    "$py" -c 'import venv, ensurepip' 2>/dev/null ||
      cannot "$(command -v "$py") has no venv module: install it (Debian/Ubuntu: apt-get install python3-venv), set JIRA_DEVOPS_PYTHON, or put jira-devops on PATH"
    lockdir="$root/.$version.lock"
    build="$root/.build-$version-$$"
    trap 'rm -rf "$build"; if [ "$(cat "$lockdir/owner" 2>/dev/null)" = "$$ $me" ]; then rm -rf "$lockdir"; fi' EXIT
    trap 'exit 143' INT TERM HUP
    me="$(uname -n) $(date +%s)"
    waited=0
    until mkdir "$lockdir" 2>/dev/null; do
      owner=$(cat "$lockdir/owner" 2>/dev/null || true)
      pid=${owner%% *}
      host=$(printf '%s' "$owner" | cut -d ' ' -f 2)
      stale=""
      if [ -n "$owner" ] && [ "$host" = "$(uname -n)" ] && ! kill -0 "$pid" 2>/dev/null; then
        stale="its owner (PID $pid) is gone"
      elif [ -z "$owner" ] && [ -n "$(find "$lockdir" -prune -mmin +1 2>/dev/null)" ]; then
        stale="it has no owner"
      elif [ -n "$(find "$lockdir" -prune -mmin +15 2>/dev/null)" ]; then
        stale="it is older than 15 minutes"
      fi
      if [ -n "$stale" ]; then
        if mv "$lockdir" "$lockdir.stale.$$" 2>/dev/null; then
          say "took over the install lock $lockdir: $stale"
          rm -rf "$lockdir.stale.$$" "$root/.build-$version-$pid"
        fi
        continue
      fi
      waited=$((waited + 1))
      if [ "$waited" -ge 900 ]; then
        cannot "gave up after 15 minutes waiting for the install of jira-devops $version by PID $pid on $host (lock $lockdir)"
      fi
      if [ $((waited % 15)) -eq 1 ]; then
        say "waiting for the install of jira-devops $version by PID $pid on $host"
      fi
      sleep 1
    done
    printf '%s %s\\n' "$$" "$me" > "$lockdir/owner"
    if ! installed; then
      say "installing jira-devops $version into $home (once per agent and version)"
      started=$(date +%s)
      rm -rf "$build"
      # venv and pip run without the step's secrets: they are for the CLI alone.
      (
        unset JIRA_CLIENT_ID JIRA_CLIENT_SECRET GITHUB_TOKEN
        "$py" -m venv "$build" >&2 || exit 3
        PIP_DISABLE_PIP_VERSION_CHECK=1 "$build/bin/python" -m pip install --quiet --no-input --require-hashes \\
            -r "$lock" >&2 || exit 4
      )
      case $? in
        0) ;;
        3) cannot "$py -m venv failed (see above): install the venv module (Debian/Ubuntu: apt-get install python3-venv), or put jira-devops on PATH" ;;
        *) cannot "could not install jira-devops $version (pip's message is above): its package index or mirror (PIP_INDEX_URL, PIP_FIND_LINKS or pip.conf on the agent) must offer it and its dependencies, or put jira-devops on PATH / pass cliPath" ;;
      esac
      cp "$lock" "$build/requirements.txt" && touch "$build/.installed" ||
        cannot "could not write into $build"
      if [ -e "$home" ]; then
        mv "$home" "$root/.old-$version-$$" && rm -rf "$root/.old-$version-$$"
      fi
      mv "$build" "$home" || cannot "could not move the install into $home"
      say "installed jira-devops $version in $(( $(date +%s) - started ))s"
    fi
    rm -rf "$lockdir"
    trap - EXIT INT TERM HUP
  fi
fi
run_cli() {
  if [ -n "$home" ]; then "$home/bin/python" -m jira_devops "$@"; else "$cli" "$@"; fi
}
if [ -z "$home" ]; then
  found=$(run_cli --version 2>/dev/null | cut -d ' ' -f 2)
  if [ "$found" != "$version" ]; then
    say "warning: $cli is version ${found:-unknown}; this library expects $version"
  fi
fi
set -- "$JIRA_DEVOPS_STEP_COMMAND"
i=1
while [ "$i" -le "${JIRA_DEVOPS_STEP_ARGC:-0}" ]; do
  eval "set -- \\"\\$@\\" \\"\\${JIRA_DEVOPS_STEP_ARG_$i}\\""
  i=$((i + 1))
done
rc=0
run_cli "$@" --json || rc=$?
printf '\\n%s\\n' "$rc"
'''

/**
 * jiraDevops(command: 'report-build', site: 'acme', ...): run one jira-devops command.
 * Returns the command's JSON result as a map, plus exitCode, ok and message.
 * Failures are printed and returned; they fail the build only with failOnError: true. A step that cannot
 * run the CLI at all (no agent, no Python, the install failed, an unknown credential) marks it UNSTABLE.
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
 * Never throws for a failure of the command itself: the caller decides what a failure means. Outside a
 * node, it runs in node(nodeLabel) when nodeLabel is given, and otherwise returns a cannotRun result.
 */
Map runCli(String stepName, String command, Map params, Map extraEnvironment = [:]) {
    Map given = params ?: [:]
    Map table = parameterTable()
    List problems = parameterProblems(table, command, given)
    if (problems) {
        return failure(2, problems.join('; '))
    }
    if (!env.WORKSPACE) {
        if (given.nodeLabel) {
            Map result = null
            node(given.nodeLabel.toString()) {
                result = runOnAgent(stepName, command, table, given, extraEnvironment)
            }
            return result
        }
        return cannotRun("${stepName} runs jira-devops on an agent and was called outside one: " +
                         "pass nodeLabel: 'linux' (a label of your Unix agents), or call it inside node('linux') { }")
    }
    return runOnAgent(stepName, command, table, given, extraEnvironment)
}

/** runCli's work once on an agent: the constant script, the parameters in withEnv, secrets in withCredentials. */
Map runOnAgent(String stepName, String command, Map table, Map params, Map extraEnvironment) {
    if (!isUnix()) {
        return cannotRun("${stepName} needs a Linux or macOS agent (sh, and python3 3.9+ or jira-devops on PATH); " +
                         "this one is Windows: run it in node('linux') { } or pass nodeLabel: 'linux'")
    }
    String tmp = "${env.WORKSPACE_TMP ?: env.WORKSPACE + '@tmp'}/jira-devops"
    String requirements = "${tmp}/requirements-${table.version}.txt"
    writeFile(file: requirements, text: libraryResource(REQUIREMENTS_RESOURCE), encoding: 'UTF-8')
    List environment = environmentFor(table, command, params, extraEnvironment)
    environment << "JIRA_DEVOPS_STEP_REQUIREMENTS=${requirements}".toString()
    environment << "JIRA_DEVOPS_STEP_VERSION=${table.version}".toString()
    if (params.cliPath) {
        environment << "JIRA_DEVOPS_STEP_CLI=${params.cliPath}".toString()
    }
    String output = null
    boolean started = false
    try {
        withEnv(environment) {
            withCredentials(credentialBindings(params)) {
                started = true
                output = sh(script: CLI_SCRIPT, returnStdout: true, label: "jira-devops ${command}")
            }
        }
    } catch (Exception problem) {
        if (isInterruption(problem)) {
            throw problem
        }
        if (!started) {
            return cannotRun("the credential could not be bound (${problem.message}): add it under " +
                             'Manage Jenkins > Credentials (username = client ID, password = client secret), ' +
                             'or pass the right credentialsId')
        }
        return cannotRun("could not run jira-devops ${command}: ${problem.message}")
    }
    Map result = parseOutput(output)
    for (String line in summaryLines(result)) {
        echo "${stepName}: ${line}"
    }
    return result
}

/**
 * Print a failed result and apply failOnError; returns the result. A result that could not run the CLI at
 * all marks the build UNSTABLE (FAILURE with failOnError: true); any other failure is printed and the
 * build goes on unless failOnError: true.
 */
Map finish(String stepName, Map result, boolean failOnError) {
    if (result.ok) {
        return result
    }
    String text = result.cannotRun ? "${stepName}: cannot report: ${result.message}" : "${stepName}: ${result.message}"
    if (failOnError) {
        error(text)
    }
    if (result.cannotRun) {
        unstable(text)
        return result
    }
    echo "${text} (the build goes on; set failOnError: true to fail it)"
    return result
}

/** A failed result that never reached Jira. */
@NonCPS
Map failure(int exitCode, String message) {
    return [exitCode: exitCode, ok: false, message: message]
}

/** A result for a step that could not run the CLI at all; the message names what is missing. */
@NonCPS
Map cannotRun(String message) {
    return [exitCode: 127, ok: false, cannotRun: true, message: message]
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
        if (groups != null && !(name in STEP_OPTIONS) && !groups.any { it in parameter.groups }) {
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
    if (exitCode == 127 && !(result.keySet() - ['output'])) {
        // The script's own report: one line saying what is missing on this agent (see CLI_SCRIPT).
        return cannotRun(json ?: EXIT_MEANINGS[127])
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
