package dev.offstage.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offstage.testing.SecretLeakScan;
import dev.offstage.testing.TestSecrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * No log line of the whole test run holds a secret the tests configured ({@link TestSecrets}, and
 * the keys and tokens tests generated and recorded): not in any module's Surefire output (which
 * holds the functions' output under the local runtime), not in any {@code *.log} a test wrote.
 *
 * <p>Runs last: this module is the last of the reactor, and its POM runs this class alone in the
 * {@code verify} phase, after this module's own tests. Run alone ({@code -pl e2e}), it scans the
 * output the other modules' last runs left and says which modules had none.
 */
class SecretsNeverLoggedTest {

    /**
     * Lines that show a secret by design: the local runtime's startup summary
     * ({@code LocalEndpoints.summary}, printed by {@code scripts/dev} and {@code scripts/demo})
     * lists its local values and the emulators' credentials so that a developer can sign a
     * webhook or point the AWS CLI at it. They are local defaults that the README documents.
     */
    private static final List<Pattern> SHOWN_BY_DESIGN = List.of(
            Pattern.compile(" {2}secret {5}\\S+ {2}\\S+ = .*"),
            Pattern.compile(" {2}region \\S+, credentials \\S+ / \\S+"));

    private final Path root = Path.of("").toAbsolutePath();

    @Test
    void noLogLineOfTheTestRunHoldsAConfiguredSecret() throws IOException {
        var secrets = new ArrayList<>(TestSecrets.configured());
        var generated = SecretLeakScan.recordedSecrets(root);
        secrets.addAll(generated);
        var files = SecretLeakScan.logFiles(root);

        var report = new SecretLeakScan(secrets, SHOWN_BY_DESIGN).scan(files);

        var summary = summary(report, secrets.size() - generated.size(), generated.size());
        System.out.println(summary);
        assertThat(report.leaks()).as("configured secrets in the test run's logs; %s", summary)
                .isEmpty();
    }

    /** What was scanned, per module, and which modules left no output (their tests did not run, or were cleaned). */
    private String summary(SecretLeakScan.Report report, int configured, int generated) throws IOException {
        var perModule = new TreeMap<String, Integer>();
        for (var file : report.files()) {
            perModule.merge(module(root.relativize(file)), 1, Integer::sum);
        }
        var silent = new ArrayList<String>();
        for (var module : modules()) {
            if (!perModule.containsKey(module)) {
                silent.add(module);
            }
        }
        return "Scanned " + report.files().size() + " log files (" + report.lines() + " lines) for " + configured
                + " configured and " + generated + " generated secrets: "
                + perModule.entrySet().stream().map(entry -> entry.getKey() + " " + entry.getValue())
                        .collect(Collectors.joining(", "))
                + (silent.isEmpty() ? "" : "; no output from " + String.join(", ", silent))
                + "; " + report.leaks().size() + " leaks";
    }

    /** The folder that holds {@code target/} in {@code relative}, or its first folder ({@code .offstage}). */
    private static String module(Path relative) {
        for (int i = 0; i < relative.getNameCount(); i++) {
            if (relative.getName(i).toString().equals("target")) {
                return i == 0 ? "." : relative.subpath(0, i).toString();
            }
        }
        return relative.getName(0).toString();
    }

    /** The root POM's modules (without profiles' modules). */
    private List<String> modules() throws IOException {
        var pom = Files.readString(root.resolve("pom.xml"));
        var modules = new ArrayList<String>();
        int profiles = pom.indexOf("<profiles>");
        var matcher = Pattern.compile("<module>([^<]+)</module>").matcher(profiles < 0 ? pom : pom.substring(0, profiles));
        while (matcher.find()) {
            modules.add(matcher.group(1));
        }
        return modules;
    }
}
