// Runs the shared library's steps outside Jenkins, for the tests.
//
// usage: groovy pipeline_harness.groovy <library dir> <scenarios.json> <results.json>
//
// Each scenario is a piece of pipeline code run with the library's global variables in scope. The
// pipeline steps it (and the library) use are stood in for by the small implementations below, which
// record what they receive; `sh` runs its script for real as a subprocess, in the scenario's workspace
// and environment (no masking: a leak must show). When the scenario names an emulator, it is reset and
// prepared before the scenario, and its stored state and requests are recorded after it.

import groovy.json.JsonOutput
import groovy.json.JsonSlurperClassic
import org.codehaus.groovy.ast.CodeVisitorSupport
import org.codehaus.groovy.ast.expr.ConstantExpression
import org.codehaus.groovy.ast.expr.MapEntryExpression
import org.codehaus.groovy.ast.expr.MapExpression
import org.codehaus.groovy.ast.expr.MethodCallExpression
import org.codehaus.groovy.control.CompilationUnit
import org.codehaus.groovy.control.CompilerConfiguration
import org.codehaus.groovy.control.Phases
import org.codehaus.groovy.control.customizers.ImportCustomizer

/** What `error` and a failing `sh` throw in Jenkins (hudson.AbortException). */
class AbortException extends RuntimeException {
    AbortException(String message) { super(message) }
}

/** The `env` global: the job's environment plus the withEnv/withCredentials frames in force. */
class PipelineEnv {
    final PipelineRun run
    PipelineEnv(PipelineRun run) { this.run = run }
    Object getProperty(String name) { return run.environment()[name] }
    void setProperty(String name, Object value) { run.baseEnv[name] = value == null ? null : value.toString() }
    Object getAt(String name) { return getProperty(name) }
}

/** The `currentBuild` global. */
class CurrentBuild {
    static final List ORDER = ['SUCCESS', 'UNSTABLE', 'FAILURE', 'NOT_BUILT', 'ABORTED']
    String result = null
    String currentResult = 'SUCCESS'
    int number = 1
    String description = null
    String displayName = null
    RawBuild rawBuild = new RawBuild()
    void setResult(String value) {
        result = value
        if (ORDER.indexOf(value) > ORDER.indexOf(currentResult)) {
            currentResult = value
        }
    }
}

/** The run behind currentBuild.rawBuild, as far as the library reads it: its actions (Run.getAction). */
class RawBuild {
    List actions = []
    Object getAction(Class type) { return actions.find { type.isInstance(it) } }
}

/** One scenario's world: environment frames, credentials, the record of calls and the log. */
class PipelineRun {
    Map baseEnv = [:]
    List<Map> frames = []
    Map credentials = [:]
    String workspace
    File libraryDir
    List calls = []
    StringBuilder log = new StringBuilder()
    CurrentBuild currentBuild = new CurrentBuild()
    Map scripts = [:]
    String emulatorUrl
    boolean windows = false
    Class testResultActionClass

    /** What the junit step attaches to the run (hudson.tasks.junit.TestResultAction). */
    Object testResultAction(int total, int failed, int skipped) {
        return testResultActionClass.newInstance(total, failed, skipped)
    }
    String nodeWorkspace
    Map pluginSteps = [:]

    Object emulatorCall(String method, String path, Object body = null) {
        HttpURLConnection connection = (HttpURLConnection) new URL(emulatorUrl + path).openConnection()
        connection.requestMethod = method
        if (body != null) {
            connection.doOutput = true
            connection.setRequestProperty('Content-Type', 'application/json')
            connection.outputStream.withWriter('UTF-8') { it << JsonOutput.toJson(body) }
        }
        int status = connection.responseCode
        String text = (status < 400 ? connection.inputStream : connection.errorStream)?.getText('UTF-8') ?: ''
        if (status >= 400) {
            throw new IllegalStateException("emulator ${method} ${path}: ${status} ${text}")
        }
        return text ? new JsonSlurperClassic().parseText(text) : null
    }

    Map environment() {
        Map merged = new LinkedHashMap(baseEnv)
        frames.each { merged.putAll(it) }
        return merged
    }

