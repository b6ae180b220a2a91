package io.piip4j.llava.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.llava.lm.LlamaConfig;
import org.junit.jupiter.api.Test;

/** The decoder benchmark runs (at a tiny shape: the 7B one needs ~14 GB) and reports consistent numbers. */
class DecoderBenchmarkTest {
    @Test
    void tinyShapeRuns() {
        LlamaConfig c = DecoderBenchmark.TINY;
        DecoderBenchmark.Result r = DecoderBenchmark.run(c, 16, 4, 0);
        long params = c.vocabSize() * c.hiddenSize() * 2 // embeddings and lm_head
                + c.numHiddenLayers() * (2 * c.hiddenSize() * c.hiddenSize() + 2 * c.hiddenSize() * c.headDim() * c.numKeyValueHeads()
                        + 3 * c.hiddenSize() * c.intermediateSize() + 2 * c.hiddenSize())
                + c.hiddenSize();
        assertEquals(2 * params, r.weightBytes(), "bfloat16 weights, two bytes each");
        assertTrue(r.prefillTokensPerSecond() > 0 && r.decodeTokensPerSecond() > 0 && r.decodeGigabytesPerSecond() > 0, r.toString());
        System.out.println("tiny decoder (timing meaningless on a shared machine): " + r);
    }

    @Test
    void sevenBillionShapeIsLlavaVicuna7b() {
        LlamaConfig c = DecoderBenchmark.LLAMA_7B;
        long params = c.vocabSize() * c.hiddenSize() * 2
                + c.numHiddenLayers() * (4 * c.hiddenSize() * c.hiddenSize() + 3 * c.hiddenSize() * c.intermediateSize() + 2 * c.hiddenSize())
                + c.hiddenSize();
        assertEquals(6_738_415_616L, params, "LLaMA-7B's parameter count");
    }
}
