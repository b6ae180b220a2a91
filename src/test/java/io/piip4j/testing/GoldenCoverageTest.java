package io.piip4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * Every case of {@code ../shared/golden} is run: claimed by a test class ({@link RunsGolden}, which
 * is also where that class takes its cases from), or pending with the issue that will run it. A
 * case folder added without a test, a claim or pending entry that no longer matches a folder, and
 * a case both claimed and pending all fail here instead of silently lowering the count.
 */
class GoldenCoverageTest {

    /**
     * Cases no test runs against the reference yet (some are run in part, e.g. their backbone), with
     * the issue that will run them. When a test takes one over: delete its line, claim it there.
     */
    static final Map<String, Integer> PENDING = Map.of();

    /** Every test class with a {@link RunsGolden} claim, found on the test class path. */
    static List<Class<?>> claimants() {
        return ReflectionSupport.findAllClassesInPackage("io.piip4j", c -> c.isAnnotationPresent(RunsGolden.class), n -> true);
    }

    @Test
    void everyCaseIsClaimedOrPendingButNotBoth() {
        List<String> units = Golden.units(Golden.require());
        List<Class<?>> tests = claimants();
        Map<String, String> problems = new TreeMap<>();
        for (String u : units) {
            List<String> by = tests.stream().filter(t -> Golden.claims(t, u)).map(Class::getSimpleName).toList();
            List<String> pending = PENDING.keySet().stream().filter(g -> Golden.matches(g, u)).toList();
            if (by.isEmpty() && pending.isEmpty()) {
                problems.put(u, "run by no test and not pending");
            } else if (!by.isEmpty() && !pending.isEmpty()) {
                problems.put(u, "claimed by " + by + " but still pending as " + pending);
            }
        }
        assertEquals(Map.of(), problems, "golden cases (" + units.size() + ") against the claims of " + names(tests));
    }

    @Test
    void everyPendingEntryMatchesACase() {
        List<String> units = Golden.units(Golden.require());
        List<String> stale = PENDING.keySet().stream().filter(g -> units.stream().noneMatch(u -> Golden.matches(g, u))).sorted().toList();
        assertEquals(List.of(), stale, "pending entries without a golden folder");
    }

    @Test
    void everyClaimMatchesACase() {
        List<String> units = Golden.units(Golden.require());
        List<String> stale = new ArrayList<>();
        for (Class<?> t : claimants()) {
            RunsGolden c = t.getAnnotation(RunsGolden.class);
            for (String g : concat(c.value(), c.except())) {
                if (units.stream().noneMatch(u -> Golden.matches(g, u))) {
                    stale.add(t.getSimpleName() + ": " + g);
                }
            }
        }
        assertEquals(List.of(), stale, "claims without a golden folder");
    }

    @Test
    void unitsAreTheCaseFoldersAndFixtures() {
        // the guard's own listing: groups are entered, descriptions and the README are not cases
        List<String> units = Golden.units(Golden.require());
        assertTrue(units.contains("cls3_deit_merged") && units.contains("init/init_interactions")
                && units.contains("metrics/coco_basic") && units.contains("checkpoints/views.pth"), units.toString());
        assertTrue(units.stream().noneMatch(u -> u.equals("init") || u.equals("checkpoints") || u.endsWith(".json")
                || u.endsWith(".md")), units.toString());
        assertTrue(Golden.matches("det*", "det3_deit_window") && !Golden.matches("det*", "init/init_deit_det")
                && !Golden.matches("det*", "dino_det3_deit_window_b2_c"));
    }

    private static List<String> concat(String[] a, String[] b) {
        List<String> out = new ArrayList<>(Arrays.asList(a));
        out.addAll(Arrays.asList(b));
        return out;
    }

    private static List<String> names(List<Class<?>> tests) {
        return tests.stream().map(Class::getSimpleName).sorted().toList();
    }
}
