package io.procpool.internal.manager;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.procpool.PoolStatus;
import io.procpool.internal.config.AdminSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager's HTTP admin endpoint ({@code http.listen}), on the JDK's HTTP server: {@code /health/live}
 * (the supervisors answer: their loops turn), {@code /health/ready} (at least {@code http.ready_min}
 * workers READY, by default every one), {@code /status} (the pool's status as JSON), {@code /metrics}
 * ({@link PoolMetrics}, Prometheus's text format). Each request runs on
 * a virtual thread of its own and asks the supervisors for their status, waiting 2 s at most.
 */
final class AdminServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final long ANSWER_MS = 2_000;

    private final AdminSettings settings;
    private final GroupSupervisors supervisors;
    private final PoolMetrics metrics;
    private HttpServer server;

    AdminServer(
            AdminSettings settings,
            GroupSupervisors supervisors,
            HandlingHistograms handlingTimes,
            IpcFrameCounts frames) {
        this.settings = settings;
        this.supervisors = supervisors;
        this.metrics = new PoolMetrics(handlingTimes::of, frames);
    }

    /** Binds {@code http.listen}; throws when it cannot (the address is taken), and the pool does not start. */
    void start() throws IOException {
        server = HttpServer.create(settings.listen(), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/health/live", ex -> answer(ex, this::live));
        server.createContext("/health/ready", ex -> answer(ex, this::ready));
        server.createContext("/status", ex -> answer(ex, s -> new Reply(200, "application/json", s.toJson() + "\n")));
        server.createContext(
                "/metrics", ex -> answer(ex, s -> new Reply(200, "text/plain; version=0.0.4", metrics.scrape(s))));
        server.start();
        log.info(
                "HTTP endpoint on http://{}:{}/ (/health/live, /health/ready, /status, /metrics)",
                server.getAddress().getHostString(),
                server.getAddress().getPort());
    }

    /** What one path answers for the pool's status. */
    private record Reply(int code, String type, String body) {}

    private interface Page {
        Reply of(PoolStatus status);
    }

    private Reply live(PoolStatus status) {
        return new Reply(
                200,
                "text/plain",
                "live: the manager answers (pid " + status.pool().pid() + ")\n");
    }

    private Reply ready(PoolStatus status) {
        int ready = status.pool().workersReady();
        int needed = needed(status, settings.readyMin());
        boolean ok = ready >= needed && ready > 0;
        return new Reply(
                ok ? 200 : 503,
                "text/plain",
                (ok ? "ready: " : "not ready: ") + ready + " of "
                        + status.pool().workersTarget() + " workers READY, " + needed + " needed\n");
    }

    /**
     * READY workers {@code /health/ready} needs: {@code http.ready_min}, else every worker of each fixed
     * group and the {@code min} of each autoscaled one (a group growing under load is not unready while
     * its new workers start).
     */
    static int needed(PoolStatus status, int readyMin) {
        if (readyMin > 0) {
            return readyMin;
        }
        int needed = 0;
        for (PoolStatus.Group g : status.groups()) {
            needed += g.autoscale().map(PoolStatus.Autoscale::min).orElse(g.workersTarget());
        }
        return needed;
    }

    private void answer(HttpExchange exchange, Page page) throws IOException {
        Reply reply;
        if (!exchange.getRequestMethod().equals("GET")
                && !exchange.getRequestMethod().equals("HEAD")) {
            reply = new Reply(405, "text/plain", "only GET and HEAD\n");
        } else if (!exchange.getRequestURI()
                .getPath()
                .equals(exchange.getHttpContext().getPath())) {
            reply = new Reply(
                    404,
                    "text/plain",
                    "no such page: " + exchange.getRequestURI().getPath() + "\n");
        } else {
            try {
                reply = page.of(supervisors.status().get(ANSWER_MS, TimeUnit.MILLISECONDS));
            } catch (TimeoutException e) {
                reply = new Reply(503, "text/plain", "the manager did not answer within " + ANSWER_MS + " ms\n");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reply = new Reply(503, "text/plain", "interrupted\n");
            } catch (Exception e) {
                reply = new Reply(500, "text/plain", "status failed: " + e + "\n");
            }
        }
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", reply.type() + "; charset=utf-8");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(reply.code(), head ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!head) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
