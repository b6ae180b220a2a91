package io.piip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The top level of the command line: no command, {@code help}, {@code --version}. */
class MainCommandTest {
    @Test
    void noCommandListsTheCommandsAndIsAUsageError() {
        CliRun run = CliRun.of();
        assertEquals(2, run.exitCode());
        for (String cmd : new String[] {"classify", "forward", "info", "fetch", "bench", "coco-eval", "help"}) {
            assertTrue(run.err().contains("\n  " + cmd + " ") || run.err().contains("\n  " + cmd + "\n"), cmd + " missing from:\n" + run.err());
        }
        assertEquals("", run.out());
    }

    @Test
    void helpNamesACommandsUsage() {
        CliRun run = CliRun.of("help", "fetch");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("Usage: piip fetch"), run.out());
        assertTrue(run.out().contains("Example:") && run.out().contains("  piip fetch piip-tsb-cls-368"), run.out());
    }

    @Test
    void everyCommandHasAOneLineSummaryAndAnExample() {
        picocli.CommandLine cli = new picocli.CommandLine(new Main());
        cli.getSubcommands().forEach((name, sub) -> {
            if (name.equals("help")) {
                return;
            }
            picocli.CommandLine.Model.UsageMessageSpec usage = sub.getCommandSpec().usageMessage();
            assertEquals(1, usage.header().length, name + ": one header line");
            assertTrue(usage.header()[0].endsWith("."), name + ": the summary is a sentence: " + usage.header()[0]);
            String help = sub.getUsageMessage();
            assertTrue(help.contains("Example") && help.contains("  piip " + name), name + ": an example of itself in --help:\n" + help);
        });
    }

    @Test
    void versionIsTheBuildsVersion() throws Exception {
        Matcher m = Pattern.compile("<artifactId>piip4j</artifactId>\\s*<version>([^<]+)</version>").matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(m.find());
        CliRun run = CliRun.of("--version");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().startsWith("piip4j " + m.group(1) + " "), run.out());
    }
}
