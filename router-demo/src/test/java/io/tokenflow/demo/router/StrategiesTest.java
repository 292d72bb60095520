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

    /** Push-back scripted per site × class: busy ones, and backlogs in seconds. */
    private static final class ScriptedPushBack implements SitePushBack {
        final java.util.Set<String> busy = new java.util.HashSet<>();
        final Map<String, Double> backlog = new java.util.HashMap<>();

        @Override
        public boolean busy(String node, String workloadClass) {
            return busy.contains(node + "/" + workloadClass);
        }

        @Override
        public double backlogSeconds(String node, String workloadClass) {
            return backlog.getOrDefault(node + "/" + workloadClass, 0.0);
        }
    }

    /** Route draws b; c is dear to deliver (its scarcity rent) but cheap to serve now; d the reverse. */
    private static FakeClient spillClient() {
        FakeClient c = new FakeClient();
        c.sites.put("x/chat", List.of(FakeClient.site("d", List.of("x", "d"), 3.0, 0.0, 20),
                FakeClient.site("b", List.of("x", "b"), 2.0, 2.0, 10),
                FakeClient.site("c", List.of("x", "c"), 1.0, 5.0, 15)));
        return c;
    }

    @Test
    void aBusySiteSpillsToTheSiteWithRoomThatCostsLeastToServeNowWithoutTheScarcityRent() {
        FakeClient c = spillClient();
        OracleStrategy s = new OracleStrategy(c);
        ScriptedPushBack pushBack = new ScriptedPushBack();
        assertEquals(new RouteChoice("b", List.of("x", "b")), s.choose("x", "chat", "r1", pushBack));
        assertEquals(0, c.feasibleCalls, "a drawn site with room needs no site list");
        pushBack.busy.add("b/chat");
        // c: energy 1 + routing 0 + congestion 0 = 1 < d's 3, though c delivers at 6 and d at 3
        assertEquals(new RouteChoice("c", List.of("x", "c")), s.choose("x", "chat", "r2", pushBack));
        pushBack.busy.add("c/chat");
        assertEquals(new RouteChoice("d", List.of("x", "d")), s.choose("x", "chat", "r3", pushBack));
        assertEquals(1, c.feasibleCalls, "the site list is read once per version");
        pushBack.busy.add("d/chat"); // every site busy: wait at the drawn one while it is under 2 s behind
        pushBack.backlog.put("b/chat", 1.99);
        assertEquals(new RouteChoice("b", List.of("x", "b")), s.choose("x", "chat", "r4", pushBack));
        pushBack.backlog.put("b/chat", OracleStrategy.MAX_BACKLOG_SECONDS);
        assertTrue(s.choose("x", "chat", "r5", pushBack).shed(), "a site 2 s behind takes no more waiting work");
        pushBack.backlog.put("c/chat", 9.0); // another site's backlog does not matter
        pushBack.backlog.put("b/chat", 0.5);
        assertEquals("b", s.choose("x", "chat", "r6", pushBack).site());
        assertEquals(new RouteChoice("b", List.of("x", "b")), new OracleStrategy(spillClient())
                .choose("x", "chat", "r7"), "without push-back: the drawn site");
    }

    @Test
    void aRequestRouteShedGoesWhereASiteHasRoomNowElseItIsShed() {
        FakeClient c = spillClient();
        c.routeTo = ""; // the id draws the origin's unserved share
        OracleStrategy s = new OracleStrategy(c);
        ScriptedPushBack pushBack = new ScriptedPushBack();
        assertEquals(new RouteChoice("c", List.of("x", "c")), s.choose("x", "chat", "r1", pushBack),
                "room at the site cheapest to serve now");
        pushBack.busy.addAll(List.of("b/chat", "c/chat", "d/chat"));
        assertEquals(RouteChoice.shedding(), s.choose("x", "chat", "r2", pushBack), "no room anywhere: shed");
        assertEquals(RouteChoice.shedding(), s.choose("x", "chat", "r3"), "without push-back Route's shed stands");
        c.sites.put("x/chat", List.of(FakeClient.site("e", List.of("x", "e"), 0.5, 0.0, 5)));
        s.onNewVersion();
        assertEquals("e", s.choose("x", "chat", "r4", pushBack).site(), "a new version's sites");
        assertEquals(2, c.feasibleCalls);
    }

    @Test
    void aShedChoiceHasNoSiteAndAServedOneEndsAtItsSite() {
        assertEquals("", RouteChoice.shedding().site());
        assertEquals(List.of(), RouteChoice.shedding().path());
        assertThrows(IllegalArgumentException.class, () -> new RouteChoice("b", List.of("x", "c")));
        assertThrows(IllegalArgumentException.class, () -> new RouteChoice("b", List.of("x", "b"), true));
    }
}
