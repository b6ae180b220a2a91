package io.piip4j.zoo;

import io.piip4j.count.Convention;

/**
 * A model's published backbone cost and the authors' script whose count reproduces it.
 *
 * @param paramsM backbone #Param in millions, or null where none was published
 * @param flopsG  backbone #FLOPs (multiply-adds) in G, or null
 * @param by      the convention that reproduces the figures ({@link Convention#CLS_SCRIPT} for every
 *                released DeiT/InternViT detection and segmentation row: the README's numbers come from
 *                the classification script run on the detection config)
 */
public record Published(Double paramsM, Double flopsG, Convention by) {
    public boolean any() {
        return paramsM != null || flopsG != null;
    }
}
