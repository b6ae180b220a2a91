package io.piip4j.llava;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.image.ImageNetTransform;
import io.piip4j.llava.chat.Answer;
import io.piip4j.llava.chat.HfTokenizer;
import io.piip4j.llava.chat.LlavaChat;
import io.piip4j.llava.chat.Token;
import io.piip4j.llava.generate.GenerationConfig;
import io.piip4j.testing.Golden;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Java API: an image and a question in, the answer out as a stream of tokens, on the tiny
 * golden model with the test tokenizer; the conversation carries over to the next question.
 */
class LlavaChatTest {
    @Test
    void answersStreamAndTheConversationGrows() {
        try (LlavaCheckpoint ckpt = LlavaCheckpoint.open(Golden.file("llava_e2e_tiny"), false, null);
                LlavaChat chat = new LlavaChat(ckpt, HfTokenizer.open(ChatPiecesTest.tinyTokenizer()))) {
            chat.setImage(ImageNetTransform.read(Golden.shared("images", "waterview.jpg")));
            List<Token> streamed = new ArrayList<>();
            Answer first = chat.ask("What is in the picture?", GenerationConfig.greedy(6), streamed::add);
            assertArrayEquals(first.ids(), streamed.stream().mapToLong(Token::id).toArray(), "every token streamed as chosen");
            StringBuilder text = new StringBuilder();
            streamed.forEach(t -> text.append(t.text()));
            assertEquals(first.text(), text.toString(), "the streamed pieces make the answer");
            assertTrue(first.timeToFirstTokenSeconds() > 0 && first.tokensPerSecond() > 0);

            Answer again = chat.ask("Describe this image", GenerationConfig.greedy(3), t -> { });
            assertTrue(again.promptTokens() > first.promptTokens() + first.ids().length,
                    "the second prompt holds the first question and answer: " + again.promptTokens());
            assertEquals(3, again.ids().length);
        }
    }
}
