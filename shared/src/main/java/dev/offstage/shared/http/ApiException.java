package dev.offstage.shared.http;

/**
 * A request the API rejects, as a value: the HTTP status, a stable machine-readable code and a
 * message safe to show the caller (never input echoed back, never a stack trace). Thrown where
 * bad input is detected and turned into the answer by {@link ApiResponses#error(ApiException)}.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message, null, false, false);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("An API error needs a 4xx or 5xx status, not " + status);
        }
        this.status = status;
        this.code = code;
    }

    public static ApiException badRequest(String code, String message) {
        return new ApiException(400, code, message);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    public static ApiException payloadTooLarge(long maxBytes) {
        return new ApiException(413, "payload_too_large", "The body is larger than the limit of " + maxBytes + " bytes");
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
