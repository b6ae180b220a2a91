package io.piip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.hub.CheckpointSource;
import io.piip4j.hub.LoopbackServer;
import io.piip4j.hub.WeightCache;
import io.piip4j.testing.Golden;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code piip fetch NAME} and {@code --weights NAME} end to end, against a loopback server standing
 * in for the official host (set as the mirror), with the cache in a temporary folder.
 */
class FetchCommandTest {
    private static final String NAME = "piip-tsb-cls-368";
    @TempDir
    Path home;
    private LoopbackServer server;

    @BeforeEach
    void start() throws Exception {
        server = new LoopbackServer();
        System.setProperty(WeightCache.HOME_PROPERTY, home.toString());
        System.setProperty(CheckpointSource.MIRROR_PROPERTY, server.base().toString());
    }

    @AfterEach
    void stop() {
        server.close();
        System.clearProperty(WeightCache.HOME_PROPERTY);
        System.clearProperty(CheckpointSource.MIRROR_PROPERTY);
    }

    private static String path() {
        return "/" + CheckpointSource.of(NAME).orElseThrow().path();
    }

    @Test
    void theOfficialAddressIsTheProjectsModelTable() {
        CheckpointSource s = CheckpointSource.of(NAME).orElseThrow();
        System.clearProperty(CheckpointSource.MIRROR_PROPERTY);
        assertEquals("https://huggingface.co/OpenGVLab/PIIP/resolve/main/classification/piip_3branch_tsb_368-192-128_cls_token_deit1.pth",
                s.url().toString());
    }

    @Test
    void fetchDownloadsIntoTheCacheAndPrintsThePath() throws Exception {
        byte[] file = Files.readAllBytes(Golden.file("cls3_deit_merged", "weights.pth"));
        server.put(path(), file);
        CliRun run = CliRun.of("fetch", NAME);
        assertEquals(0, run.exitCode(), run.err());
        Path cached = home.resolve("checkpoints/piip_3branch_tsb_368-192-128_cls_token_deit1.pth");
        assertEquals(cached.toString(), run.out().strip());
        assertTrue(java.util.Arrays.equals(file, Files.readAllBytes(cached)));
        // --weights NAME now reads the cached file (here the golden case's weights under the zoo file name)
        Path caseDir = Golden.file("cls3_deit_merged");
        Path out = home.resolve("out");
        CliRun fwd = CliRun.of("forward", "--config", caseDir.resolve("case.json").toString(), "--weights", NAME, "--input",
                caseDir.resolve("io.pth").toString(), "--output-dir", out.toString());
        assertEquals(0, fwd.exitCode(), fwd.err());
        assertTrue(Files.isRegularFile(out.resolve("output_0.npy")));
    }

    @Test
    void weightsByNameNeedConsentToDownload() throws Exception {
        Path caseDir = Golden.file("cls3_deit_merged");
        server.put(path(), Files.readAllBytes(caseDir.resolve("weights.pth")));
        String[] args = {"forward", "--config", caseDir.resolve("case.json").toString(), "--weights", NAME, "--input",
            caseDir.resolve("io.pth").toString(), "--output-dir", home.resolve("out").toString()};
        CliRun refused = CliRun.of(args);
        assertEquals(1, refused.exitCode());
        assertTrue(refused.errorLine().contains("weights not downloaded yet") && refused.errorLine().contains("piip fetch " + NAME),
                refused.err());
        assertEquals(0, server.ranges.size(), "nothing was downloaded without consent");
        String[] withDownload = java.util.Arrays.copyOf(args, args.length + 1);
        withDownload[args.length] = "--download";
        CliRun ok = CliRun.of(withDownload);
        assertEquals(0, ok.exitCode(), ok.err());
        assertEquals(1, server.ranges.size());
    }

    @Test
    void aWrongChecksumOrAnUnknownNameIsOneLine() {
        server.put(path(), new byte[] {1, 2, 3});
        CliRun wrong = CliRun.of("fetch", NAME, "--sha256", "ab".repeat(32));
        assertEquals(1, wrong.exitCode());
        String last = lastLine(wrong.err()); // after the download's progress lines
        assertTrue(last.startsWith("piip: ") && last.contains("differs from the expected") && !wrong.err().contains("\tat "), wrong.err());
        assertTrue(!Files.exists(home.resolve("checkpoints/piip_3branch_tsb_368-192-128_cls_token_deit1.pth")));
        CliRun unknown = CliRun.of("fetch", "piip-tsb-cls-369");
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.errorLine().contains("did you mean piip-tsb-cls-368"), unknown.err());
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1];
    }

    @Test
    void offlineIsOneLineWithTheWayForward() throws Exception {
        server.close(); // nothing listens at the mirror any more
        CliRun run = CliRun.of("fetch", NAME);
        assertEquals(1, run.exitCode());
        assertTrue(run.errorLine().contains("offline"), run.err());
    }
}
