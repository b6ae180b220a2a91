package io.piip4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.data.ImageSet;
import io.piip4j.nn.Module;
import io.piip4j.nn.Parameter;
import io.piip4j.tensor.Inference;
import io.piip4j.tensor.Tensors;
import io.piip4j.weights.PthReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model's named losses: the trainer steps on their sum, and logs and checkpoints each. */
class NamedLossesTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void oneThread() {
        Inference.setThreads(1); // bitwise comparisons between runs need a fixed thread count
    }

    /** A classifier whose losses are its own: the cross entropy and whatever {@code extra} adds. */
    private record Losses(TrainableClassifier inner, Function<Map<String, Tensor>, Map<String, Tensor>> extra)
            implements TrainableClassifier {
        @Override
        public Module module() {
            return inner.module();
        }

        @Override
        public Tensor logits(Tensor images) {
            return inner.logits(images);
        }

        @Override
        public Map<String, Tensor> losses(Tensor logits, Tensor labels, double labelSmoothing) {
            Map<String, Tensor> m = new LinkedHashMap<>(inner.losses(logits, labels, labelSmoothing));
            m.put("logits", logits);
            return extra.apply(m);
        }

        @Override
        public int inputSize() {
            return inner.inputSize();
        }

        @Override
        public int numClasses() {
            return inner.numClasses();
        }

        @Override
        public void initialize() {
            inner.initialize();
        }

        @Override
        public int layerId(String name, int numLayers) {
            return inner.layerId(name, numLayers);
        }

        @Override
        public int numLayers() {
            return inner.numLayers();
        }
    }

    /** 0.1 · mean(logits²): a penalty on confident logits, differentiable and never zero. */
    private static Tensor aux(Tensor logits) {
        return logits.pow(new Scalar(2.0)).mean().mul(new Scalar(0.1));
    }

    private static Map<String, Tensor> two(Map<String, Tensor> m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("loss_cls", m.get("loss_cls"));
        out.put("loss_aux", aux(m.get("logits")));
        return out;
    }

    private static Map<String, Tensor> summed(Map<String, Tensor> m) {
        return Map.of("loss_total", m.get("loss_cls").add(aux(m.get("logits"))));
    }

    private Map<String, float[]> train(Recipe r, Function<Map<String, Tensor>, Map<String, Tensor>> extra, Path out,
            ByteArrayOutputStream log) throws Exception {
        ImageSet[] d = TrainerTest.data(r);
        try (TrainableClassifier m = new Losses(r.buildModel(), extra)) {
            Trainer.Outcome o = new Trainer(r, m, d[0], d[1],
                    new Trainer.Options(out, false, null, true, new PrintStream(log, true, StandardCharsets.UTF_8), 0)).run();
            assertEquals(Trainer.Outcome.COMPLETED, o);
            Map<String, float[]> w = new LinkedHashMap<>();
            for (Map.Entry<String, Parameter> e : m.module().namedParameters().entrySet()) {
                w.put(e.getKey(), Tensors.toFloats(e.getValue().get()));
            }
            return w;
        }
    }

    @Test
    void trainsOnTheSumOfTwoNamedLossesAndLogsBoth() throws Exception {
        Recipe r = Recipe.read(TinyRecipes.write(dir.resolve("data"), TinyRecipes.piip(1, 16), 64, 16));
        ByteArrayOutputStream twoLog = new ByteArrayOutputStream();
        Map<String, float[]> a = train(r, NamedLossesTest::two, dir.resolve("two"), twoLog);
        Map<String, float[]> b = train(r, NamedLossesTest::summed, dir.resolve("sum"), new ByteArrayOutputStream());
        assertEquals(a.keySet(), b.keySet());
        a.forEach((k, v) -> assertArrayEquals(b.get(k), v, 0f, k + ": two named losses step as their sum"));
        String log = twoLog.toString(StandardCharsets.UTF_8);
        assertTrue(log.matches("(?s).*epoch 1/1: train loss [0-9.]+ \\(loss_cls [0-9.]+, loss_aux [0-9.]+\\) acc .*"), log);
        // the epoch's mean total is the sum of the named means
        java.util.regex.Matcher mt = java.util.regex.Pattern
                .compile("train loss ([0-9.]+) \\(loss_cls ([0-9.]+), loss_aux ([0-9.]+)\\)").matcher(log);
        assertTrue(mt.find());
        assertEquals(Double.parseDouble(mt.group(1)), Double.parseDouble(mt.group(2)) + Double.parseDouble(mt.group(3)), 2e-4);
    }

    @Test
    void anInterruptedRunCheckpointsEachNamedLoss() throws Exception {
        Recipe r = Recipe.read(TinyRecipes.write(dir.resolve("data"), TinyRecipes.piip(1, 16), 64, 16));
        ImageSet[] d = TrainerTest.data(r);
        try (TrainableClassifier m = new Losses(r.buildModel(), NamedLossesTest::two)) {
            Trainer.Outcome o = new Trainer(r, m, d[0], d[1], new Trainer.Options(dir.resolve("run"), false, null, true,
                    new PrintStream(new ByteArrayOutputStream()), 2)).run();
            assertEquals(Trainer.Outcome.INTERRUPTED, o);
        }
        Map<?, ?> ck = (Map<?, ?>) PthReader.read(dir.resolve("run/checkpoint.pth"));
        Map<?, ?> progress = (Map<?, ?>) ck.get("epoch_progress");
        Map<?, ?> sums = (Map<?, ?>) progress.get("loss_sums");
        assertEquals(java.util.List.of("loss_cls", "loss_aux"), java.util.List.copyOf(sums.keySet().stream().map(String::valueOf).toList()));
        double total = ((Number) progress.get("loss_sum")).doubleValue();
        double parts = ((Number) sums.get("loss_cls")).doubleValue() + ((Number) sums.get("loss_aux")).doubleValue();
        assertEquals(total, parts, 1e-4 * Math.abs(total));
    }

    @Test
    void lossesMustBeScalars() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("loss_cls", torch.ones(1));
        m.put("loss_map", torch.ones(2, 2));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TrainStep.sum(m));
        assertTrue(e.getMessage().contains("loss_map"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> TrainStep.sum(Map.of()));
    }
}
