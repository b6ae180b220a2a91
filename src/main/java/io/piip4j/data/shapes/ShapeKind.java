package io.piip4j.data.shapes;

/**
 * The classes of the shapes data set, in category-id order (COCO id = ordinal + 1, which is also
 * the value in the semantic label maps, 0 being background).
 */
public enum ShapeKind {
    DISC("disc"),
    SQUARE("square"),
    TRIANGLE("triangle"),
    RING("ring");

    private final String label;

    ShapeKind(String label) {
        this.label = label;
    }

    /** The category name written to the annotations. */
    public String label() {
        return label;
    }

    /** The COCO category id and the semantic label value. */
    public int categoryId() {
        return ordinal() + 1;
    }
}
