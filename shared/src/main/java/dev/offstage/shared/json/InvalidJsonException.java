package dev.offstage.shared.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.regex.Pattern;

/**
 * Input is not JSON, or not JSON of the expected shape. The message says where (line and column)
 * and what, without echoing the input, so it is safe to return to a caller or to log.
 */
public final class InvalidJsonException extends RuntimeException {

    /** Where Jackson says a limit comes from: {@code , from `StreamReadConstraints.getMaxNumberLength()`}. */
    private static final Pattern LIMIT_SOURCE = Pattern.compile(", from `[^`]*`");
    /** A back-quoted type or constant ({@code `java.lang.String`}, {@code `JsonToken.START_OBJECT`}): its simple name. */
    private static final Pattern QUOTED_NAME = Pattern.compile("`(?:[\\w$]+\\.)*([\\w$]+)(?:\\(\\))?`");

    public InvalidJsonException(JsonProcessingException cause) {
        super(describe(cause), cause);
    }

    private static String describe(JsonProcessingException cause) {
        var location = cause.getLocation();
        var where = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
        var what = cause.getOriginalMessage().lines().findFirst().orElse("invalid JSON");
        // A caller sees this: no class or method names of the parser (found by the fuzz tests, docs/reliability.md).
        what = QUOTED_NAME.matcher(LIMIT_SOURCE.matcher(what).replaceAll("")).replaceAll("$1");
        return what + where;
    }
}
