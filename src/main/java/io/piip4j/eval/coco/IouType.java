package io.piip4j.eval.coco;

/** What is overlapped: boxes or masks. */
public enum IouType {
    BBOX, SEGM;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
