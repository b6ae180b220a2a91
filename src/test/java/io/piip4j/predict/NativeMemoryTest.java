package io.piip4j.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.tensor.Tensors;
import io.piip4j.tensor.NdArray;
import io.piip4j.weights.PthWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native memory of the engine does not grow with use. After a warm-up, 200 more forwards of a
 * small classifier ({@link TinyModel}) must leave the native objects that
 * JavaCPP tracks (every tensor handle a forward creates) exactly as many as before, and the
 * process's resident memory outside the Java heaps must stop growing: the allocator keeps some
 * freed pages, so resident memory is compared between the two halves of the run (a leak of L
 * bytes per forward shows as 100 L), with a looser bound on the whole run. Loading and closing
 * a model repeatedly must free its weights as well. Not timed.
 */
class NativeMemoryTest {

    static final int WARM_UP = 20;
    static final int RUNS = 200;
    static final int SAMPLE_EVERY = 10;
    static final int WARM_UP_LOADS = 5;
    static final int LOADS = 10;
    /** Between the halves of the run: catches a leak of more than ~80 KB per forward. */
    static final long MAX_HALF_GROWTH_BYTES = 8L << 20;
    /** Over the whole run, allowing for the allocator settling after the warm-up. */
    static final long MAX_TOTAL_GROWTH_BYTES = 32L << 20;

    /** What the engine holds: live native objects, their tracked bytes, and resident memory outside the JVM's own. */
    record Native(long objects, long trackedBytes, long residentOutsideJvm) {
        /** After collecting garbage, so that handles only the collector would free are gone. */
        static Native settled() {
            for (int i = 0; i < 3; i++) {
                System.gc();
                Pointer.deallocateReferences();
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new Native(Pointer.totalCount(), Pointer.totalBytes(), residentOutsideJvmNow());
        }

        /** Resident set size less the memory the JVM has committed for its heaps. */
        static long residentOutsideJvmNow() {
            MemoryMXBean m = ManagementFactory.getMemoryMXBean();
            long jvm = m.getHeapMemoryUsage().getCommitted() + m.getNonHeapMemoryUsage().getCommitted();
            return Pointer.physicalBytes() - jvm;
        }

        @Override
        public String toString() {
            return objects + " native objects (" + trackedBytes / 1024 + " KiB tracked), " + mib(residentOutsideJvm)
                    + " resident outside the JVM heaps";
        }
    }

    static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    static long max(long[] a, int from, int to) {
        long m = Long.MIN_VALUE;
        for (int i = from; i < to; i++) {
            m = Math.max(m, a[i]);
        }
        return m;
    }

    @Test
    void twoHundredForwardsDoNotGrowNativeMemory() {
        try (PiipModel model = TinyModel.create()) {
            NdArray input = ConcurrencyTest.input(0, model.inputSize());
            float[] first = model.forward(input).get(0).toFloats();
            for (int i = 1; i < WARM_UP; i++) {
                model.forward(input);
            }
            Native before = Native.settled();
            long[] samples = new long[RUNS / SAMPLE_EVERY];
            for (int i = 0; i < RUNS; i++) {
                List<NdArray> out = model.forward(input);
                if ((i + 1) % SAMPLE_EVERY == 0) {
                    samples[i / SAMPLE_EVERY] = Native.settled().residentOutsideJvm();
                }
                if (i == RUNS - 1) {
                    assertArrayEquals(first, out.get(0).toFloats(), "the last forward gives the first one's result");
                }
            }
            Native after = Native.settled();
            int half = samples.length / 2;
            long halfGrowth = max(samples, half, samples.length) - max(samples, 0, half);
            long totalGrowth = after.residentOutsideJvm() - before.residentOutsideJvm();
            System.out.println("native memory, " + RUNS + " forwards after " + WARM_UP + " of warm-up: before " + before
                    + "; after " + after + "; growth " + mib(totalGrowth) + " in all, " + mib(halfGrowth)
                    + " between the halves");
            assertTrue(after.objects() <= before.objects(),
                    "live native objects grew from " + before.objects() + " to " + after.objects());
            assertTrue(after.trackedBytes() <= before.trackedBytes(),
                    "tracked native bytes grew from " + before.trackedBytes() + " to " + after.trackedBytes());
            assertTrue(halfGrowth < MAX_HALF_GROWTH_BYTES, "resident memory outside the JVM grew by " + mib(halfGrowth)
                    + " from the first 100 forwards to the last 100");
            assertTrue(totalGrowth < MAX_TOTAL_GROWTH_BYTES, "resident memory outside the JVM grew by "
                    + mib(totalGrowth) + " (" + before + " -> " + after + ")");
        }
    }

    @Test
    void closingAModelFreesItsWeights(@TempDir Path tmp) {
        Path weights = tmp.resolve("tiny.pth");
        NdArray input;
        float[] expected;
        try (PiipModel model = TinyModel.create()) {
            Map<String, NdArray> sd = new LinkedHashMap<>();
            model.network().namedParameters().forEach((k, p) -> sd.put(k, Tensors.toNdArray(p.get())));
            PthWriter.write(weights, sd);
            input = ConcurrencyTest.input(1, model.inputSize());
            expected = model.forward(input).get(0).toFloats();
        }
        Path config = tmp.resolve("tiny.json");
        try {
            Files.writeString(config, TinyModel.CONFIG);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (int i = 0; i < WARM_UP_LOADS; i++) {
            try (PiipModel model = PiipModel.load(config, weights)) {
                model.forward(input);
            }
        }
        Native before = Native.settled();
        long[] samples = new long[LOADS];
        for (int i = 0; i < LOADS; i++) {
            try (PiipModel model = PiipModel.load(config, weights)) {
                assertArrayEquals(expected, model.forward(input).get(0).toFloats());
            }
            samples[i] = Native.settled().residentOutsideJvm();
        }
        Native after = Native.settled();
        long halfGrowth = max(samples, LOADS / 2, LOADS) - max(samples, 0, LOADS / 2);
        System.out.println("native memory, " + LOADS + " loads and closes after " + WARM_UP_LOADS + ": before " + before
                + "; after " + after + "; " + mib(halfGrowth) + " between the halves");
        assertTrue(after.objects() <= before.objects(),
                "live native objects grew from " + before.objects() + " to " + after.objects());
        assertTrue(halfGrowth < MAX_HALF_GROWTH_BYTES, "resident memory outside the JVM grew by " + mib(halfGrowth)
                + " from the first half of the loads to the second");
        long growth = after.residentOutsideJvm() - before.residentOutsideJvm();
        assertTrue(growth < MAX_TOTAL_GROWTH_BYTES, "resident memory outside the JVM grew by " + mib(growth));
    }
}
