package io.piip4j.llava.chat;

/** A streamed token: its id and the text it adds to the answer (may be empty, e.g. part of a multi-byte character). */
public record Token(long id, String text) {
}
