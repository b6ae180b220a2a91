package io.piip4j.llava.chat;

/** Text to token ids and back, as the language model's tokenizer does. */
public interface TextTokenizer extends AutoCloseable {
    /** Token ids of {@code text}, with the tokenizer's special tokens (LLaMA's BOS) where {@code special}. */
    long[] encode(String text, boolean special);

    /** The text of {@code ids}, special tokens left out. */
    String decode(long[] ids);

    @Override
    void close();
}
