package io.piip4j.backbone.interaction;

/**
 * The names of an injector's two learnable residual scales. The backbones call them
 * {@code ca_gamma} / {@code cffn_gamma}; the PIIP-LLaVA release renamed them {@code ca_weight} /
 * {@code cffn_weight} (transformers before 4.49 renames any key containing "gamma" on load).
 */
public record ScaleNames(String attention, String ffn) {
    public static final ScaleNames GAMMA = new ScaleNames("ca_gamma", "cffn_gamma");
    public static final ScaleNames WEIGHT = new ScaleNames("ca_weight", "cffn_weight");
}
