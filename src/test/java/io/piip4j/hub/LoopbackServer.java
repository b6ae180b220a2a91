package io.piip4j.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A file server on the loopback address for download tests (nothing outside this machine is
 * reachable here): serves byte arrays by path, honours {@code Range: bytes=N-} unless told not to,
 * and can cut a response short to play a dropped connection.
 */
public final class LoopbackServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    /** Every request's Range header ("" when absent), in order. */
    public final List<String> ranges = Collections.synchronizedList(new ArrayList<>());
    /** When ≥ 0, the next response sends this many body bytes and drops the connection. */
    public volatile long cutAfter = -1;
    volatile boolean ignoreRange;

    public LoopbackServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public void put(String path, byte[] content) {
        files.put(path, content);
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = files.get(ex.getRequestURI().getPath());
        String range = ex.getRequestHeaders().getFirst("Range");
        ranges.add(range == null ? "" : range);
        if (body == null) {
            ex.sendResponseHeaders(404, -1);
            ex.close();
            return;
        }
        int from = 0;
        int status = 200;
        if (range != null && !ignoreRange) {
            from = Integer.parseInt(range.replace("bytes=", "").replace("-", ""));
            if (from >= body.length) {
                ex.sendResponseHeaders(416, -1);
                ex.close();
                return;
            }
            status = 206;
            ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
        }
        int length = body.length - from;
        ex.sendResponseHeaders(status, length);
        long cut = cutAfter;
        cutAfter = -1;
        OutputStream out = ex.getResponseBody();
        if (cut >= 0 && cut < length) {
            out.write(body, from, (int) cut);
            out.flush();
            ex.close(); // closes the connection before Content-Length bytes: a dropped download
            return;
        }
        out.write(body, from, length);
        out.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
