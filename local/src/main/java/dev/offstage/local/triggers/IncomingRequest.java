package dev.offstage.local.triggers;

import java.util.List;
import java.util.Map;

/**
 * An HTTP request as the local API Gateway received it, before routing.
 *
 * @param rawPath the path as sent, still percent-encoded
 * @param rawQuery the query string as sent, without {@code ?}; empty for none
 * @param headers header names as sent (any case) with every value, in order
 * @param sourceIp the client's address
 * @param localPort the port the request came in on
 */
record IncomingRequest(String method, String rawPath, String rawQuery, String protocol,
        Map<String, List<String>> headers, byte[] body, String sourceIp, int localPort) {

    IncomingRequest {
        headers = Map.copyOf(headers);
    }
}
