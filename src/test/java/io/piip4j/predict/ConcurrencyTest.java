package io.piip4j.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.tensor.NdArray;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One loaded model serves many threads: 8 threads, each with its own classifier, run 50
 * inferences each (classifying small images and raw forwards, interleaved) on one shared tiny
 * model, and every result is bitwise equal to the single-threaded one; afterwards no native
 * object is left behind.
 */
class ConcurrencyTest {

    static final int THREADS = 8;
    static final int PER_THREAD = 50;
    static final int IMAGES = 6;
    static final int INPUTS = 4;

    static BufferedImage image(int seed) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(40 + 7 * seed, 36 + 5 * seed, BufferedImage.TYPE_INT_RGB);
        int a = r.nextInt(256);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                img.setRGB(x, y, ((x * 5 + a) & 0xff) << 16 | ((y * 7 + seed * 40) & 0xff) << 8 | (r.nextInt(256)));
            }
        }
        return img;
    }

    static NdArray input(int seed, int size) {
        Random r = new Random(100 + seed);
        float[] v = new float[3 * size * size];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return NdArray.ofFloats(v, 1, 3, size, size);
    }

    /** One task's result in a form compared exactly: the classes and the raw bits of every number. */
    static String key(Object result) {
        if (result instanceof float[] f) {
            StringBuilder b = new StringBuilder("logits");
            for (float x : f) {
                b.append(' ').append(Integer.toHexString(Float.floatToRawIntBits(x)));
            }
            return b.toString();
        }
        StringBuilder b = new StringBuilder("classes");
        for (Object o : (List<?>) result) {
            Classification c = (Classification) o;
            b.append(' ').append(c.index()).append('=').append(Long.toHexString(Double.doubleToRawLongBits(c.probability())));
        }
        return b.toString();
    }

    @Test
    void eightThreadsShareOneModelAndAgreeWithOneThreadBitForBit() throws Exception {
        try (PiipModel model = TinyModel.create()) {
            int size = model.inputSize();
            List<BufferedImage> images = new ArrayList<>();
            for (int i = 0; i < IMAGES; i++) {
                images.add(image(i));
            }
            List<NdArray> inputs = new ArrayList<>();
            for (int i = 0; i < INPUTS; i++) {
                inputs.add(input(i, size));
            }
            int tasks = IMAGES + INPUTS;
            ImageClassifier single = model.newClassifier();
            String[] expected = new String[tasks];
            for (int t = 0; t < tasks; t++) {
                expected[t] = key(run(model, single, images, inputs, t));
            }
            assertTrue(Arrays.stream(expected).distinct().count() == tasks, "the tasks give different results");

            // warm every thread's engine state up once before counting native objects
            NativeMemoryTest.Native before = null;
            for (int round = 0; round < 2; round++) {
                if (round == 1) {
                    before = NativeMemoryTest.Native.settled();
                }
                ExecutorService pool = Executors.newFixedThreadPool(THREADS);
                try {
                    CyclicBarrier start = new CyclicBarrier(THREADS);
                    List<Future<List<String>>> futures = new ArrayList<>();
                    int perThread = round == 0 ? 2 : PER_THREAD;
                    for (int th = 0; th < THREADS; th++) {
                        int thread = th;
                        Callable<List<String>> job = () -> {
                            ImageClassifier mine = model.newClassifier(); // a predictor per thread, shared weights
                            start.await();
                            List<String> failures = new ArrayList<>();
                            for (int k = 0; k < perThread; k++) {
                                int t = (thread * 7 + k * 3) % tasks;
                                String got = key(run(model, mine, images, inputs, t));
                                if (!got.equals(expected[t])) {
                                    failures.add("thread " + thread + ", inference " + k + ", task " + t + ": " + got
                                            + " instead of " + expected[t]);
                                }
                            }
                            return failures;
                        };
                        futures.add(pool.submit(job));
                    }
                    List<String> failures = new ArrayList<>();
                    for (Future<List<String>> f : futures) {
                        failures.addAll(f.get(10, TimeUnit.MINUTES));
                    }
                    assertEquals(List.of(), failures);
                } finally {
                    pool.shutdownNow();
                    assertTrue(pool.awaitTermination(1, TimeUnit.MINUTES));
                }
            }
            NativeMemoryTest.Native after = NativeMemoryTest.Native.settled();
            System.out.println("concurrency: " + THREADS + " x " + PER_THREAD + " inferences; before " + before
                    + "; after " + after);
            assertTrue(after.objects() <= before.objects(),
                    "live native objects grew from " + before.objects() + " to " + after.objects());
            long growth = after.residentOutsideJvm() - before.residentOutsideJvm();
            assertTrue(growth < NativeMemoryTest.MAX_TOTAL_GROWTH_BYTES, "resident memory outside the JVM grew by "
                    + NativeMemoryTest.mib(growth));
        }
    }

    /** Task t: classify image t, or (past the images) a raw forward of input t - IMAGES. */
    static Object run(PiipModel model, ImageClassifier classifier, List<BufferedImage> images, List<NdArray> inputs, int t) {
        if (t < images.size()) {
            return classifier.classify(images.get(t), 3);
        }
        return model.forward(inputs.get(t - images.size())).get(0).toFloats();
    }
}
