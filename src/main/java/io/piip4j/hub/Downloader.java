package io.piip4j.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Downloads one file into place: into {@code NAME.part} beside the target, resumed with an HTTP
 * range request where an earlier attempt stopped, checked against its SHA-256 when one is known,
 * then renamed onto the target, so the target is either absent or whole. The file's SHA-256 is
 * written beside it ({@code NAME.sha256}) for later checks and for pinning.
 */
public final class Downloader {
    private final HttpClient http;
    private final PrintStream progress;

    /** Progress goes to {@code progress} (a bar on a terminal, a line every few seconds elsewhere), or nowhere if null. */
    public Downloader(PrintStream progress) {
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(20)).build();
        this.progress = progress;
    }

    /**
     * Fetches {@code url} to {@code target} unless it is already there; returns the target.
     *
     * @param sha256 the expected lower-case hex SHA-256, or null where none is published
     */
    public Path fetch(URI url, Path target, String sha256) {
        if (Files.isRegularFile(target)) {
            String have = sha256 == null ? null : sha256(target); // hashed once: checkpoints run to gigabytes
            if (have != null && !sha256.equalsIgnoreCase(have)) {
                throw new DownloadException(target + ": already here but its SHA-256 " + have + " differs from the expected "
                        + sha256.toLowerCase(Locale.ROOT) + "; delete it to download again");
            }
            return target;
        }
        Path part = target.resolveSibling(target.getFileName() + ".part");
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            long have = Files.isRegularFile(part) ? Files.size(part) : 0;
            HttpRequest.Builder req = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(5)).GET();
            if (have > 0) {
                req.header("Range", "bytes=" + have + "-");
            }
            HttpResponse<InputStream> res = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            int status = res.statusCode();
            boolean resumed = status == 206;
            if (status == 416 && have > 0) {
                res.body().close();
                return finish(url, part, target, sha256); // the earlier attempt had the whole file already
            }
            if (status != 200 && !resumed) {
                res.body().close();
                throw new DownloadException(url + ": the server answered HTTP " + status + (status == 404 ? " (no such file)" : ""));
            }
            long start = resumed ? have : 0;
            long total = res.headers().firstValueAsLong("Content-Length").orElse(-1);
            total = total < 0 ? -1 : total + start;
            copy(res.body(), part, resumed, start, total, target.getFileName().toString());
            if (total >= 0 && Files.size(part) != total) {
                throw interrupted(url, part, total, null);
            }
            return finish(url, part, target, sha256);
        } catch (ConnectException | UnknownHostException | HttpConnectTimeoutException e) {
            throw new DownloadException("cannot reach " + url.getHost() + ": this machine is offline or the address is blocked; "
                    + "download " + url + " elsewhere and pass the file with --weights FILE, or set PIIP4J_MIRROR to a reachable copy", e);
        } catch (IOException e) {
            throw interrupted(url, part, -1, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DownloadException(url + ": download interrupted; run the same command again to resume", e);
        }
    }

    private static DownloadException interrupted(URI url, Path part, long total, IOException cause) {
        long have;
        try {
            have = Files.isRegularFile(part) ? Files.size(part) : 0;
        } catch (IOException e) {
            have = 0;
        }
        return new DownloadException(String.format(Locale.ROOT, "%s: the download stopped after %s%s%s; run the same command again to resume",
                url, megabytes(have), total > 0 ? " of " + megabytes(total) : "", cause == null || cause.getMessage() == null ? ""
                        : " (" + cause.getMessage() + ")"), cause);
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    private void copy(InputStream body, Path part, boolean append, long start, long total, String name) throws IOException {
        try (InputStream in = body;
                OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
                ProgressBar bar = bar(name, start, total)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                if (bar != null) {
                    bar.stepBy(n);
                }
            }
        }
    }

    private ProgressBar bar(String name, long start, long total) {
        if (progress == null) {
            return null;
        }
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(name).setInitialMax(total).setUnit(" MB", 1_000_000)
                .showSpeed().setStyle(ProgressBarStyle.ASCII).setMaxRenderedLength(120).startsFrom(start, Duration.ZERO);
        if (System.console() != null) {
            b.setConsumer(new ConsoleProgressBarConsumer(progress)).setUpdateIntervalMillis(500);
        } else {
            b.setConsumer(new DelegatingProgressBarConsumer(progress::println, 120)).setUpdateIntervalMillis(10_000);
        }
        return b.build();
    }

    /** Checks the finished part file and renames it onto the target, with its digest beside it. */
    private static Path finish(URI url, Path part, Path target, String sha256) throws IOException {
        String actual = sha256(part);
        if (sha256 != null && !sha256.equalsIgnoreCase(actual)) {
            Files.deleteIfExists(part);
            throw new DownloadException(url + ": SHA-256 " + actual + " differs from the expected " + sha256.toLowerCase(Locale.ROOT)
                    + "; the download was removed (a changed or corrupt file): run again, or check the source");
        }
        Path digest = target.resolveSibling(target.getFileName() + ".sha256");
        Files.writeString(digest, actual + "  " + target.getFileName() + "\n");
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    /** The lower-case hex SHA-256 of a file. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