    void print(String text) {
        log.append(text)
        if (!text.endsWith('\n')) {
            log.append('\n')
        }
    }
}

/** The base class of the library's scripts and of scenarios: the pipeline steps. */
abstract class PipelineScript extends Script {
    PipelineRun getPipelineRun() { return (PipelineRun) getBinding().getVariable('__run') }

    Object methodMissing(String name, Object args) {
        Object target = pipelineRun.scripts[name]
        if (target != null) {
            return target.invokeMethod('call', args)
        }
        throw new MissingMethodException(name, getClass(), args as Object[])
    }

    Object propertyMissing(String name) {
        Object target = pipelineRun.scripts[name]
        if (target != null) {
            return target
        }
        throw new MissingPropertyException(name, getClass())
    }

    Object getEnv() { return new PipelineEnv(pipelineRun) }
    Object getCurrentBuild() { return pipelineRun.currentBuild }

    void echo(Object message) {
        pipelineRun.calls << [step: 'echo', message: String.valueOf(message)]
        pipelineRun.print(String.valueOf(message))
    }

    void error(Object message) {
        pipelineRun.calls << [step: 'error', message: String.valueOf(message)]
        pipelineRun.print("ERROR: ${message}")
        throw new AbortException(String.valueOf(message))
    }

    boolean isUnix() {
        pipelineRun.calls << [step: 'isUnix']
        return !pipelineRun.windows
    }

    void unstable(Object message) {
        pipelineRun.calls << [step: 'unstable', message: String.valueOf(message)]
        pipelineRun.print("WARNING: ${message}")
        pipelineRun.currentBuild.result = 'UNSTABLE'
    }

    /** node(label): an agent with the scenario's node workspace (the job's workspace unless set). */
    Object node(String label, Closure body) {
        pipelineRun.calls << [step: 'node', label: label]
        String workspace = pipelineRun.nodeWorkspace ?: pipelineRun.workspace
        return inFrame([WORKSPACE: workspace, NODE_NAME: label], body)
    }

    void writeFile(Map args) {
        pipelineRun.calls << [step: 'writeFile', file: args.file]
        File file = new File(args.file.toString())
        file = file.absolute ? file : new File(pipelineRun.environment()['WORKSPACE'] ?: pipelineRun.workspace, args.file)
        file.parentFile.mkdirs()  // as FilePath.write does
        file.setText(args.text.toString(), args.encoding ?: 'UTF-8')
    }

    Object sh(String script) { return sh([script: script]) }

    Object sh(Map args) {
        String script = args.script
        File tmp = new File(pipelineRun.workspace + '@tmp')
        tmp.mkdirs()
        File file = File.createTempFile('script', '.sh', tmp)
        file.text = script
        file.setExecutable(true)
        List command = script.startsWith('#!') ? [file.absolutePath] : ['sh', '-xe', file.absolutePath]
        ProcessBuilder builder = new ProcessBuilder(command as String[])
        builder.directory(new File(pipelineRun.workspace))
        builder.environment().clear()
        pipelineRun.environment().each { k, v -> if (v != null) builder.environment().put(k, v) }
        File stdoutFile = File.createTempFile('stdout', '.txt', tmp)
        File stderrFile = File.createTempFile('stderr', '.txt', tmp)
        builder.redirectOutput(stdoutFile)
        builder.redirectError(stderrFile)
        long started = System.currentTimeMillis()
        int status = builder.start().waitFor()
        long millis = System.currentTimeMillis() - started
        String stdout = stdoutFile.text
        String stderr = stderrFile.text
        [file, stdoutFile, stderrFile].each { it.delete() }
        Map record = [step: 'sh', script: script, label: args.label, millis: millis,
                      returnStdout: args.returnStdout ?: false,
                      returnStatus: args.returnStatus ?: false, status: status, stdout: stdout, stderr: stderr,
                      env: new LinkedHashMap(pipelineRun.frames.inject([:]) { acc, frame -> acc + frame })]
        pipelineRun.calls << record
        pipelineRun.print(stderr)
        if (!args.returnStdout) {
            pipelineRun.print(stdout)
        }
        if (args.returnStatus) {
            return status
        }
        if (status != 0) {
            throw new AbortException("script returned exit code ${status}")
        }
        return args.returnStdout ? stdout : null
    }

