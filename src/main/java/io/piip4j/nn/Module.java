package io.piip4j.nn;

import io.piip4j.tensor.NdArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A node of the model tree, as {@code torch.nn.Module}: own parameters and named children. The
 * dotted path of each parameter equals the reference's state-dict key, so checkpoints load by name.
 *
 * <p>Forward hooks ({@link #addForwardHook}) observe a module's calls as
 * {@code register_forward_pre_hook} / {@code register_forward_hook} do: a module routes its
 * forward ({@link #FORWARD}) and any named steps of its own through {@link #call}, which costs one
 * field read while no hook is installed.
 */
public abstract class Module implements AutoCloseable {
    /** The step name of a module's forward pass. */
    public static final String FORWARD = "forward";

    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    /** Buffers the module computes itself (a {@code register_buffer} of constants): checked, never loaded. */
    private final Map<String, NdArray> constants = new LinkedHashMap<>();
    /** As {@code nn.Module.training}: stochastic layers (drop path) act only while set. */
    private boolean training;
    /** The installed hooks, in installation order; null while there are none (the hot path's one check). */
    private ForwardHook[] hooks;

    /** Observes calls into a module: its forward, or a named step it reports (a timing, a trace). */
    @FunctionalInterface
    public interface ForwardHook {
        /**
         * Called as {@code module}'s {@code step} starts; the returned action runs as it ends
         * (normally or by an exception). Hooks enter in installation order and exit in reverse.
         */
        Runnable enter(Module module, String step);
    }

    /** Installs a hook on this module (not its children); closing the handle removes it. */
    public final synchronized AutoCloseable addForwardHook(ForwardHook hook) {
        ForwardHook[] now = hooks == null ? new ForwardHook[0] : hooks;
        ForwardHook[] next = Arrays.copyOf(now, now.length + 1);
        next[now.length] = hook;
        hooks = next;
        return () -> removeForwardHook(hook);
    }

    private synchronized void removeForwardHook(ForwardHook hook) {
        if (hooks == null) {
            return;
        }
        List<ForwardHook> left = new ArrayList<>(Arrays.asList(hooks));
        left.remove(hook);
        hooks = left.isEmpty() ? null : left.toArray(new ForwardHook[0]);
    }

    /** Whether any hook is installed on this module: forwards check it before building a {@link #call}. */
    protected final boolean hooked() {
        return hooks != null;
    }

    /**
     * Runs {@code body} as this module's {@code step} ({@link #FORWARD} or a named step of its
     * own), inside its hooks; just runs it when there are none. Callers that orchestrate a module
     * from outside (the pyramid running a branch's blocks) report the step the same way.
     */
    public final <T> T call(String step, Supplier<T> body) {
        ForwardHook[] hs = hooks;
        if (hs == null) {
            return body.get();
        }
        Runnable[] exits = new Runnable[hs.length];
        int entered = 0;
        try {
            for (; entered < hs.length; entered++) {
                exits[entered] = hs[entered].enter(this, step);
            }
            return body.get();
        } finally {
            for (int i = entered - 1; i >= 0; i--) {
                if (exits[i] != null) {
                    exits[i].run();
                }
            }
        }
    }

    protected final Parameter parameter(String name, long... shape) {
        Parameter p = new Parameter(shape);
        if (parameters.putIfAbsent(name, p) != null) {
            throw new IllegalStateException("duplicate parameter " + name);
        }
        return p;
    }

    /**
     * A persistent buffer ({@code register_buffer}), e.g. BatchNorm's running mean: loaded from and
     * named in the state dict like a parameter, but not counted by {@link #numParameters()}.
     */
    protected final Parameter buffer(String name, long... shape) {
        Parameter p = new Parameter(shape, true);
        if (parameters.putIfAbsent(name, p) != null) {
            throw new IllegalStateException("duplicate buffer " + name);
        }
        return p;
    }

    /**
     * Declares a buffer of the reference that this module computes itself (BEiT's
     * {@code relative_position_index}): checkpoints may carry it, and a loader accepts it when its
     * values equal these. Not a parameter: not counted, not loaded.
     */
    protected final void constant(String name, NdArray value) {
        if (constants.putIfAbsent(name, value) != null) {
            throw new IllegalStateException("duplicate constant " + name);
        }
    }

    /** Every constant buffer under this module, keyed by its dotted state-dict name. */
    public final Map<String, NdArray> namedConstants() {
        Map<String, NdArray> out = new LinkedHashMap<>();
        collectConstants("", out);
        return out;
    }

    private void collectConstants(String prefix, Map<String, NdArray> out) {
        constants.forEach((k, v) -> out.put(prefix + k, v));
        children.forEach((k, v) -> v.collectConstants(k.isEmpty() ? prefix : prefix + k + ".", out));
    }

    protected final <M extends Module> M child(String name, M module) {
        if (children.putIfAbsent(name, module) != null) {
            throw new IllegalStateException("duplicate child " + name);
        }
        return module;
    }

    /** Every parameter (and persistent buffer) under this module, keyed by its dotted state-dict name, in build order. */
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
            n += p.isBuffer() ? 0 : p.numel();
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
