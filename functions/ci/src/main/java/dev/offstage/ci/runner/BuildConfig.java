package dev.offstage.ci.runner;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * How to build a repository: its {@value #FILE_NAME} at the repository root, or a default
 * chosen from what the repository contains.
 *
 * <pre>{@code
 * commands:            # required, run one after the other with sh -c; the first failure stops the build
 *   - ./mvnw -B verify
 * artifacts:           # optional globs relative to the root ("**" crosses directories)
 *   - target/*.jar
 * timeout: 10m         # optional: seconds (600) or 90s, 10m, 1m30s; default 10m, at most 15m
 * env:                 # optional, names like [A-Za-z_][A-Za-z0-9_]*; values are strings
 *   MAVEN_OPTS: -Xmx1g
 * }</pre>
 *
 * @param commands the shell commands, at least one, none blank
 * @param artifacts globs of the files to keep, relative to the repository root
 * @param timeout how long the commands may take together, positive and at most {@link #MAX_TIMEOUT}
 * @param env variables the build adds to its environment, sorted by name
 * @param source where this came from, for the build log: {@value #FILE_NAME} or the default's reason
 */
public record BuildConfig(List<String> commands, List<String> artifacts, Duration timeout, Map<String, String> env,
        String source) {

    /** The build config's name, at the repository root. */
    public static final String FILE_NAME = ".offstage-ci.yml";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
    /** Lambda's limit for one invocation, which runs the whole build. */
    public static final Duration MAX_TIMEOUT = Duration.ofMinutes(15);
    /** A build config is a few lines; more is a mistake or an attack on the parser. */
    public static final int MAX_FILE_BYTES = 64 * 1024;
    public static final int MAX_COMMANDS = 100;
    public static final int MAX_ENV = 100;

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern SECONDS = Pattern.compile("\\d{1,9}");
    private static final Pattern UNITS = Pattern.compile("(?:(\\d{1,6})h)?(?:(\\d{1,6})m)?(?:(\\d{1,9})s)?");
    private static final List<String> KEYS = List.of("artifacts", "commands", "env", "timeout");
    private static final String EXAMPLE = "commands:\n  - make test";

    /**
     * @throws IllegalArgumentException when a component breaks the rules above, or a glob is
     *     absolute, has a {@code ..} component or is malformed
     */
    public BuildConfig {
        commands = List.copyOf(commands);
        artifacts = List.copyOf(artifacts);
        Objects.requireNonNull(timeout, "timeout");
        env = Collections.unmodifiableMap(new TreeMap<>(env));
        Objects.requireNonNull(source, "source");
        if (commands.isEmpty()) {
            throw new IllegalArgumentException("commands must not be empty");
        }
        for (String command : commands) {
            if (command.isBlank() || command.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("a command must not be blank or hold a NUL character");
            }
        }
        artifacts.forEach(ArtifactCollector::checkGlob);
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("timeout must be positive and at most " + MAX_TIMEOUT + ", was " + timeout);
        }
        env.forEach((name, value) -> {
            if (!ENV_NAME.matcher(name).matches() || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("invalid environment variable " + name);
            }
        });
    }

    /**
     * The build config of the repository checked out at {@code sourceRoot}: its {@value #FILE_NAME},
     * or when there is none a default, from the first of these the root holds: {@code mvnw}
     * ({@code ./mvnw -B verify}), {@code pom.xml} ({@code mvn -B verify}), {@code gradlew}
     * ({@code ./gradlew build}), {@code package.json} ({@code npm ci} with a lock file, else
     * {@code npm install}, then {@code npm test}), a makefile ({@code make}).
     *
     * <p>The YAML is read as data only: nodes are composed and never constructed into objects,
     * every plain scalar is a string (no YAML 1.1 {@code yes} becoming {@code true} or {@code 010}
     * becoming 8), tags, merge keys and duplicate keys are refused, and aliases are capped.
     *
     * @throws InvalidBuildConfigException when the file is malformed (the message names the
     *     field and line), or absent with nothing to build by default
     * @throws IOException when reading the file fails
     */
    public static BuildConfig read(Path sourceRoot) throws InvalidBuildConfigException, IOException {
        Path file = sourceRoot.resolve(FILE_NAME);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.exists(sourceRoot.resolve(".offstage-ci.yaml"), LinkOption.NOFOLLOW_LINKS)) {
                throw new InvalidBuildConfigException(
                        "Found .offstage-ci.yaml: the build config must be named " + FILE_NAME);
            }
            return defaultFor(sourceRoot);
        }
        if (!Files.isRegularFile(file)) {
            throw new InvalidBuildConfigException(FILE_NAME + " is not a regular file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new InvalidBuildConfigException(FILE_NAME + " is larger than " + MAX_FILE_BYTES / 1024 + " KiB");
        }
        return parse(decode(bytes));
    }

    private static String decode(byte[] bytes) throws InvalidBuildConfigException {
        try {
            String text = UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new InvalidBuildConfigException(FILE_NAME + " is not valid UTF-8");
        }
    }

    /** The config from the text of a {@value #FILE_NAME} (checked as {@link #read} checks the file's). */
    public static BuildConfig parse(String text) throws InvalidBuildConfigException {
        Node document;
        try {
            document = yaml().compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
            var mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = mark != null ? " line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) : "";
            throw new InvalidBuildConfigException(FILE_NAME + where + ": not valid YAML: " + problem);
        } catch (YAMLException e) {
            throw new InvalidBuildConfigException(FILE_NAME + ": not valid YAML: " + e.getMessage());
        }
        if (document == null) {
            throw new InvalidBuildConfigException(FILE_NAME + " is empty; it needs at least the commands to run, e.g.\n"
                    + EXAMPLE);
        }
        checkTag(document, "the document");
        if (!(document instanceof MappingNode top)) {
            throw error(document, "the file must be a mapping of keys (" + String.join(", ", KEYS) + "), e.g.\n" + EXAMPLE);
        }
        List<String> commands = null;
        List<String> artifacts = List.of();
        Duration timeout = DEFAULT_TIMEOUT;
        Map<String, String> env = Map.of();
        Set<String> seen = new HashSet<>();
        for (NodeTuple entry : top.getValue()) {
            String key = scalar(entry.getKeyNode(), "a key");
            Node value = entry.getValueNode();
            if (!seen.add(key)) {
                throw error(entry.getKeyNode(), "'" + key + "' appears twice");
            }
            checkTag(value, key);
            boolean absent = isNull(value);
            switch (key) {
                case "commands" -> commands = commands(value);
                case "artifacts" -> artifacts = absent ? List.of() : artifacts(value);
                case "timeout" -> timeout = absent ? DEFAULT_TIMEOUT : timeout(value);
                case "env" -> env = absent ? Map.of() : env(value);
                default -> throw error(entry.getKeyNode(), "unknown key '" + key + "'; the known keys are "
                        + String.join(", ", KEYS));
            }
        }
        if (commands == null) {
            throw error(document, "'commands' is missing; it lists the commands to run, e.g.\n" + EXAMPLE);
        }
        return new BuildConfig(commands, artifacts, timeout, env, FILE_NAME);
    }

    private static List<String> commands(Node node) throws InvalidBuildConfigException {
        if (!(node instanceof SequenceNode list) || list.getValue().isEmpty()) {
            throw error(node, "commands: must be a non-empty list of shell commands, e.g.\n" + EXAMPLE);
        }
        if (list.getValue().size() > MAX_COMMANDS) {
            throw error(node, "commands: more than " + MAX_COMMANDS + " commands");
        }
        var commands = new ArrayList<String>();
        for (Node item : list.getValue()) {
            checkTag(item, "commands");
            String command = scalar(item, "commands: each command");
            if (command.isBlank()) {
                throw error(item, "commands: a command is blank");
            }
            if (command.indexOf('\0') >= 0) {
                throw error(item, "commands: a command holds a NUL character");
            }
            commands.add(command);
        }
        return commands;
    }

    private static List<String> artifacts(Node node) throws InvalidBuildConfigException {
        if (!(node instanceof SequenceNode list)) {
            throw error(node, "artifacts: must be a list of globs relative to the repository root, e.g. - target/*.jar");
        }
        var globs = new ArrayList<String>();
        for (Node item : list.getValue()) {
            checkTag(item, "artifacts");
            String glob = scalar(item, "artifacts: each glob");
            try {
                ArtifactCollector.checkGlob(glob);
            } catch (IllegalArgumentException e) {
                throw error(item, "artifacts: " + e.getMessage());
            }
            globs.add(glob);
        }
        return globs;
    }

    private static Duration timeout(Node node) throws InvalidBuildConfigException {
        String text = scalar(node, "timeout").strip();
        Duration timeout;
        Matcher units = UNITS.matcher(text);
        if (SECONDS.matcher(text).matches()) {
            timeout = Duration.ofSeconds(Long.parseLong(text));
        } else if (!text.isEmpty() && units.matches()) {
            timeout = Duration.ofHours(number(units.group(1)))
                    .plusMinutes(number(units.group(2)))
                    .plusSeconds(number(units.group(3)));
        } else {
            throw error(node, "timeout: '" + text + "' is not a duration; write seconds (600) or e.g. 90s, 10m, 1m30s");
        }
        if (timeout.isZero()) {
            throw error(node, "timeout: must be longer than 0");
        }
        if (timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw error(node, "timeout: '" + text + "' is longer than the 15m a build may take (Lambda's limit)");
        }
        return timeout;
    }

    private static long number(String digits) {
        return digits == null ? 0 : Long.parseLong(digits);
    }

    private static Map<String, String> env(Node node) throws InvalidBuildConfigException {
        if (!(node instanceof MappingNode map)) {
            throw error(node, "env: must be a mapping of variable names to values, e.g. MAVEN_OPTS: -Xmx1g");
        }
        if (map.getValue().size() > MAX_ENV) {
            throw error(node, "env: more than " + MAX_ENV + " variables");
        }
        var env = new TreeMap<String, String>();
        for (NodeTuple entry : map.getValue()) {
            checkTag(entry.getKeyNode(), "env");
            checkTag(entry.getValueNode(), "env");
            String name = scalar(entry.getKeyNode(), "env: a variable name");
            if (!ENV_NAME.matcher(name).matches()) {
                throw error(entry.getKeyNode(), "env: '" + name + "' is not a valid variable name ([A-Za-z_][A-Za-z0-9_]*)");
            }
            if (env.containsKey(name)) {
                throw error(entry.getKeyNode(), "env: '" + name + "' appears twice");
            }
            String value = scalar(entry.getValueNode(), "env: " + name);
            if (value.indexOf('\0') >= 0) {
                throw error(entry.getValueNode(), "env: " + name + " holds a NUL character");
            }
            env.put(name, value);
        }
        return env;
    }

    /** The text of a string scalar; {@code what} names it in the error otherwise. */
    private static String scalar(Node node, String what) throws InvalidBuildConfigException {
        if (node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.STR)) {
            return scalar.getValue();
        }
        throw error(node, what + " must be a string" + (isNull(node) ? ", not empty" : ""));
    }

    private static boolean isNull(Node node) {
        return node.getTag().equals(Tag.NULL);
    }

    /** Only the core structure: an explicit tag such as {@code !!python/object} is refused, not ignored. */
    private static void checkTag(Node node, String where) throws InvalidBuildConfigException {
        Tag tag = node.getTag();
        if (!(tag.equals(Tag.STR) || tag.equals(Tag.NULL) || tag.equals(Tag.SEQ) || tag.equals(Tag.MAP))) {
            throw error(node, where + ": the YAML tag '" + tag.getValue() + "' is not supported");
        }
    }

    private static InvalidBuildConfigException error(Node node, String message) {
        return new InvalidBuildConfigException(FILE_NAME + " line " + (node.getStartMark().getLine() + 1) + ": " + message);
    }

    private static Yaml yaml() {
        var options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(10);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(10);
        options.setCodePointLimit(MAX_FILE_BYTES);
        var dumper = new DumperOptions();
        // Only nulls are resolved implicitly: every other plain scalar stays the string it reads as.
        var resolver = new Resolver() {
            @Override
            protected void addImplicitResolvers() {
                addImplicitResolver(Tag.NULL, NULL, "~nN\0", 10);
                addImplicitResolver(Tag.NULL, EMPTY, null, 10);
            }
        };
        return new Yaml(new SafeConstructor(options), new Representer(dumper), dumper, options, resolver);
    }

    private static BuildConfig defaultFor(Path root) throws InvalidBuildConfigException {
        if (has(root, "mvnw")) {
            return byDefault("mvnw", "./mvnw -B verify");
        }
        if (has(root, "pom.xml")) {
            return byDefault("pom.xml", "mvn -B verify");
        }
        if (has(root, "gradlew")) {
            return byDefault("gradlew", "./gradlew build");
        }
        if (has(root, "package.json")) {
            // npm ci refuses to run without a lock file.
            boolean locked = has(root, "package-lock.json") || has(root, "npm-shrinkwrap.json");
            return byDefault("package.json", locked ? "npm ci" : "npm install", "npm test");
        }
        for (String makefile : List.of("Makefile", "makefile", "GNUmakefile")) {
            if (has(root, makefile)) {
                return byDefault(makefile, "make");
            }
        }
        throw new InvalidBuildConfigException("No " + FILE_NAME + " at the repository root, and nothing to build by"
                + " default (no mvnw, pom.xml, gradlew, package.json or Makefile). Add " + FILE_NAME + ", e.g.\n" + EXAMPLE);
    }

    private static boolean has(Path root, String name) {
        return Files.isRegularFile(root.resolve(name));
    }

    private static BuildConfig byDefault(String found, String... commands) {
        return new BuildConfig(List.of(commands), List.of(), DEFAULT_TIMEOUT, Map.of(),
                "default for a repository with " + found + " (no " + FILE_NAME + ")");
    }
}
