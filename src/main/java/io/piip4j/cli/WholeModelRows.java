package io.piip4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.count.Convention;
import io.piip4j.count.FlopReport;
import io.piip4j.count.PartCost;
import io.piip4j.count.WholeModelCost;
import java.util.List;
import java.util.Locale;

/** {@code piip info}'s whole-model section: the backbone's total, each neck/head part, and the whole model. */
final class WholeModelRows {
    /** The conventions that count parts after the backbone (authors-cls counts a classification-style backbone only). */
    private static final List<Convention> SHOWN = List.of(Convention.DET_SCRIPT, Convention.TRUE);

    static final String HEADS_NOTE = "authors-det for the parts after the backbone: mmcv's hooks on the reference's module types (as "
            + "mmdetection's get_flops.py counts a detector) plus 5·N·K·C per deformable attention; true: every operation. "
            + "Not counted: what runs after the raw outputs outside layers (detectors: RoIAlign, proposal selection, box decoding, "
            + "NMS, scoring, mask pasting; segmentors: the logits' resize to the image, softmax, argmax)";

    private WholeModelRows() {
    }

    static void print(WholeModelCost w) {
        if (!w.available()) {
            System.out.println("whole model: not counted: " + w.unavailable());
            return;
        }
        if (w.parts().isEmpty()) {
            return; // a classifier: the model above is whole
        }
        FlopReport b = w.backbone().get(Convention.DET_SCRIPT);
        System.out.printf(Locale.ROOT, "%nwhole model (%s) at 3x%dx%d: the backbone above (the published #Param/#FLOPs and the "
                + "authors' conventions count it alone), then the parts after it%n", w.kind(), b.inputHeight(), b.inputWidth());
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-18s %15s", "part", "parameters"));
        SHOWN.forEach(c -> head.append(String.format(Locale.ROOT, " %14s", c.id() + " G")));
        System.out.println(head.append("  basis"));
        StringBuilder bb = new StringBuilder(String.format(Locale.ROOT, "%-18s %,15d", "backbone", b.totalParams()));
        SHOWN.forEach(c -> bb.append(String.format(Locale.ROOT, " %14.3f", w.backbone().get(c).totalFlops() / 1e9)));
        System.out.println(bb);
        for (PartCost p : w.parts()) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-18s %,15d", p.name(), p.params()));
            SHOWN.forEach(c -> line.append(String.format(Locale.ROOT, " %14.3f", p.flops(c) / 1e9)));
            System.out.println(line.append("  ").append(p.assumption()));
        }
        StringBuilder total = new StringBuilder(String.format(Locale.ROOT, "%-18s %,15d", "whole model", w.totalParams()));
        SHOWN.forEach(c -> total.append(String.format(Locale.ROOT, " %14.3f", w.totalFlops(c) / 1e9)));
        System.out.println(total);
        System.out.println(HEADS_NOTE);
    }

    static void toJson(ObjectNode root, WholeModelCost w) {
        ObjectNode o = root.putObject("whole_model");
        if (!w.available()) {
            o.put("unavailable", w.unavailable());
            return;
        }
        FlopReport b = w.backbone().get(w.built());
        o.put("kind", w.kind());
        o.putArray("input").add(b.inputHeight()).add(b.inputWidth());
        o.put("note", w.parts().isEmpty() ? "a classifier: the model counted at the top level is whole"
                : "the top-level parameters/conventions and the published figures count the backbone alone; " + HEADS_NOTE);
        ObjectNode bb = o.putObject("backbone");
        bb.put("parameters", b.totalParams());
        ObjectNode bf = bb.putObject("flops");
        for (Convention c : Convention.values()) {
            if (w.backbone().get(c).available()) {
                bf.put(c.id(), w.backbone().get(c).totalFlops());
            }
        }
        var parts = o.putArray("parts");
        for (PartCost p : w.parts()) {
            ObjectNode po = parts.addObject();
            po.put("name", p.name());
            po.put("assumption", p.assumption());
            po.put("parameters", p.params());
            ObjectNode f = po.putObject("flops");
            SHOWN.forEach(c -> f.put(c.id(), p.flops(c)));
            po.put("hooked_flops", p.hookedFlops());
            po.put("analytic_flops", p.analyticFlops());
        }
        o.put("total_parameters", w.totalParams());
        ObjectNode tf = o.putObject("total_flops");
        for (Convention c : Convention.values()) {
            if (w.totalFlops(c) != null) {
                tf.put(c.id(), w.totalFlops(c));
            }
        }
    }
}
