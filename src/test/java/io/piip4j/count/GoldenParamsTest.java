package io.piip4j.count;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.testing.Golden;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The counter's parameters equal the official module's for every backbone-only golden case (small
 * models of every branch family, interaction type, merge and output layout), as the official
 * build counted them ({@code num_parameters}).
 */
class GoldenParamsTest {

    static Stream<String> cases() {
        return Stream.concat(Golden.caseNames("cls"), Golden.caseNames("det")).distinct();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void paramsMatchTheOfficialModule(String name) {
        Path dir = Golden.file(name);
        JsonNode c = Golden.caseJson(dir);
        CostReport r = FlopCounter.count(c, name, null);
        Convention conv = r.task() == ModelTask.CLASSIFICATION ? Convention.CLS_SCRIPT : Convention.DET_SCRIPT;
        assertEquals(Golden.numParameters(dir), r.get(conv).totalParams(), name);
        assertEquals(Golden.numParameters(dir), r.get(Convention.TRUE).totalParams(), name);
    }
}
