package io.piip4j.init;

import io.piip4j.nn.Module;
import io.piip4j.nn.Parameter;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/** Walks a module tree as {@code nn.Module.named_modules()} does, with each module's own parameters. */
final class ModuleTree {
    private ModuleTree() {
    }

    /** Visits every module (parents first) with its dotted prefix ("" for the root). */
    static void visit(Module root, BiConsumer<String, Module> visitor) {
        visit("", root, visitor);
    }

    private static void visit(String prefix, Module m, BiConsumer<String, Module> visitor) {
        visitor.accept(prefix, m);
        for (Map.Entry<String, Module> c : m.children().entrySet()) {
            String name = c.getKey().isEmpty() ? prefix : prefix.isEmpty() ? c.getKey() : prefix + "." + c.getKey();
            visit(name, c.getValue(), visitor);
        }
    }

    /**
     * The parameters a module registers itself (not through a child), by local name. Computed as
     * all parameters minus the children's, since children may be unnamed wrappers.
     */
    static Map<String, Parameter> own(Module m) {
        IdentityHashMap<Parameter, Boolean> inChildren = new IdentityHashMap<>();
        for (Module c : m.children().values()) {
            for (Parameter p : c.namedParameters().values()) {
                inChildren.put(p, Boolean.TRUE);
            }
        }
        Map<String, Parameter> out = new LinkedHashMap<>();
        m.namedParameters().forEach((k, p) -> {
            if (!inChildren.containsKey(p)) {
                out.put(k, p);
            }
        });
        return out;
    }
}
