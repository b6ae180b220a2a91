package io.piip4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.data.ImageSet;
import io.piip4j.nn.Parameter;
import io.piip4j.tensor.Inference;
import io.piip4j.tensor.Tensors;
import io.piip4j.tensor.NdArray;
import io.piip4j.weights.PthReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training end to end on a tiny PIIP: the loss falls, checkpoints read back exactly, and a resumed run equals an uninterrupted one. */
class TrainerTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void oneThread() {
        Inference.setThreads(1); // bitwise comparisons between runs need a fixed thread count
    }

    static ImageSet[] data(Recipe r) {
        return new ImageSet[] {ImageSet.fromIdx(r.data().trainImages(), r.data().trainLabels(), r.data().classes()),
            ImageSet.fromIdx(r.data().testImages(), r.data().testLabels(), r.data().classes())};
    }

    static Trainer.Outcome train(Recipe r, Path out, boolean resume, int stopAfter, TrainableClassifier[] keep) throws Exception {
        ImageSet[] d = data(r);
        TrainableClassifier m = r.buildModel();
        PrintStream log = new PrintStream(new ByteArrayOutputStream());
        Trainer.Outcome o = new Trainer(r, m, d[0], d[1], new Trainer.Options(out, resume, null, true, log, stopAfter)).run();
        if (keep != null) {
            keep[0] = m;
        } else {
            m.close();
        }
        return o;
    }

    @Test
    void lossFallsAndCheckpointReadsBackIdentically() throws Exception {
        Recipe r = Recipe.read(TinyRecipes.write(dir.resolve("data"), TinyRecipes.piip(3, 16), 128, 32));
        TrainableClassifier[] m = new TrainableClassifier[1];
        assertEquals(Trainer.Outcome.COMPLETED, train(r, dir.resolve("run"), false, 0, m));
        try {
            Map<String, Object> ck = castMap(PthReader.read(dir.resolve("run/checkpoint.pth")));
            Map<String, Object> model = castMap(ck.get("model"));
            Map<String, Parameter> params = m[0].module().namedParameters();
            assertEquals(params.keySet(), model.keySet(), "reference key names, all of them");
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                NdArray a = (NdArray) model.get(e.getKey());
                assertArrayEquals(Tensors.toFloats(e.getValue().get()), a.toFloats(), e.getKey());
            }
            List<?> history = (List<?>) ck.get("history");
            assertEquals(3, history.size());
            double first = ((Number) castMap(history.get(0)).get("train_loss")).doubleValue();
            double last = ((Number) castMap(history.get(2)).get("train_loss")).doubleValue();
            assertTrue(last < first - 0.1, "training loss should fall: " + first + " -> " + last);
            Map<String, Object> opt = castMap(ck.get("optimizer"));
            Map<String, Object> state0 = castMap(castMap(opt.get("state")).values().iterator().next());
            assertEquals(24f, ((NdArray) state0.get("step")).toFloats()[0], "3 epochs × 8 steps");
            assertInstanceOf(NdArray.class, state0.get("exp_avg_sq"));
            assertTrue(Files.size(dir.resolve("run/curves.png")) > 1000);
            assertTrue(Files.readString(dir.resolve("run/history.json")).contains("testAccuracy"));
            // the final weights alone are a plain state dict
            assertEquals(params.keySet(), PthReader.readStateDict(dir.resolve("run/model.pth")).keySet());
        } finally {
            m[0].close();
        }
    }

    @Test
    void resumedRunEqualsUninterruptedRun() throws Exception {
        Recipe r = Recipe.read(TinyRecipes.write(dir.resolve("data"), TinyRecipes.piip(2, 16), 96, 16));
        assertEquals(Trainer.Outcome.COMPLETED, train(r, dir.resolve("straight"), false, 0, null));
        // stop mid-epoch (step 4 of 6), then twice more at the next boundaries, resuming each time
        assertEquals(Trainer.Outcome.INTERRUPTED, train(r, dir.resolve("pieces"), false, 4, null));
        assertEquals(Trainer.Outcome.INTERRUPTED, train(r, dir.resolve("pieces"), true, 3, null));
        assertEquals(Trainer.Outcome.COMPLETED, train(r, dir.resolve("pieces"), true, 0, null));
        assertSameState(dir.resolve("straight/checkpoint.pth"), dir.resolve("pieces/checkpoint.pth"));
    }

    /** Model weights, optimizer moments and steps, position and generator state: identical bit for bit. */
    static void assertSameState(Path a, Path b) {
        Map<String, Object> x = castMap(PthReader.read(a));
        Map<String, Object> y = castMap(PthReader.read(b));
        assertTensorsEqual(castMap(x.get("model")), castMap(y.get("model")), "model");
        Map<String, Object> sx = castMap(castMap(x.get("optimizer")).get("state"));
        Map<String, Object> sy = castMap(castMap(y.get("optimizer")).get("state"));
        assertEquals(sx.keySet(), sy.keySet());
        for (Object k : sx.keySet()) {
            assertTensorsEqual(castMap(sx.get(k)), castMap(sy.get(k)), "optimizer state " + k);
        }
        assertEquals(String.valueOf(castMap(x.get("optimizer")).get("param_groups")),
                String.valueOf(castMap(y.get("optimizer")).get("param_groups")));
        for (String k : List.of("epoch", "batch", "step")) {
            assertEquals(x.get(k), y.get(k), k);
        }
        assertTensorsEqual(castMap(x.get("rng")), castMap(y.get("rng")), "rng");
        List<?> hx = (List<?>) x.get("history");
        List<?> hy = (List<?>) y.get("history");
        assertEquals(hx.size(), hy.size());
        for (int i = 0; i < hx.size(); i++) {
            for (String k : List.of("train_loss", "train_acc", "test_loss", "test_acc", "lr")) {
                assertEquals(castMap(hx.get(i)).get(k), castMap(hy.get(i)).get(k), "history " + i + " " + k);
            }
        }
    }

    static void assertTensorsEqual(Map<String, Object> a, Map<String, Object> b, String what) {
        assertEquals(a.keySet(), b.keySet(), what);
        for (String k : a.keySet()) {
            if (a.get(k) instanceof NdArray x) {
                NdArray y = (NdArray) b.get(k);
                assertArrayEquals(x.shape(), y.shape(), what + "." + k);
                byte[] bx = new byte[x.data().remaining()];
                byte[] by = new byte[y.data().remaining()];
                x.data().duplicate().get(bx);
                y.data().duplicate().get(by);
                assertArrayEquals(bx, by, what + "." + k + " (bitwise)");
            } else {
                assertEquals(a.get(k), b.get(k), what + "." + k);
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }
}
