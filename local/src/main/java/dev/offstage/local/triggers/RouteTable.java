package dev.offstage.local.triggers;

import dev.offstage.local.model.Application;
import dev.offstage.local.model.EventSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The routes of an HTTP API and API Gateway's choice among them. API Gateway picks the most
 * specific match: a full match of method and path (path variables like {@code {id}} match one
 * segment; literal segments beat variables), then a match through a greedy variable
 * ({@code {proxy+}}, one or more trailing segments; the longer literal prefix wins), then the
 * {@code $default} route. An exact method beats {@code ANY} for the same path. Immutable.
 */
final class RouteTable {

    /** A route of one function: {@code GET /builds/{id}}, {@code ANY /{proxy+}} or {@code $default}. */
    record Route(String method, String path, String functionLogicalId) {

        static final String DEFAULT = "$default";

        /** API Gateway's route key, as the event's {@code routeKey} carries it. */
        String routeKey() {
            return isDefault() ? DEFAULT : method + " " + path;
        }

        boolean isDefault() {
            return path.equals(DEFAULT);
        }

        List<String> segments() {
            return isDefault() ? List.of() : RouteTable.segments(path);
        }

        boolean greedy() {
            var segments = segments();
            return !segments.isEmpty() && isGreedy(segments.getLast());
        }
    }

    /** The route chosen for a request and the path variables it bound, in route order. */
    record Match(Route route, Map<String, String> pathParameters) {}

    private final List<Route> routes;

    RouteTable(List<Route> routes) {
        var byKey = new LinkedHashMap<String, Route>();
        for (var route : routes) {
            validate(route);
            var previous = byKey.putIfAbsent(route.routeKey(), route);
            if (previous != null) {
                throw new IllegalArgumentException("Route " + route.routeKey() + " is declared twice, by "
                        + previous.functionLogicalId() + " and " + route.functionLogicalId());
            }
        }
        this.routes = List.copyOf(routes);
    }

    /** Every {@code HttpApi} event of every function of the application. */
    static RouteTable of(Application application) {
        var routes = new ArrayList<Route>();
        for (var function : application.functions().values()) {
            for (var event : function.events()) {
                if (event instanceof EventSource.HttpApi http) {
                    var method = http.path().equals(Route.DEFAULT) ? "ANY" : http.method().toUpperCase(Locale.ROOT);
                    routes.add(new Route(method, http.path(), function.logicalId()));
                }
            }
        }
        routes.sort(Comparator.comparing(Route::routeKey));
        return new RouteTable(routes);
    }

    List<Route> routes() {
        return routes;
    }

    /**
     * The route API Gateway would choose for {@code method} on {@code path} (decoded, without the
     * query string), or empty when API Gateway answers 404.
     */
    Optional<Match> match(String method, String path) {
        var requestSegments = segments(path);
        Match best = null;
        for (var route : routes) {
            if (!route.method().equals("ANY") && !route.method().equals(method)) {
                continue;
            }
            var bound = route.isDefault() ? Optional.of(Map.<String, String>of()) : bind(route, requestSegments);
            if (bound.isPresent() && (best == null || MORE_SPECIFIC.compare(route, best.route()) < 0)) {
                best = new Match(route, bound.get());
            }
        }
        return Optional.ofNullable(best);
    }

    /** Orders routes from most to least specific, as API Gateway prefers them. */
    private static final Comparator<Route> MORE_SPECIFIC = Comparator
            .comparingInt(RouteTable::category)
            .thenComparing(RouteTable::segmentKinds)
            .thenComparingInt(route -> route.method().equals("ANY") ? 1 : 0);

    /** 0: full match, 1: through a greedy variable, 2: {@code $default}. */
    private static int category(Route route) {
        return route.isDefault() ? 2 : route.greedy() ? 1 : 0;
    }

    /** A comparator key: the route's segments left to right, literal before variable before greedy. */
    private static SegmentKinds segmentKinds(Route route) {
        return new SegmentKinds(route.segments().stream().mapToInt(RouteTable::segmentRank).toArray());
    }

    private record SegmentKinds(int[] ranks) implements Comparable<SegmentKinds> {
        @Override
        public int compareTo(SegmentKinds other) {
            for (int i = 0; i < Math.min(ranks.length, other.ranks.length); i++) {
                if (ranks[i] != other.ranks[i]) {
                    return Integer.compare(ranks[i], other.ranks[i]);
                }
            }
            // Same kinds so far: the longer route has more literal context (/a/b/{proxy+} over /a/{proxy+}).
            return Integer.compare(other.ranks.length, ranks.length);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof SegmentKinds kinds && Arrays.equals(ranks, kinds.ranks);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ranks);
        }
    }

    private static int segmentRank(String segment) {
        return isGreedy(segment) ? 2 : isVariable(segment) ? 1 : 0;
    }

    private static Optional<Map<String, String>> bind(Route route, List<String> request) {
        var pattern = route.segments();
        var parameters = new LinkedHashMap<String, String>();
        for (int i = 0; i < pattern.size(); i++) {
            var segment = pattern.get(i);
            if (isGreedy(segment)) {
                // A greedy variable takes one or more remaining segments, never none.
                if (i >= request.size()) {
                    return Optional.empty();
                }
                parameters.put(variableName(segment), String.join("/", request.subList(i, request.size())));
                return Optional.of(parameters);
            }
            if (i >= request.size()) {
                return Optional.empty();
            }
            if (isVariable(segment)) {
                if (request.get(i).isEmpty()) {
                    return Optional.empty();
                }
                parameters.put(variableName(segment), request.get(i));
            } else if (!segment.equals(request.get(i))) {
                return Optional.empty();
            }
        }
        return pattern.size() == request.size() ? Optional.of(parameters) : Optional.empty();
    }

    /** {@code /a/b/} → {@code [a, b, ""]}: API Gateway treats a trailing slash as a distinct path. */
    static List<String> segments(String path) {
        var trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.isEmpty()) {
            return List.of();
        }
        return List.of(trimmed.split("/", -1));
    }

    private static boolean isVariable(String segment) {
        return segment.length() > 2 && segment.startsWith("{") && segment.endsWith("}");
    }

    private static boolean isGreedy(String segment) {
        return isVariable(segment) && segment.endsWith("+}");
    }

    private static String variableName(String segment) {
        return segment.substring(1, segment.length() - (isGreedy(segment) ? 2 : 1));
    }

    private static void validate(Route route) {
        if (route.isDefault()) {
            return;
        }
        if (!route.path().startsWith("/")) {
            throw new IllegalArgumentException("Route path must start with '/' or be $default: " + route.routeKey()
                    + " of " + route.functionLogicalId());
        }
        var segments = route.segments();
        if (!segments.isEmpty() && segments.getFirst().equals(HttpApiServer.CONSOLE_SEGMENT)) {
            throw new IllegalArgumentException("Route " + route.routeKey() + " of " + route.functionLogicalId()
                    + " is under " + HttpApiServer.CONSOLE_PREFIX + ", which the local runtime reserves for its"
                    + " console; choose another path");
        }
        for (int i = 0; i < segments.size(); i++) {
            if (isGreedy(segments.get(i)) && i != segments.size() - 1) {
                throw new IllegalArgumentException("A greedy path variable must be the last segment: "
                        + route.routeKey() + " of " + route.functionLogicalId());
            }
        }
    }
}
