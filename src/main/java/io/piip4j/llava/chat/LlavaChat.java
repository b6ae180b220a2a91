package io.piip4j.llava.chat;

import io.piip4j.llava.LlavaCheckpoint;
import io.piip4j.llava.LlavaModel;
import io.piip4j.llava.generate.GenerationConfig;
import io.piip4j.llava.generate.Generator;
import io.piip4j.llava.lm.KvCache;
import io.piip4j.tensor.Inference;
import io.piip4j.tensor.NdArray;
import io.piip4j.tensor.Tensors;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.bytedeco.pytorch.Tensor;

/**
 * Questions about one image, as a conversation: the image is encoded once, each question is added
 * to LLaVA-1.5's {@code vicuna_v1} prompt with the answers so far, and the answer streams out
 * token by token. Without a tokenizer (a golden fixture) the prompt is the folder's fixed ids and
 * answers are token ids.
 */
public final class LlavaChat implements AutoCloseable {
    private final LlavaCheckpoint checkpoint;
    private final LlavaModel model;
    private final TextTokenizer tokenizer;
    private final LlavaImageProcessor images;
    private final Conversation conversation = new Conversation();
    private Tensor imageTokens;

    /** @param tokenizer null to use the checkpoint's fixed prompt ids */
    public LlavaChat(LlavaCheckpoint checkpoint, TextTokenizer tokenizer) {
        if (tokenizer == null && checkpoint.fixedPromptIds() == null) {
            throw new IllegalArgumentException("this model folder has no tokenizer.json: give a tokenizer");
        }
        this.checkpoint = checkpoint;
        this.model = checkpoint.model();
        this.tokenizer = tokenizer;
        this.images = new LlavaImageProcessor(Math.toIntExact(model.config().imageSize()), model.config().imageAspectRatio().equals("pad"));
    }

    /** Whether answers are text (a tokenizer is present) or token ids. */
    public boolean hasTokenizer() {
        return tokenizer != null;
    }

    /** Starts a conversation about {@code image} (any earlier one is forgotten). */
    public void setImage(BufferedImage image) {
        setImage(images.apply(image));
    }

    /** As {@link #setImage(BufferedImage)} with an already preprocessed (1, 3, S, S) tensor. */
    public void setImage(NdArray pixels) {
        releaseImage();
        imageTokens = Inference.run(() -> {
            Tensor t = new Tensor(model.encodeImage(Tensors.fromNdArray(pixels)));
            t.retainReference(); // kept for every question about this image
            return t;
        });
        conversation.clear();
    }

    /**
     * Asks a question about the image; tokens go to {@code stream} as they are generated.
     * Without a tokenizer the question is not tokenized: the fixed prompt ids are used.
     */
    public Answer ask(String question, GenerationConfig cfg, Consumer<Token> stream) {
        if (imageTokens == null) {
            throw new IllegalStateException("no image: call setImage first");
        }
        conversation.ask(question);
        long[] ids = tokenizer == null ? checkpoint.fixedPromptIds()
                : PromptIds.of(conversation.prompt(), tokenizer, checkpoint.bosId());
        long start = System.nanoTime();
        Tensor embeds = Inference.run(() -> {
            Tensor e = new Tensor(model.embedPrompt(ids, List.of(imageTokens)));
            e.retainReference();
            return e;
        });
        List<Long> kept = new ArrayList<>();
        long[] firstAt = {0};
        StringBuilder text = new StringBuilder();
        long[] generated;
        long promptTokens = embeds.size(1);
        try (KvCache cache = model.newCache()) {
            generated = Generator.generate(model, embeds, cache, withStops(cfg), step -> {
                if (firstAt[0] == 0) {
                    firstAt[0] = System.nanoTime();
                }
                if (step.stop()) {
                    return;
                }
                kept.add(step.token());
                String piece = textOf(kept);
                String delta = piece.length() >= text.length() && piece.startsWith(text.toString()) ? piece.substring(text.length()) : "";
                if (!delta.isEmpty() || tokenizer == null) {
                    text.setLength(0);
                    text.append(piece);
                }
                stream.accept(new Token(step.token(), tokenizer == null ? (kept.size() > 1 ? " " : "") + step.token() : delta));
            });
        } finally {
            embeds.releaseReference();
        }
        long end = System.nanoTime();
        String answer = textOf(kept);
        conversation.answer(tokenizer == null ? "" : answer);
        double ttft = (firstAt[0] - start) / 1e9;
        double tps = generated.length > 1 ? (generated.length - 1) / ((end - firstAt[0]) / 1e9) : Double.NaN;
        return new Answer(answer, generated, promptTokens, ttft, tps);
    }

    /** The configured stop ids, or the model's end-of-sequence id where none were given. */
    private GenerationConfig withStops(GenerationConfig cfg) {
        if (cfg.stopIds().length > 0) {
            return cfg;
        }
        return new GenerationConfig(cfg.maxNewTokens(), cfg.temperature(), cfg.topP(), checkpoint.stopIds(), cfg.seed());
    }

    private String textOf(List<Long> ids) {
        long[] a = ids.stream().mapToLong(Long::longValue).toArray();
        if (tokenizer != null) {
            return tokenizer.decode(a);
        }
        StringBuilder b = new StringBuilder();
        for (long id : a) {
            b.append(b.length() == 0 ? "" : " ").append(id);
        }
        return b.toString();
    }

    private void releaseImage() {
        if (imageTokens != null) {
            imageTokens.releaseReference();
            imageTokens = null;
        }
    }

    @Override
    public void close() {
        releaseImage();
        if (tokenizer != null) {
            tokenizer.close();
        }
    }

}