    Object withEnv(List entries, Closure body) {
        Map frame = [:]
        entries.each { String entry ->
            int equals = entry.indexOf('=')
            frame[entry.substring(0, equals)] = entry.substring(equals + 1)
        }
        pipelineRun.calls << [step: 'withEnv', entries: entries.collect { it.toString() }]
        return inFrame(frame, body)
    }

    Map usernamePassword(Map args) { return [type: 'usernamePassword'] + args }

    Map string(Map args) { return [type: 'string'] + args }

    Object withCredentials(List bindings, Closure body) {
        Map frame = [:]
        pipelineRun.calls << [step: 'withCredentials', bindings: bindings]
        bindings.each { Map binding ->
            Map stored = pipelineRun.credentials[binding.credentialsId]
            if (stored == null) {
                throw new AbortException("Could not find credentials entry with ID '${binding.credentialsId}'")
            }
            if (binding.type == 'usernamePassword') {
                if (stored.type != 'usernamePassword') {
                    throw new AbortException("Credentials '${binding.credentialsId}' is of type '${stored.type}'")
                }
                frame[binding.usernameVariable] = stored.username
                frame[binding.passwordVariable] = stored.password
            } else {
                if (stored.type != 'string') {
                    throw new AbortException("Credentials '${binding.credentialsId}' is of type '${stored.type}'")
                }
                frame[binding.variable] = stored.secret
            }
        }
        return inFrame(frame, body)
    }

    private Object inFrame(Map frame, Closure body) {
        pipelineRun.frames << frame
        try {
            return body.call()
        } finally {
            pipelineRun.frames.remove(pipelineRun.frames.size() - 1)
        }
    }

    String libraryResource(String path) {
        pipelineRun.calls << [step: 'libraryResource', resource: path]
        return new File(new File(pipelineRun.libraryDir, 'resources'), path).getText('UTF-8')
    }

    String readFile(Object args) {
        String path = args instanceof Map ? args.file : args
        File file = new File(path)
        return (file.absolute ? file : new File(pipelineRun.workspace, path)).getText('UTF-8')
    }

    boolean fileExists(String path) {
        File file = new File(path)
        return (file.absolute ? file : new File(pipelineRun.workspace, path)).exists()
    }

    void sleep(Object args) {
        pipelineRun.calls << [step: 'sleep', args: args instanceof Map ? args : [time: args]]
    }

    void waitUntil(Closure body) { waitUntil([:], body) }

    void waitUntil(Map args, Closure body) {
        for (int attempt = 0; attempt < 20; attempt++) {
            if (body.call()) {
                return
            }
        }
        throw new AbortException('waitUntil: gave up after 20 attempts')
    }

    Object timeout(Map args, Closure body) { return body.call() }

    /** Declarative's script { } block: plain pipeline code. */
    Object script(Closure body) { return body.call() }

    void pipeline(Closure body) {
        Declarative model = new Declarative(this)
        Declarative.collect(body, model)
        model.run()
    }

    /** junit: reads the JUnit XML files and attaches their counts to the run, as the junit step does. */
    void junit(Object args) {
        pipelineRun.calls << [step: 'junit', args: args]
        String pattern = args instanceof Map ? args.testResults : args
        File workspace = new File(pipelineRun.environment()['WORKSPACE'] ?: pipelineRun.workspace)
        java.nio.file.PathMatcher matcher = java.nio.file.FileSystems.default.getPathMatcher("glob:${pattern}")
        int total = 0, failed = 0, skipped = 0
        workspace.eachFileRecurse(groovy.io.FileType.FILES) { File file ->
            if (matcher.matches(workspace.toPath().relativize(file.toPath()))) {
                new XmlSlurper().parse(file).'**'.findAll { it.name() == 'testcase' }.each { testcase ->
                    total++
                    failed += testcase.failure.size() + testcase.error.size() > 0 ? 1 : 0
                    skipped += testcase.skipped.size() > 0 ? 1 : 0
                }
            }
        }
        pipelineRun.currentBuild.rawBuild.actions << pipelineRun.testResultAction(total, failed, skipped)
    }

