package io.piip4j.train;

import io.piip4j.backbone.interaction.Injector;
import io.piip4j.nn.Module;

/** Gives every interaction injector of a model the config's {@code interaction_drop_path_rate}. */
final class InteractionDropPath {
    private InteractionDropPath() {
    }

    static void configure(Module m, double rate) {
        if (m instanceof Injector inj) {
            inj.setDropPath(rate);
        }
        for (Module c : m.children().values()) {
            configure(c, rate);
        }
    }
}
