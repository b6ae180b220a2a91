package io.piip4j.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads against a server on the loopback address: whole, resumed after a drop, a wrong digest, no server at all. */
class DownloaderTest {
    @TempDir
    Path dir;
    private byte[] content;
    private String digest;

    @BeforeEach
    void makeContent() throws Exception {
        content = new byte[300_000];
        new Random(7).nextBytes(content);
        digest = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
    }

    @Test
    void downloadsWholeChecksAndKeepsTheDigestBeside() throws Exception {
        try (LoopbackServer s = new LoopbackServer()) {
            s.put("/classification/m.pth", content);
            ByteArrayOutputStream progress = new ByteArrayOutputStream();
            Path target = dir.resolve("cache/m.pth");
            Path got = new Downloader(new PrintStream(progress, true, StandardCharsets.UTF_8))
                    .fetch(s.base().resolve("classification/m.pth"), target, digest);
            assertEquals(target, got);
            assertArrayEquals(content, Files.readAllBytes(target));
            assertEquals(digest + "  m.pth\n", Files.readString(dir.resolve("cache/m.pth.sha256")));
            assertFalse(Files.exists(dir.resolve("cache/m.pth.part")));
            assertTrue(progress.toString(StandardCharsets.UTF_8).contains("m.pth"), "progress names the file: " + progress);
            // present: not fetched again, but still checked against a digest asked for
            new Downloader(null).fetch(s.base().resolve("classification/m.pth"), target, digest);
            assertEquals(1, s.ranges.size());
            DownloadException e = assertThrows(DownloadException.class,
                    () -> new Downloader(null).fetch(s.base().resolve("classification/m.pth"), target, "1".repeat(64)));
            assertTrue(e.getMessage().contains("already here") && e.getMessage().contains("delete it"), e.getMessage());
        }
    }

    @Test
    void aDroppedDownloadResumesWhereItStopped() throws Exception {
        try (LoopbackServer s = new LoopbackServer()) {
            s.put("/m.pth", content);
            Path target = dir.resolve("m.pth");
            s.cutAfter = 120_000;
            DownloadException e = assertThrows(DownloadException.class, () -> new Downloader(null).fetch(s.base().resolve("m.pth"), target, digest));
            assertTrue(e.getMessage().contains("run the same command again to resume"), e.getMessage());
            assertFalse(Files.exists(target), "no half-written target");
            long partial = Files.size(dir.resolve("m.pth.part"));
            assertTrue(partial > 0 && partial <= 120_000, "partial file kept: " + partial);
            new Downloader(null).fetch(s.base().resolve("m.pth"), target, digest);
            assertEquals(List.of("", "bytes=" + partial + "-"), s.ranges, "the second request asks for the rest only");
            assertArrayEquals(content, Files.readAllBytes(target));
        }
    }

    @Test
    void aServerIgnoringRangesStartsOver() throws Exception {
        try (LoopbackServer s = new LoopbackServer()) {
            s.put("/m.pth", content);
            Path target = dir.resolve("m.pth");
            Files.write(dir.resolve("m.pth.part"), new byte[] {1, 2, 3}); // a stale part that must not be kept
            s.ignoreRange = true;
            new Downloader(null).fetch(s.base().resolve("m.pth"), target, digest);
            assertArrayEquals(content, Files.readAllBytes(target));
        }
    }

    @Test
    void aWrongDigestRemovesTheDownload() throws Exception {
        try (LoopbackServer s = new LoopbackServer()) {
            s.put("/m.pth", content);
            Path target = dir.resolve("m.pth");
            String wrong = "0".repeat(64);
            DownloadException e = assertThrows(DownloadException.class, () -> new Downloader(null).fetch(s.base().resolve("m.pth"), target, wrong));
            assertTrue(e.getMessage().contains("SHA-256 " + digest) && e.getMessage().contains(wrong), e.getMessage());
            assertFalse(Files.exists(target));
            assertFalse(Files.exists(dir.resolve("m.pth.part")), "a corrupt download is not resumed later");
        }
    }

    @Test
    void aMissingFileIsNamed() throws Exception {
        try (LoopbackServer s = new LoopbackServer()) {
            DownloadException e = assertThrows(DownloadException.class, () -> new Downloader(null).fetch(s.base().resolve("x.pth"), dir.resolve("x.pth"), null));
            assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
        }
    }

    @Test
    void offlineSaysSoAndHowToGoOn() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort(); // closed again: nothing listens there
        }
        URI url = URI.create("http://127.0.0.1:" + port + "/m.pth");
        DownloadException e = assertThrows(DownloadException.class, () -> new Downloader(null).fetch(url, dir.resolve("m.pth"), null));
        assertTrue(e.getMessage().startsWith("cannot reach 127.0.0.1: this machine is offline"), e.getMessage());
        assertTrue(e.getMessage().contains("--weights FILE") && e.getMessage().contains("PIIP4J_MIRROR"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("m.pth")));
    }
}
