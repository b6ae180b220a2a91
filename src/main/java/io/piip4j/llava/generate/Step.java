package io.piip4j.llava.generate;

/** One generated token, the logits it was chosen from, and whether it is a stop id (generation ends with it). */
public record Step(long token, float[] logits, boolean stop) {
}
