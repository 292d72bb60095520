package io.tokenflow.demo.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StrategiesTest {

    private static FakeClient client() {
        FakeClient c = new FakeClient();
        // origin x: site far (latency 30, cheap delivery), site near (latency 5, dear), site mid
        c.sites.put("x/chat", List.of(FakeClient.site("far", List.of("x", "far"), 1.0, 30),
                FakeClient.site("mid", List.of("x", "mid"), 2.0, 10),
                FakeClient.site("near", List.of("x", "near"), 3.0, 5)));
        return c;
    }

    @Test
    void nearestPicksTheLowestLatencyFeasibleSiteAndRereadsOnANewVersion() {
        FakeClient c = client();
        NearestStrategy s = new NearestStrategy(c);
        assertEquals(new RouteChoice("near", List.of("x", "near")), s.choose("x", "chat", "r1"));
        s.choose("x", "chat", "r2");
        assertEquals(1, c.feasibleCalls, "site list cached per version");
        c.sites.put("x/chat", List.of(FakeClient.site("mid", List.of("x", "mid"), 2.0, 10)));
        s.onNewVersion();
        assertEquals("mid", s.choose("x", "chat", "r3").site());
        assertNull(s.choose("y", "chat", "r4"), "no feasible site");
    }

    @Test
    void staticCheapestFollowsTheStaticTableAndNeverMoves() {
        FakeClient c = client();
        StaticCheapestStrategy s = new StaticCheapestStrategy(c,
                Map.of("far", Map.of("chat", 0.09), "mid", Map.of("chat", 0.05), "near", Map.of("chat", 0.07)));
        assertEquals(new RouteChoice("mid", List.of("x", "mid")), s.choose("x", "chat", "r1"));
        c.sites.put("x/chat", List.of(FakeClient.site("near", List.of("x", "near"), 3.0, 5)));
        s.onNewVersion();
        assertEquals("mid", s.choose("x", "chat", "r2").site(), "static: fixed at start");
        assertEquals(1, c.feasibleCalls);
    }

    @Test
    void staticCheapestIgnoresSitesMissingFromItsTable() {
        FakeClient c = client();
        StaticCheapestStrategy s = new StaticCheapestStrategy(c, Map.of("near", Map.of("chat", 0.5)));
        assertEquals("near", s.choose("x", "chat", "r1").site());
    }

    @Test
    void oracleAsksRouteWithTheRequestId() {
        FakeClient c = client();
        OracleStrategy s = new OracleStrategy(c);
        assertEquals(new RouteChoice("b", List.of("x", "b")), s.choose("x", "chat", "req-17"));
        assertEquals(List.of("req-17"), c.routed);
        assertEquals("oracle", s.name());
        c.routeTo = ""; // the oracle sheds it
        assertEquals(RouteChoice.shedding(), s.choose("x", "chat", "req-18"));
        assertTrue(s.choose("x", "chat", "req-18").shed());
    }

    @Test
    void aBusySiteSpillsToTheCheapestRemainingSiteWithRoomUnlessThatIsBusyToo() {
        FakeClient c = client();
        OracleStrategy s = new OracleStrategy(c);
        java.util.Set<String> busy = new java.util.HashSet<>();
        SitePushBack pushBack = (node, cls) -> busy.contains(node + "/" + cls);
        assertEquals(new RouteChoice("b", List.of("x", "b")), s.choose("x", "chat", "r1", pushBack));
        assertEquals(List.of(), c.excluded, "a site with room is not asked again");
        busy.add("b/chat");
        assertEquals(new RouteChoice("c", List.of("x", "c")), s.choose("x", "chat", "r2", pushBack));
        assertEquals(List.of(List.of("b")), c.excluded);
        assertEquals(new RouteChoice("b", List.of("x", "b")), s.choose("x", "image", "r3", pushBack),
                "busy for chat only");
        busy.add("c/chat"); // the spill site is busy too, and so is every next one: wait at the drawn one
        assertEquals(new RouteChoice("b", List.of("x", "b")), s.choose("x", "chat", "r4", pushBack));
        assertEquals(List.of(List.of("b"), List.of("b"), List.of("b", "c"), List.of("b", "c", "c")), c.excluded,
                "each busy site is excluded in turn, at most " + OracleStrategy.MAX_SPILLS);
        busy.remove("c/chat");
        c.spillTo = ""; // no remaining site has room in the cleared market
        assertEquals(new RouteChoice("b", List.of("x", "b")), s.choose("x", "chat", "r5", pushBack));
        c.routeTo = ""; // a shed draw is shed, busy or not
        assertTrue(s.choose("x", "chat", "r6", pushBack).shed());
        assertEquals(new RouteChoice("b", List.of("x", "b")), new OracleStrategy(client())
                .choose("x", "chat", "r7"), "without push-back: the drawn site");
    }

    @Test
    void aShedChoiceHasNoSiteAndAServedOneEndsAtItsSite() {
        assertEquals("", RouteChoice.shedding().site());
        assertEquals(List.of(), RouteChoice.shedding().path());
        assertThrows(IllegalArgumentException.class, () -> new RouteChoice("b", List.of("x", "c")));
        assertThrows(IllegalArgumentException.class, () -> new RouteChoice("b", List.of("x", "b"), true));
    }
}
