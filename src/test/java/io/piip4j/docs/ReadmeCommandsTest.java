package io.piip4j.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every {@code ./piip} command the README and docs show names a real command and real options of
 * it, and every repository path they name exists: the documentation cannot drift from the code.
 */
class ReadmeCommandsTest {
    private static final List<Path> DOCS = List.of(Path.of("README.md"), Path.of("docs/performance.md"), Path.of("docs/evaluation.md"),
            Path.of("docs/training.md"), Path.of("docs/reliability.md"), Path.of("docs/zoo.md"));

    /** Each "./piip SUBCOMMAND ..." up to the end of its code span or line. */
    private static List<String> commands(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\\./piip ([a-z][a-z-]*)([^`\\n|]*)").matcher(text);
        while (m.find()) {
            out.add(m.group(1) + m.group(2));
        }
        return out;
    }

    @Test
    void everyCommandAndOptionShownExists() throws Exception {
        CommandLine cli = new CommandLine(new Main());
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Path doc : DOCS) {
            for (String cmd : commands(Files.readString(doc))) {
                String name = cmd.split("\\s+")[0];
                CommandLine sub = cli.getSubcommands().get(name);
                if (sub == null) {
                    problems.add(doc + ": ./piip " + cmd.strip() + " (no command '" + name + "')");
                    continue;
                }
                Set<String> options = new LinkedHashSet<>();
                sub.getCommandSpec().options().forEach(o -> options.addAll(List.of(o.names())));
                Matcher o = Pattern.compile("(?<![\\w-])(--[a-z][a-z0-9-]*)").matcher(cmd);
                while (o.find()) {
                    if (!options.contains(o.group(1))) {
                        problems.add(doc + ": ./piip " + cmd.strip() + " (no option " + o.group(1) + ")");
                    }
                }
                checked++;
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(checked > 20, "the README and docs show many commands; found " + checked);
    }

    @Test
    void everyRepositoryPathNamedExists() throws Exception {
        List<String> missing = new ArrayList<>();
        Pattern path = Pattern.compile("(?<![\\w./-])((?:docs|examples|bench|recipes|\\.ci)/[\\w.-]+(?:/[\\w.-]+)*)");
        for (Path doc : DOCS) {
            Matcher m = path.matcher(Files.readString(doc));
            while (m.find()) {
                String p = m.group(1).replaceAll("[.]+$", "");
                if (!Files.exists(Path.of(p)) && !p.contains("<") && !p.startsWith("docs/fashion-mnist-runs/")) {
                    missing.add(doc + ": " + p);
                }
            }
        }
        assertEquals(List.of(), missing);
    }
}
