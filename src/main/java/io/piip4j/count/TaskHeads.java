package io.piip4j.count;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/** The kinds of whole task model whose necks and heads the counter prices: a new kind adds one line here. */
public final class TaskHeads {
    private static final List<TaskHeadsCost> KINDS = List.of(new MaskRcnnCost(), new DinoCost(), new UperNetCost());

    private TaskHeads() {
    }

    /** The kind a config describes, if the counter knows it. */
    public static Optional<TaskHeadsCost> of(JsonNode root) {
        return KINDS.stream().filter(k -> k.describes(root)).findFirst();
    }
}