    /** Not a pipeline step: lets a scenario change the emulator between steps (e.g. decide a gate). */
    Object emulatorControl(String method, String path, Object body = null) {
        return pipelineRun.emulatorCall(method, path, body)
    }
}

/** Declarative Pipeline, as far as the example Jenkinsfile uses it: agent, environment, stages with
 *  when { branch }, steps and post conditions, and the pipeline's post. Stage failures mark the build and
 *  skip the later stages, as Jenkins does. */
class Declarative {
    final PipelineScript script
    Map environment = [:]
    List stages = []
    Map post = [:]

    Declarative(PipelineScript script) { this.script = script }

    static Map collect(Closure body, Object delegate) {
        body.resolveStrategy = Closure.DELEGATE_FIRST
        body.delegate = delegate
        body.call()
        return [:]
    }

    String agent = 'any'
    void agent(Object which) { agent = which.toString() }
    Object getAny() { return 'any' }
    Object getNone() { return 'none' }
    void options(Closure ignored) {}
    void environment(Closure body) { collect(body, new Assignments(environment)) }
    void post(Closure body) { collect(body, new Conditions(post)) }
    void stages(Closure body) { collect(body, this) }

    void stage(String name, Closure body) {
        Map stage = [name: name, environment: [:], post: [:], when: null, steps: null]
        collect(body, new StageBuilder(stage))
        stages << stage
    }

    void run() {
        PipelineRun run = script.pipelineRun
        Map frame = environment.collectEntries { k, v -> [(k): v.toString()] }
        if (agent == 'none') {
            frame.WORKSPACE = ''  // agent none: the stages and the pipeline's post run on no node
        }
        run.frames << frame
        boolean failed = false
        for (Map stage in stages) {
            String branch = run.environment()['BRANCH_NAME']
            if (failed || (stage.when != null && !branchMatches(stage.when, branch))) {
                run.calls << [step: 'stage', name: stage.name, skipped: true]
                continue
            }
            run.calls << [step: 'stage', name: stage.name, skipped: false]
            run.frames << stage.environment.collectEntries { k, v -> [(k): v.toString()] }
            String stageResult = 'SUCCESS'
            try {
                if (stage.steps != null) {
                    stage.steps.call()
                }
            } catch (Throwable problem) {
                stageResult = run.currentBuild.result == 'ABORTED' ? 'ABORTED' : 'FAILURE'
                run.currentBuild.result = stageResult
                run.print("stage ${stage.name} failed: ${problem.message}")
                failed = true
            }
            runPost(stage.post, stageResult)
            run.frames.remove(run.frames.size() - 1)
        }
        runPost(post, run.currentBuild.currentResult)
        run.frames.remove(run.frames.size() - 1)
        if (run.currentBuild.result == null) {
            run.currentBuild.result = run.currentBuild.currentResult
        }
    }

    private static boolean branchMatches(String pattern, String branch) {
        return branch != null && branch ==~ pattern.replace('*', '.*')
    }

    private void runPost(Map conditions, String result) {
        Map wanted = [always: true, success: result == 'SUCCESS', failure: result == 'FAILURE',
                      unstable: result == 'UNSTABLE', aborted: result == 'ABORTED']
        for (String condition in ['always', 'success', 'unstable', 'failure', 'aborted']) {
            if (conditions[condition] != null && wanted[condition]) {
                try {
                    conditions[condition].call()
                } catch (Throwable problem) {
                    script.pipelineRun.currentBuild.result = 'FAILURE'
                    script.pipelineRun.print("post ${condition} failed: ${problem.message}")
                }
            }
        }
    }
}

class Assignments {
    final Map target
    Assignments(Map target) { this.target = target }
    void setProperty(String name, Object value) { target[name] = value }
}

class Conditions {
    final Map target
    Conditions(Map target) { this.target = target }
    void always(Closure body) { target.always = body }
    void success(Closure body) { target.success = body }
    void failure(Closure body) { target.failure = body }
    void unstable(Closure body) { target.unstable = body }
    void aborted(Closure body) { target.aborted = body }
}

