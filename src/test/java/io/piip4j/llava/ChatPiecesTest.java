package io.piip4j.llava;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.llava.chat.Conversation;
import io.piip4j.llava.chat.HfTokenizer;
import io.piip4j.llava.chat.PromptIds;
import io.piip4j.llava.generate.GenerationConfig;
import io.piip4j.llava.generate.TokenPicker;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The text side of chat: the vicuna_v1 prompt as the release writes it, prompt ids with the image
 * placeholder as its {@code tokenizer_image_token} makes them (through a real tokenizer.json: a
 * tiny word-level one in the test resources, its ids within the golden model's 512), and token choice.
 */
class ChatPiecesTest {
    static Path tinyTokenizer() {
        try {
            return Path.of(ChatPiecesTest.class.getResource("tiny-tokenizer.json").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void vicunaPromptAsTheRelease() {
        Conversation c = new Conversation();
        c.ask("What is in the picture?");
        String system = "A chat between a curious user and an artificial intelligence assistant. The assistant gives helpful, detailed,"
                + " and polite answers to the user's questions.";
        assertEquals(system + " USER: <image>\nWhat is in the picture? ASSISTANT:", c.prompt());
        c.answer("A cat.");
        c.ask("Which colour?");
        assertEquals(system + " USER: <image>\nWhat is in the picture? ASSISTANT: A cat.</s>USER: Which colour? ASSISTANT:", c.prompt());
        assertThrows(IllegalStateException.class, () -> c.ask("again?"));
    }

    @Test
    void promptIdsSpliceThePlaceholderLikeTokenizerImageToken() {
        try (HfTokenizer tok = HfTokenizer.open(tinyTokenizer())) {
            long[] before = tok.encode("USER:", true);
            long[] after = tok.encode("What is in the picture?", true);
            assertEquals(1, before[0], "the tokenizer adds BOS");
            long[] ids = PromptIds.of("USER: <image>\nWhat is in the picture?", tok, 1);
            // BOS once, the first piece, the placeholder, the second piece without its BOS
            int n = before.length + 1 + after.length - 1;
            assertEquals(n, ids.length);
            long[] expected = new long[n];
            System.arraycopy(before, 0, expected, 0, before.length);
            expected[before.length] = LlavaModel.IMAGE_TOKEN_INDEX;
            System.arraycopy(after, 1, expected, before.length + 1, after.length - 1);
            assertArrayEquals(expected, ids);
            assertEquals("What is in the picture ?", tok.decode(java.util.Arrays.copyOfRange(after, 0, after.length)));
        }
    }

    @Test
    void greedyTakesTheFirstMaximum() {
        TokenPicker p = new TokenPicker(GenerationConfig.greedy(4));
        assertEquals(2, p.pick(new float[] {0f, 1f, 3f, 3f, -1f}));
    }

    @Test
    void samplingIsSeededAndStaysInTheNucleus() {
        float[] logits = {5f, 4.9f, 0f, -1f, -2f};
        Map<Integer, Integer> counts = new HashMap<>();
        TokenPicker a = new TokenPicker(new GenerationConfig(4, 1.0, 0.9, new long[0], 7));
        TokenPicker b = new TokenPicker(new GenerationConfig(4, 1.0, 0.9, new long[0], 7));
        for (int i = 0; i < 500; i++) {
            int x = a.pick(logits);
            assertEquals(x, b.pick(logits), "same seed, same draws");
            counts.merge(x, 1, Integer::sum);
        }
        // p ≈ (0.52, 0.47, 0.0035, …): the 0.9 nucleus is the first two tokens
        assertEquals(java.util.Set.of(0, 1), counts.keySet());
        assertTrue(counts.get(0) > 200 && counts.get(1) > 180, counts.toString());
    }

    @Test
    void badGenerationSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new GenerationConfig(0, 0, 1, new long[0], 0));
        assertThrows(IllegalArgumentException.class, () -> new GenerationConfig(4, -1, 1, new long[0], 0));
        assertThrows(IllegalArgumentException.class, () -> new GenerationConfig(4, 0.7, 0, new long[0], 0));
    }
}
