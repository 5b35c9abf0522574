package dev.offstage.local.triggers;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.local.triggers.RouteTable.Route;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The console owns /_offstage/ on the HTTP API's port: a template route there is refused at startup. */
class ConsolePrefixRouteTest {

    @Test
    void routeUnderTheConsolePrefixIsRefusedNamingFunctionAndPrefix() {
        assertThatThrownBy(() -> new RouteTable(List.of(new Route("GET", "/_offstage/api/functions", "Sneaky"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GET /_offstage/api/functions of Sneaky")
                .hasMessageContaining("reserves for its console");
        assertThatThrownBy(() -> new RouteTable(List.of(new Route("ANY", "/_offstage", "Bare"))))
                .hasMessageContaining("/_offstage/");
        assertThatThrownBy(() -> new RouteTable(List.of(new Route("ANY", "/_offstage/{proxy+}", "Greedy"))))
                .hasMessageContaining("Greedy");
    }

    @Test
    void routesThatOnlyResembleThePrefixAreServed() {
        assertThatCode(() -> new RouteTable(List.of(
                new Route("GET", "/_offstaged/x", "Near"),
                new Route("GET", "/api/_offstage", "Deeper"),
                new Route("ANY", "/{proxy+}", "Everything"))))
                .doesNotThrowAnyException();
    }
}
