package dev.offstage.local.lambda;

import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;
import dev.offstage.testing.Emulators;

/**
 * How the local Lambda service runs functions, beyond what the template says.
 *
 * @param defaultConcurrency the most execution environments one function gets at a time when the
 *     template sets no {@code ReservedConcurrentExecutions} (Lambda's account limit is 1000; a
 *     workstation has a few cores, and every environment is a JVM)
 * @param accountId the account id in function ARNs ({@code Context.getInvokedFunctionArn()})
 */
public record LambdaSettings(int defaultConcurrency, String accountId) {

    /** The variable {@link #from(Environment)} reads the default concurrency from. */
    public static final String CONCURRENCY_VARIABLE = "OFFSTAGE_LOCAL_FUNCTION_CONCURRENCY";

    public LambdaSettings {
        if (defaultConcurrency < 1) {
            throw new ConfigurationException("Default function concurrency must be at least 1, was " + defaultConcurrency);
        }
    }

    /** Four environments per function, the emulators' account id. */
    public static LambdaSettings defaults() {
        return new LambdaSettings(4, Emulators.ACCOUNT_ID);
    }

    /** {@link #defaults()} with {@value #CONCURRENCY_VARIABLE} applied when set. */
    public static LambdaSettings from(Environment environment) {
        var defaults = defaults();
        return new LambdaSettings(environment.intValue(CONCURRENCY_VARIABLE, defaults.defaultConcurrency()),
                defaults.accountId());
    }
}
