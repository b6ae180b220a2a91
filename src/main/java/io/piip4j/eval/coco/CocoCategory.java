package io.piip4j.eval.coco;

/** A category of a COCO data set. */
public record CocoCategory(long id, String name) {
}
