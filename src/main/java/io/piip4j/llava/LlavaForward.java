package io.piip4j.llava;

import io.piip4j.llava.generate.GenerationConfig;
import io.piip4j.llava.generate.Generator;
import io.piip4j.llava.lm.KvCache;
import io.piip4j.tensor.DType;
import io.piip4j.tensor.Inference;
import io.piip4j.tensor.NdArray;
import io.piip4j.tensor.Tensors;
import io.piip4j.weights.Npy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * One PIIP-LLaVA pass as the golden case records it: a preprocessed image and fixed prompt ids
 * (the placeholder {@value LlavaModel#IMAGE_TOKEN_INDEX} marking the image) to the prefill logits
 * of every position and {@code n} greedy tokens.
 */
public final class LlavaForward {
    /** What the pass produced: prefill logits (1, n, vocab) float32 and the generated ids (1, N). */
    public record Result(NdArray prefillLogits, long[] generatedIds) {
    }

    private LlavaForward() {
    }

    public static Result run(LlavaModel model, NdArray image, long[] promptIds, int newTokens) {
        if (image.shape().length != 4 || image.shape()[0] != 1 || image.shape()[1] != 3) {
            throw new IllegalArgumentException("the image must be a (1, 3, H, W) tensor, got " + java.util.Arrays.toString(image.shape()));
        }
        NdArray input = image.dtype() == DType.FLOAT32 ? image : NdArray.ofFloats(image.toFloats(), image.shape());
        Tensor embeds = Inference.run(() -> {
            Tensor e = model.embedPrompt(promptIds, List.of(model.encodeImage(Tensors.fromNdArray(input))));
            Tensor kept = new Tensor(e); // outlives this scope; released below
            kept.retainReference();
            return kept;
        });
        try {
            NdArray logits = Inference.run(() -> {
                try (KvCache cache = model.newCache()) {
                    return Tensors.toNdArray(model.logits(model.forwardEmbeds(embeds, cache)));
                }
            });
            long[] ids;
            try (KvCache cache = model.newCache()) {
                ids = Generator.generate(model, embeds, cache, GenerationConfig.greedy(newTokens), s -> { });
            }
            return new Result(logits, ids);
        } finally {
            embeds.releaseReference();
        }
    }

    /** Writes {@code generated_ids.npy} (int64, 1×N) and {@code prefill_logits.npy} (float32); returns the files. */
    public static List<Path> write(Result r, Path dir) throws java.io.IOException {
        Files.createDirectories(dir);
        ByteBuffer b = ByteBuffer.allocate(8 * r.generatedIds().length).order(ByteOrder.LITTLE_ENDIAN);
        for (long id : r.generatedIds()) {
            b.putLong(id);
        }
        b.flip();
        List<Path> out = new ArrayList<>();
        Path ids = dir.resolve("generated_ids.npy");
        Npy.write(ids, new NdArray(DType.INT64, new long[] {1, r.generatedIds().length}, b));
        out.add(ids);
        Path logits = dir.resolve("prefill_logits.npy");
        Npy.write(logits, r.prefillLogits());
        out.add(logits);
        return out;
    }
}
