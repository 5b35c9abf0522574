package dev.offstage.local.triggers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.local.triggers.RouteTable.Route;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    /** API Gateway's own routing example, plus an ANY twin of a literal route. */
    private final RouteTable routes = new RouteTable(List.of(
            new Route("GET", "/pets/dog/1", "DogOne"),
            new Route("GET", "/pets/dog/{id}", "DogById"),
            new Route("GET", "/pets/{proxy+}", "PetsProxy"),
            new Route("ANY", "/{proxy+}", "AnyProxy"),
            new Route("ANY", "/pets/cat/1", "AnyCatOne"),
            new Route("POST", "/pets/cat/1", "PostCatOne"),
            new Route("ANY", "$default", "Default")));

    private String chosen(String method, String path) {
        return routes.match(method, path).map(match -> match.route().functionLogicalId()).orElse("404");
    }

    @Test
    void literalPathBeatsPathVariable() {
        assertThat(chosen("GET", "/pets/dog/1")).isEqualTo("DogOne");
        assertThat(chosen("GET", "/pets/dog/2")).isEqualTo("DogById");
    }

    @Test
    void fullMatchBeatsGreedyVariableAndLongerGreedyPrefixWins() {
        assertThat(chosen("GET", "/pets/cat/1")).isEqualTo("AnyCatOne");
        assertThat(chosen("GET", "/pets/cat/2")).isEqualTo("PetsProxy");
        assertThat(chosen("GET", "/toys/ball")).isEqualTo("AnyProxy");
    }

    @Test
    void exactMethodBeatsAnyOnTheSamePath() {
        assertThat(chosen("POST", "/pets/cat/1")).isEqualTo("PostCatOne");
        assertThat(chosen("DELETE", "/pets/cat/1")).isEqualTo("AnyCatOne");
    }

    @Test
    void methodMismatchFallsThroughToLessSpecificRoutes() {
        assertThat(chosen("POST", "/pets/dog/1")).isEqualTo("AnyProxy");
    }

    @Test
    void greedyVariableNeedsAtLeastOneSegmentSoRootGoesToDefault() {
        assertThat(chosen("GET", "/")).isEqualTo("Default");
    }

    @Test
    void pathAndGreedyVariablesAreBound() {
        assertThat(routes.match("GET", "/pets/dog/42").orElseThrow().pathParameters()).isEqualTo(Map.of("id", "42"));
        assertThat(routes.match("GET", "/pets/cat/2/toys").orElseThrow().pathParameters())
                .isEqualTo(Map.of("proxy", "cat/2/toys"));
        assertThat(routes.match("GET", "/").orElseThrow().pathParameters()).isEmpty();
    }

    @Test
    void routeKeysAreApiGateways() {
        assertThat(routes.match("GET", "/pets/dog/7").orElseThrow().route().routeKey()).isEqualTo("GET /pets/dog/{id}");
        assertThat(routes.match("GET", "/").orElseThrow().route().routeKey()).isEqualTo("$default");
    }

    @Test
    void withoutDefaultRouteAnUnmatchedRequestIsNotFound() {
        var table = new RouteTable(List.of(new Route("GET", "/builds/{id}", "Builds")));

        assertThat(table.match("GET", "/builds")).isEmpty();
        assertThat(table.match("GET", "/builds/1/logs")).isEmpty();
        assertThat(table.match("PUT", "/builds/1")).isEmpty();
        assertThat(table.match("GET", "/builds/1")).isPresent();
    }

    @Test
    void sameRouteDeclaredTwiceIsRejectedNamingBothFunctions() {
        assertThatThrownBy(() -> new RouteTable(List.of(new Route("GET", "/a", "First"), new Route("GET", "/a", "Second"))))
                .hasMessageContaining("GET /a").hasMessageContaining("First").hasMessageContaining("Second");
    }

    @Test
    void greedyVariableBeforeTheLastSegmentIsRejected() {
        assertThatThrownBy(() -> new RouteTable(List.of(new Route("GET", "/{proxy+}/x", "Bad"))))
                .hasMessageContaining("greedy").hasMessageContaining("Bad");
    }
}