class StageBuilder {
    final Map stage
    StageBuilder(Map stage) { this.stage = stage }
    void steps(Closure body) { stage.steps = body }
    void environment(Closure body) { Declarative.collect(body, new Assignments(stage.environment)) }
    void post(Closure body) { Declarative.collect(body, new Conditions(stage.post)) }
    void when(Closure body) { Declarative.collect(body, this) }
    void branch(String pattern) { stage.when = pattern }
}

/**
 * The declarative validator's step check, as pipeline-model-definition's ModelValidatorImpl does it while
 * other plugins' steps are installed: a call inside pipeline { } whose name is a step's function name
 * (DescriptorLookupCache.lookupStepFirstThenFunction: StepDescriptor.all() first, so a library's global
 * variable of the same name is never consulted) has its named arguments checked against that step's
 * parameters, then its required (constructor) parameters; script { } blocks are only parsed.
 */
class DeclarativeStepCheck extends CodeVisitorSupport {
    final Map steps
    final List errors = []
    int depth = 0

    DeclarativeStepCheck(Map steps) { this.steps = steps }

    static List check(String source, Map steps) {
        CompilationUnit unit = new CompilationUnit()
        unit.addSource('WorkflowScript', source)
        unit.compile(Phases.CONVERSION)
        DeclarativeStepCheck visitor = new DeclarativeStepCheck(steps)
        unit.AST.modules.each { it.statementBlock.visit(visitor) }
        return visitor.errors
    }

    void visitMethodCallExpression(MethodCallExpression call) {
        String name = call.methodAsString
        if (depth > 0 && name == 'script') {
            return
        }
        if (name == 'pipeline') {
            depth++
            super.visitMethodCallExpression(call)
            depth--
            return
        }
        if (depth > 0 && steps.containsKey(name)) {
            validate(call, steps[name] as Map)
        }
        super.visitMethodCallExpression(call)
    }

    private void validate(MethodCallExpression call, Map step) {
        List keys = []
        call.arguments.visit(new CodeVisitorSupport() {
            void visitMapExpression(MapExpression map) {
                map.mapEntryExpressions.each { MapEntryExpression entry ->
                    keys << [name: ((ConstantExpression) entry.keyExpression).text, line: entry.lineNumber,
                             column: entry.columnNumber]
                }
            }
        })
        boolean valid = true
        keys.each { Map key ->
            if (!(key.name in step.parameters)) {
                String nearest = step.parameters.min { distance(key.name, it) }
                error(key.line, key.column, "Invalid parameter \"${key.name}\", did you mean \"${nearest}\"?")
                valid = false
            }
        }
        if (valid) {
            step.required.findAll { !(it in keys*.name) }.each {
                error(call.lineNumber, call.columnNumber, "Missing required parameter: \"${it}\"")
            }
        }
    }

    private void error(int line, int column, String message) {
        errors << "WorkflowScript: ${line}: ${message} @ line ${line}, column ${column}.".toString()
    }

    private static int distance(String a, String b) {
        int[] previous = (0..b.length()) as int[]
        for (int i = 1; i <= a.length(); i++) {
            int[] current = new int[b.length() + 1]
            current[0] = i
            for (int j = 1; j <= b.length(); j++) {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost)
            }
            previous = current
        }
        return previous[b.length()]
    }
}

/** Plain JSON values for the record. */
Object jsonSafe(Object value) {
    if (value == null || value instanceof Number || value instanceof Boolean || value instanceof String) {
        return value
    }
    if (value instanceof GString) {
        return value.toString()
    }
    if (value instanceof Map) {
        return value.collectEntries { k, v -> [(String.valueOf(k)): jsonSafe(v)] }
    }
    if (value instanceof Collection || value instanceof Object[]) {
        return (value as List).collect { jsonSafe(it) }
    }
    return value.toString()
}

File libraryDir = new File(args[0])
Map input = new JsonSlurperClassic().parse(new File(args[1]), 'UTF-8')
File outputFile = new File(args[2])

