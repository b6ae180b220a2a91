package io.piip4j.weights;

/**
 * A Python global (class or function) named by a checkpoint and accepted by the allow-list. It
 * appears in a loaded tree only where the pickle stored the global itself as a value, for
 * example a {@code torch.float16} dtype in a config; it is inert and calls nothing.
 */
public record PickleGlobal(String module, String name) {

    public String qualifiedName() {
        return module + "." + name;
    }

    @Override
    public String toString() {
        return qualifiedName();
    }
}
