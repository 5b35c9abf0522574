package dev.offstage.local.lambda;

import java.io.Serial;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Functions the template declares but that cannot run as declared: no build output, a handler
 * class or method that does not exist, a handler whose event type does not match its trigger, an
 * environment variable Lambda reserves, an environment that fails to initialise. Every problem
 * names its function; the message lists them all, one per line, so startup stops once with the
 * whole list.
 */
public final class FunctionSetupException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    /** One problem of one function. */
    public record Problem(String functionLogicalId, String message) {
        @Override
        public String toString() {
            return functionLogicalId + ": " + message;
        }
    }

    private final transient List<Problem> problems;

    public FunctionSetupException(List<Problem> problems) {
        super(describe(problems));
        this.problems = List.copyOf(problems);
    }

    static FunctionSetupException of(String functionLogicalId, String message) {
        return new FunctionSetupException(List.of(new Problem(functionLogicalId, message)));
    }

    /** Every problem found, functions in logical-id order. */
    public List<Problem> problems() {
        return problems;
    }

    private static String describe(List<Problem> problems) {
        if (problems.size() == 1) {
            return "Function " + problems.getFirst();
        }
        return "Functions cannot run as the template declares them:" + problems.stream()
                .map(problem -> "\n  " + problem)
                .collect(Collectors.joining());
    }
}
