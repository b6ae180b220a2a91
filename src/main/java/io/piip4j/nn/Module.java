package io.piip4j.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node of the model tree, as {@code torch.nn.Module}: own parameters and named children. The
 * dotted path of each parameter equals the reference's state-dict key, so checkpoints load by name.
 */
public abstract class Module implements AutoCloseable {
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    /** As {@code nn.Module.training}: stochastic layers (drop path) act only while set. */
    private boolean training;

    protected final Parameter parameter(String name, long... shape) {
        Parameter p = new Parameter(shape);
        if (parameters.putIfAbsent(name, p) != null) {
            throw new IllegalStateException("duplicate parameter " + name);
        }
        return p;
    }

    protected final <M extends Module> M child(String name, M module) {
        if (children.putIfAbsent(name, module) != null) {
            throw new IllegalStateException("duplicate child " + name);
        }
        return module;
    }

    /** Every parameter under this module, keyed by its dotted state-dict name, in build order. */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Parameter> out) {
        parameters.forEach((k, v) -> out.put(prefix + k, v));
        // an unnamed child's parameters sit directly under this module: a wrapper keeps the
        // state-dict keys of the module it wraps
        children.forEach((k, v) -> v.collect(k.isEmpty() ? prefix : prefix + k + ".", out));
    }

    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** Sets training mode on this module and every descendant, as {@code model.train(mode)}. */
    public final void train(boolean mode) {
        training = mode;
        for (Module c : children.values()) {
            c.train(mode);
        }
    }

    public final boolean isTraining() {
        return training;
    }

    public final long numParameters() {
        long n = 0;
        for (Parameter p : namedParameters().values()) {
            n += p.numel();
        }
        return n;
    }

    /** Frees the native memory of every parameter below this module, and what was derived from them. */
    @Override
    public void close() {
        for (Parameter p : new ArrayList<>(namedParameters().values())) {
            p.release();
        }
        releaseDerivedTree(this);
    }

    private static void releaseDerivedTree(Module m) {
        m.releaseDerived();
        for (Module child : m.children().values()) {
            releaseDerivedTree(child);
        }
    }

    /** Frees native memory this module derived from its weights (a packed copy, say); none by default. */
    protected void releaseDerived() {
    }

    /**
     * {@code nn.Sequential} where only some members have weights: each weighted member is registered
     * at its index, so the parameter-free ones (activations, pooling, permutes) keep their place in
     * the names ({@code fpn1.0}, {@code fpn1.1}, {@code fpn1.3}).
     */
    public static final class Sequential extends Module {
        public <M extends Module> M at(int index, M m) {
            return child(Integer.toString(index), m);
        }
    }

    /** A numbered list of modules, named "0", "1", … as {@code nn.ModuleList} / {@code nn.Sequential}. */
    public static final class ModuleList<M extends Module> extends Module {
        private final List<M> items = new ArrayList<>();

        public M add(M m) {
            child(Integer.toString(items.size()), m);
            items.add(m);
            return m;
        }

        public M get(int i) {
            return items.get(i);
        }

        public int size() {
            return items.size();
        }

        public List<M> items() {
            return Collections.unmodifiableList(items);
        }
    }
}