// Jenkins' annotations, for the library and the Jenkinsfile to compile against.
GroovyClassLoader stubs = new GroovyClassLoader(PipelineScript.classLoader)
stubs.parseClass('''package com.cloudbees.groovy.cps
@java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
@interface NonCPS {}
''')
stubs.parseClass('''package org.jenkinsci.plugins.workflow.libs
@java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
@interface Library { String[] value() }
''')
// Jenkins core's test result action (what jiraSendBuildInfo reads) and the junit plugin's subclass.
stubs.parseClass('''package hudson.tasks.test
abstract class AbstractTestResultAction {
    abstract int getTotalCount()
    abstract int getFailCount()
    int getSkipCount() { return 0 }
}
''')
Class testResultActionClass = stubs.parseClass('''package hudson.tasks.junit
class TestResultAction extends hudson.tasks.test.AbstractTestResultAction {
    final int totalCount, failCount, skipCount
    TestResultAction(int total, int failed, int skipped) { totalCount = total; failCount = failed; skipCount = skipped }
}
''')
CompilerConfiguration configuration = new CompilerConfiguration()
configuration.scriptBaseClass = PipelineScript.name
ImportCustomizer imports = new ImportCustomizer()
imports.addImports('com.cloudbees.groovy.cps.NonCPS', 'org.jenkinsci.plugins.workflow.libs.Library')  // as Jenkins does
configuration.addCompilationCustomizers(imports)
GroovyClassLoader loader = new GroovyClassLoader(stubs, configuration)
Map stepClasses = [:]
new File(libraryDir, 'vars').eachFileMatch(~/.*\.groovy/) { File file ->
    stepClasses[file.name - '.groovy'] = loader.parseClass(file)
}

List results = []
input.scenarios.each { Map scenario ->
    PipelineRun run = new PipelineRun(libraryDir: libraryDir, workspace: scenario.workspace,
                                      credentials: scenario.credentials ?: [:], emulatorUrl: scenario.emulator)
    run.baseEnv.putAll(scenario.env ?: [:])
    run.testResultActionClass = testResultActionClass
    run.windows = scenario.windows ?: false
    run.nodeWorkspace = scenario.nodeWorkspace
    run.pluginSteps = scenario.pluginSteps ?: [:]
    if (scenario.testResults) {
        Map counts = scenario.testResults
        run.currentBuild.rawBuild.actions << run.testResultAction(counts.total, counts.failed, counts.skipped ?: 0)
    }
    run.currentBuild.currentResult = scenario.currentResult ?: 'SUCCESS'
    run.currentBuild.number = (scenario.env?.BUILD_NUMBER ?: '1') as int
    Binding binding = new Binding()
    binding.setVariable('__run', run)
    stepClasses.each { String name, Class cls ->
        Script step = (Script) cls.newInstance()
        step.binding = binding
        run.scripts[name] = step
    }
    String emulator = scenario.emulator
    if (emulator) {
        run.emulatorCall('POST', '/_emulator/reset')
        (scenario.setup ?: []).each { Map request -> run.emulatorCall(request.method, request.path, request.body) }
    }
    Map record = [name: scenario.name]
    long started = System.currentTimeMillis()
    List compileErrors = run.pluginSteps ? DeclarativeStepCheck.check(scenario.script, run.pluginSteps) : []
    if (compileErrors) {
        // Jenkins stops here: "startup failed", nothing of the pipeline runs.
        record.error = 'startup failed:\n' + compileErrors.join('\n')
        record.errorType = 'compilation'
    } else try {
        Script body = (Script) loader.parseClass(scenario.script, "Scenario_${results.size()}.groovy").newInstance()
        body.binding = binding
        record.returned = jsonSafe(body.run())
        record.error = null
    } catch (AbortException problem) {
        record.error = problem.message
        record.errorType = 'abort'
    } catch (Throwable problem) {
        record.error = problem.toString()
        record.errorType = 'exception'
        StringWriter trace = new StringWriter()
        problem.printStackTrace(new PrintWriter(trace))
        record.trace = trace.toString()
    }
    record.millis = System.currentTimeMillis() - started
    record.buildResult = run.currentBuild.result
    record.calls = jsonSafe(run.calls)
    record.log = run.log.toString()
    if (emulator) {
        record.emulatorState = run.emulatorCall('GET', '/_emulator/state')
        record.emulatorRequests = run.emulatorCall('GET', '/_emulator/requests')
    }
    results << record
}
outputFile.setText(JsonOutput.toJson([results: results]), 'UTF-8')
