package dev.offstage.shared.json;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * Input is not JSON, or not JSON of the expected shape. The message says where (line and column)
 * and what, without echoing the input, so it is safe to return to a caller or to log.
 */
public final class InvalidJsonException extends RuntimeException {
    public InvalidJsonException(JsonProcessingException cause) {
        super(describe(cause), cause);
    }

    private static String describe(JsonProcessingException cause) {
        var location = cause.getLocation();
        var where = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
        return cause.getOriginalMessage().lines().findFirst().orElse("invalid JSON") + where;
    }
}
