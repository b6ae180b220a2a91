package io.piip4j.llava.chat;

/**
 * A finished answer: its text (stop token left out), the generated ids, the prompt's length in
 * tokens (image tokens included), the time from the question to the first token, and the decode
 * speed after it.
 */
public record Answer(String text, long[] ids, long promptTokens, double timeToFirstTokenSeconds, double tokensPerSecond) {
}
