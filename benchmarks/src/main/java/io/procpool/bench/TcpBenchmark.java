package io.procpool.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * TCP listen mode, 64 B echo: requests/s and p50/p99 latency with 1, 16 and 64 connections,
 * pipelined (each connection keeps {@link #WINDOW} requests in flight) and one-shot (connect, one request, reply, close), for a pool of 2 workers in process and in
 * base mode, against a plain Netty echo server (same framing, its own JVM) as the baseline in
 * the same run. Each row runs {@code seconds} after one second of warm-up that is not counted;
 * the load comes from one Netty event-loop thread ({@link LoadClient}).
 *
 * <p>Run: {@code bin/bench tcp [seconds]}.
 */
public final class TcpBenchmark {

    private static final int WINDOW = 16;

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path work = Files.createTempDirectory("procpool-bench-tcp");
        List<String> rows = new ArrayList<>();
        double[][] baseline = new double[2][3];
        String[] targets = {"netty", "base", "process"};
        int[] connections = {1, 16, 64};
        for (String target : targets) {
            int port = freePort();
            Process server = startServer(target, port, work.resolve(target));
            try {
                for (int kind = 0; kind < 2; kind++) {
                    boolean pipelined = kind == 0;
                    for (int c = 0; c < connections.length; c++) {
                        double[] r = new LoadClient(port).run(connections[c], WINDOW, pipelined, seconds);
                        if (target.equals("netty")) {
                            baseline[kind][c] = r[0];
                        }
                        rows.add(String.format(
                                "| %s | %s | %d | %,.0f | %.2f | %.2f | %.2fx |",
                                target.equals("netty") ? "Netty echo (baseline)" : "pool, " + target + " mode",
                                pipelined ? "pipelined" : "one-shot",
                                connections[c],
                                r[0],
                                r[1] / 1e6,
                                r[2] / 1e6,
                                r[0] / baseline[kind][c]));
                    }
                }
            } finally {
                stopServer(target, server, work.resolve(target));
            }
        }
        System.out.printf(
                "%nTCP echo, 64 B, 2 workers, %s, %d CPUs, %d s per row%n%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), seconds);
        System.out.println("| server | requests | connections | req/s | p50 ms | p99 ms | vs baseline |");
        System.out.println("|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    private static Process startServer(String target, int port, Path dir) throws Exception {
        if (target.equals("netty")) {
            Files.createDirectories(dir);
            Process p = new ProcessBuilder(
                            BenchPool.JAVA,
                            "-cp",
                            System.getProperty("java.class.path"),
                            NettyEchoServer.class.getName(),
                            Integer.toString(port))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            dir.resolve("netty.log").toFile()))
                    .start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    return p;
                } catch (IOException e) {
                    Thread.sleep(20);
                }
            }
            p.destroyForcibly();
            throw new IllegalStateException("the Netty echo server did not start");
        }
        return BenchPool.start(
                dir,
                "consumer: " + EchoConsumer.class.getName() + "\nworkers: 2\n"
                        + "source: {type: tcp, mode: " + target + ", listen: '127.0.0.1:" + port + "'"
                        + (target.equals("process") ? ", prefetch: 1024" : "") + "}\n"
                        + System.getenv().getOrDefault("BENCH_POOL_YAML", "").replace(";", "\n") + "\n");
    }

    private static void stopServer(String target, Process p, Path dir) throws Exception {
        if (target.equals("netty")) {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
            p.destroyForcibly();
        } else {
            BenchPool.stop(dir, p);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
