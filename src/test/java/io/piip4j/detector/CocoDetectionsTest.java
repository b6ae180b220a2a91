package io.piip4j.detector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.piip4j.eval.coco.Rle;
import io.piip4j.eval.coco.RleString;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Detections as COCO results: box as x,y,w,h, COCO ids, masks that decode back bit for bit. */
class CocoDetectionsTest {
    @Test
    void mapsTheEightyLabelsToCocoIds() {
        assertEquals(1, CocoDetections.categoryId(0, 80));
        assertEquals(13, CocoDetections.categoryId(11, 80)); // stop sign: id 12 is unused
        assertEquals(90, CocoDetections.categoryId(79, 80));
        assertEquals(79, CocoDetections.label(90));
        assertEquals(-1, CocoDetections.label(12));
        assertEquals(4, CocoDetections.categoryId(3, 10)); // another dataset: label + 1
    }

    @Test
    void resultsRoundTripThroughTheEvaluatorsRleDecoder() throws Exception {
        int w = 37;
        int h = 23;
        byte[] bits = new byte[w * h];
        Random r = new Random(14);
        for (int y = 3; y < 17; y++) {
            for (int x = 5; x < 30; x++) {
                bits[y * w + x] = (byte) (r.nextInt(5) > 0 ? 1 : 0);
            }
        }
        InstanceMask mask = InstanceMask.of(bits, w, h);
        Detection d = new Detection(5.25f, 3.5f, 29.75f, 16.5f, 11, "stop sign", 0.875f, mask);
        ObjectMapper om = new ObjectMapper();
        ArrayNode arr = om.createArrayNode();
        CocoDetections.append(arr, 397133, List.of(d, new Detection(0, 0, 1, 1, 0, "person", 0.5f, null)), 80);
        JsonNode e = om.readTree(om.writeValueAsString(arr)).get(0);
        assertEquals(397133, e.get("image_id").asLong());
        assertEquals(13, e.get("category_id").asInt());
        assertEquals(0.875, e.get("score").asDouble());
        assertEquals(List.of(5.25, 3.5, 24.5, 13.0), List.of(e.get("bbox").get(0).asDouble(), e.get("bbox").get(1).asDouble(),
                e.get("bbox").get(2).asDouble(), e.get("bbox").get(3).asDouble()));
        JsonNode seg = e.get("segmentation");
        assertEquals(h, seg.get("size").get(0).asInt());
        assertEquals(w, seg.get("size").get(1).asInt());
        Rle rle = RleString.decode(seg.get("counts").asText(), h, w);
        assertArrayEquals(mask.toColumnMajor(), rle.decode());
        assertEquals(mask.area(), rle.area());
        assertEquals(false, arr.get(1).has("segmentation"));
    }
}
