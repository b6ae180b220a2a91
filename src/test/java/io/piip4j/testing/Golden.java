package io.piip4j.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.tensor.NdArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The reference implementation's golden files in {@code ../shared/golden} (relative to the
 * project folder, where Maven runs tests). Tests that need them are skipped where the folder is
 * absent, except on CI ({@code CI=true}), where a missing folder is a failure, not a silent skip.
 */
public final class Golden {

    public static final String ABSENT = "../shared/golden not present";

    private Golden() {
    }

    /** The golden folder, if present. */
    public static Optional<Path> root() {
        Path p = Path.of("..", "shared", "golden");
        return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
    }

    /** The golden folder; skips the calling test where it is absent (fails it on CI). */
    public static Path require() {
        Optional<Path> r = root();
        if (r.isEmpty()) {
            absent(ABSENT);
        }
        return r.get();
    }

    /** A file of the shared folder ({@code ../shared}, e.g. {@code images/…}), skipping or failing as {@link #require()} does. */
    public static Path shared(String first, String... more) {
        Path p = Path.of("..", "shared").resolve(Path.of(first, more));
        if (!Files.exists(p)) {
            absent(p + " not present");
        }
        return p;
    }

    /** Skips the calling test, or fails it on CI, where a missing file would otherwise go unnoticed. */
    public static void absent(String message) {
        if ("true".equals(System.getenv("CI"))) {
            fail(message);
        }
        Assumptions.assumeTrue(false, message);
    }

    /** A file under the golden folder (skipping or failing as {@link #require()} does). */
    public static Path file(String first, String... more) {
        return require().resolve(Path.of(first, more));
    }

    /**
     * The names of the case folders (those holding a case.json) starting with the prefix, sorted.
     * Where the golden folder is absent this is one placeholder, so that the parameterized test
     * runs once and skips (or fails on CI) in {@link #require()} rather than having no arguments.
     */
    public static Stream<String> caseNames(String prefix) {
        Optional<Path> r = root();
        if (r.isEmpty()) {
            return Stream.of(ABSENT);
        }
        try (Stream<Path> dirs = Files.list(r.get())) {
            return dirs.filter(d -> d.getFileName().toString().startsWith(prefix))
                    .filter(d -> Files.isRegularFile(d.resolve("case.json")))
                    .map(d -> d.getFileName().toString())
                    .sorted()
                    .toList()
                    .stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Folders of the golden folder whose entries are the cases, not the folder itself. */
    private static final List<String> GROUPS = List.of("init", "metrics", "checkpoints");

    /** Files of a group folder that describe the others rather than being a case. */
    private static final Set<String> DESCRIPTIONS = Set.of("checkpoints.json", "README.md");

    /**
     * Every case of the golden folder, as a path with '/': the top-level case folders, the
     * sub-folders of {@code init/} and {@code metrics/}, and the fixture files of {@code checkpoints/}; sorted.
     */
    public static List<String> units(Path root) {
        List<String> out = new ArrayList<>();
        for (Path d : list(root)) {
            String name = d.getFileName().toString();
            if (!Files.isDirectory(d)) {
                continue; // the README
            }
            if (!GROUPS.contains(name)) {
                out.add(name);
                continue;
            }
            for (Path e : list(d)) {
                if (!DESCRIPTIONS.contains(e.getFileName().toString())) {
                    out.add(name + "/" + e.getFileName());
                }
            }
        }
        Collections.sort(out);
        return out;
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether a glob of a {@link RunsGolden} claim or of a pending entry covers the case. */
    public static boolean matches(String glob, String unit) {
        return FileSystems.getDefault().getPathMatcher("glob:" + glob).matches(Path.of(unit));
    }

    /** Whether the test class's {@link RunsGolden} claim covers the case. */
    public static boolean claims(Class<?> test, String unit) {
        RunsGolden c = test.getAnnotation(RunsGolden.class);
        if (c == null) {
            throw new IllegalArgumentException(test.getName() + " has no @RunsGolden");
        }
        return Arrays.stream(c.value()).anyMatch(g -> matches(g, unit)) && Arrays.stream(c.except()).noneMatch(g -> matches(g, unit));
    }

    /**
     * The cases the test class claims with {@link RunsGolden}, sorted: its parameterized tests'
     * source, so that the claim the coverage guard reads is what the class runs. Where the golden
     * folder is absent this is the one placeholder of {@link #caseNames}.
     */
    public static Stream<String> claimed(Class<?> test) {
        Optional<Path> r = root();
        if (r.isEmpty()) {
            return Stream.of(ABSENT);
        }
        return units(r.get()).stream().filter(u -> claims(test, u));
    }

    /** A loaded checkpoint that should be a dict with string keys. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Object o) {
        if (!(o instanceof Map<?, ?>)) {
            fail("expected a dict, got " + (o == null ? "None" : o.getClass().getSimpleName()));
        }
        return (Map<String, Object>) o;
    }

    /** A case's case.json. */
    public static JsonNode caseJson(Path caseDir) {
        try {
            return new ObjectMapper().readTree(caseDir.resolve("case.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** case.json's {@code num_parameters}: every parameter of the reference model. */
    public static long numParameters(Path caseDir) {
        JsonNode n = caseJson(caseDir).get("num_parameters");
        if (n == null || !n.canConvertToLong()) {
            fail(caseDir + "/case.json has no num_parameters");
        }
        return n.asLong();
    }

    /**
     * The README's agreement bound: for every element, |port - reference| ≤ 1e-4 · max(1, max |reference|).
     */
    public static void assertAgrees(NdArray expected, NdArray actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.toFloats();
        float[] a = actual.toFloats();
        double maxRef = 0;
        for (float v : e) {
            maxRef = Math.max(maxRef, Math.abs(v));
        }
        double bound = 1e-4 * Math.max(1, maxRef);
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < e.length; i++) {
            double d = Math.abs((double) a[i] - e[i]);
            if (!(d <= worst) || Double.isNaN(d)) {
                worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
                worstAt = i;
            }
        }
        if (worst > bound) {
            fail(what + ": max |port - reference| = " + worst + " at flat index " + worstAt + " (port "
                    + a[worstAt] + ", reference " + e[worstAt] + "), bound " + bound);
        }
    }

    /** {@code max |actual - expected| / max(1, max |expected|)}; infinite where a value is NaN. */
    public static double relativeDeviation(NdArray expected, NdArray actual) {
        double[] d = deviationAndScale(expected, actual);
        return d[0] / d[1];
    }

    /** {@code {max |actual - expected|, max(1, max |expected|)}}; the first infinite where a value is NaN. */
    public static double[] deviationAndScale(NdArray expected, NdArray actual) {
        float[] e = expected.toFloats();
        float[] a = actual.toFloats();
        double scale = 1;
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            scale = Math.max(scale, Math.abs(e[i]));
            double d = Math.abs((double) a[i] - e[i]);
            worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
        }
        return new double[] {worst, scale};
    }
}
