package io.piip4j.predict;

/**
 * One entry of a classification result.
 *
 * @param index class index into the model's logits
 * @param label human-readable class name
 * @param probability softmax probability, 0..1
 */
public record Classification(int index, String label, double probability) {
}
