package io.piip4j.llava.bench;

import io.piip4j.llava.lm.KvCache;
import io.piip4j.llava.lm.LlamaConfig;
import io.piip4j.llava.lm.LlamaDecoder;
import io.piip4j.nn.InferenceWeights;
import io.piip4j.nn.Linear;
import io.piip4j.nn.Module;
import io.piip4j.nn.Parameter;
import io.piip4j.tensor.F;
import io.piip4j.tensor.Inference;
import io.piip4j.tensor.ThreadPools;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Prefill and decode speed of a LLaMA decoder with random bfloat16 weights (generated here,
 * parameter by parameter, so a 7B model needs ~14 GB and never a float32 copy). Decode reads every
 * weight once per token, so it is bound by memory bandwidth: the report gives the weight bytes
 * read per second alongside tokens/s.
 *
 * <p>Run: {@code java -cp target/piip4j.jar io.piip4j.llava.bench.DecoderBenchmark [7b|tiny] [prompt] [decode]}.
 */
public final class DecoderBenchmark {
    /** LLaVA-1.5-7B's decoder (Vicuna-7B). */
    public static final LlamaConfig LLAMA_7B = new LlamaConfig(32000, 4096, 11008, 32, 32, 32, 4096, 1e-5, 10000, false);
    /** A few-megabyte stand-in to check the benchmark runs. */
    public static final LlamaConfig TINY = new LlamaConfig(512, 64, 128, 2, 4, 2, 1024, 1e-5, 10000, false);

    /** Measured speeds. */
    public record Result(int promptTokens, double prefillSeconds, int decodeTokens, double decodeSeconds, long weightBytes) {
        public double prefillTokensPerSecond() {
            return promptTokens / prefillSeconds;
        }

        public double decodeTokensPerSecond() {
            return decodeTokens / decodeSeconds;
        }

        /** Weight bytes read per second while decoding (each token reads every weight once). */
        public double decodeGigabytesPerSecond() {
            return weightBytes * decodeTokensPerSecond() / 1e9;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "prefill %d tokens in %.3f s (%.1f tokens/s); decode %d tokens in %.3f s (%.2f tokens/s,"
                    + " %.1f GB/s of %.2f GB weights)", promptTokens, prefillSeconds, prefillTokensPerSecond(), decodeTokens, decodeSeconds,
                    decodeTokensPerSecond(), decodeGigabytesPerSecond(), weightBytes / 1e9);
        }
    }

    /** The decoder and its output projection, as the language model has them. */
    private static final class Lm extends Module {
        final LlamaDecoder decoder;
        final Linear head;

        Lm(LlamaConfig cfg) {
            this.decoder = child("model", new LlamaDecoder(cfg));
            this.head = child("lm_head", new Linear(cfg.hiddenSize(), cfg.vocabSize(), false));
        }
    }

    private DecoderBenchmark() {
    }

    public static Result run(LlamaConfig cfg, int promptTokens, int decodeTokens, long seed) {
        if (promptTokens <= 0 || decodeTokens <= 0) {
            throw new IllegalArgumentException("prompt and decode token counts must be positive");
        }
        ThreadPools.init();
        try (Lm lm = new Lm(cfg)) {
            long bytes = fillBfloat16(lm, seed);
            InferenceWeights.keepOnlyPacked(lm); // one copy of each weight, as a loaded model holds them
            try (KvCache cache = lm.decoder.newCache()) {
                long t0 = System.nanoTime();
                long[] next = {Inference.run(() -> {
                    Tensor ids = torch.randint(cfg.vocabSize(), new long[] {1, promptTokens}, new TensorOptions(ScalarType.Long));
                    Tensor h = lm.decoder.forward(lm.decoder.embedTokens().forward(ids), cache);
                    return lm.head.forward(F.slice(h, 1, promptTokens - 1, promptTokens)).argmax().item_long();
                })};
                long t1 = System.nanoTime();
                for (int i = 0; i < decodeTokens; i++) {
                    try (InferenceMode mode = new InferenceMode(); PointerScope scope = new PointerScope()) {
                        Tensor ids = torch.tensor(new long[] {next[0]}, new TensorOptions(ScalarType.Long)).view(1, 1);
                        Tensor h = lm.decoder.forward(lm.decoder.embedTokens().forward(ids), cache);
                        next[0] = lm.head.forward(h).argmax().item_long();
                    }
                }
                long t2 = System.nanoTime();
                return new Result(promptTokens, (t1 - t0) / 1e9, decodeTokens, (t2 - t1) / 1e9, bytes);
            }
        }
    }

    /** Random weights, made parameter by parameter in bfloat16 (norm scales near 1); returns the bytes held. */
    private static long fillBfloat16(Module m, long seed) {
        torch.manual_seed(seed);
        long bytes = 0;
        TensorOptions bf16 = new TensorOptions(ScalarType.BFloat16);
        for (Map.Entry<String, Parameter> e : m.namedParameters().entrySet()) {
            long[] shape = e.getValue().shape();
            // in place: a temporary per parameter would hold a second copy of the weights until the GC runs
            Tensor t = torch.randn(shape, bf16);
            t.mul_(new Scalar(0.02));
            if (shape.length == 1) {
                t.add_(new Scalar(1.0)); // RMSNorm scales
            }
            e.getValue().set(t);
            bytes += t.numel() * 2;
        }
        return bytes;
    }

    public static void main(String[] args) {
        LlamaConfig cfg = args.length > 0 && args[0].equals("tiny") ? TINY : LLAMA_7B;
        int prompt = args.length > 1 ? Integer.parseInt(args[1]) : 512;
        int decode = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        System.out.println(run(cfg, prompt, decode, 0));
    }
}
