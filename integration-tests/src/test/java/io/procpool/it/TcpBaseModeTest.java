package io.procpool.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.procpool.PoolStatus.WorkerState;
import io.procpool.testkit.PoolProcess;
import io.procpool.testkit.consumers.EchoConsumer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The pool-tcp issue in base mode: every worker binds the port with SO_REUSEPORT; and delimiter framing. */
@Timeout(120)
class TcpBaseModeTest {

    @TempDir
    Path dir;

    @Test
    void workersShareThePortAndAnswerPipelinedRequestsInOrder() throws Exception {
        int port = FrameClient.freePort();
        String yaml = Pools.yaml(
                EchoConsumer.class.getName(),
                2,
                dir,
                "source.type: tcp",
                "source.mode: base",
                "source.listen: 127.0.0.1:" + port,
                "concurrency: 4",
                "app.jitter_us: 200");
        try (PoolProcess pool = PoolProcess.start(dir, yaml)) {
            pool.awaitReady(2, Duration.ofSeconds(60));
            ExecutorService clients = Executors.newFixedThreadPool(16);
            try {
                List<Future<List<String>>> results = new ArrayList<>();
                for (int c = 0; c < 16; c++) {
                    int conn = c;
                    results.add(clients.submit(() -> {
                        try (FrameClient client = new FrameClient(port, 30_000)) {
                            for (int i = 0; i < 100; i++) {
                                client.send("b" + conn + "-" + i);
                            }
                            List<String> got = new ArrayList<>();
                            for (int i = 0; i < 100; i++) {
                                got.add(client.read());
                            }
                            return got;
                        }
                    }));
                }
                for (int c = 0; c < 16; c++) {
                    List<String> expected = new ArrayList<>();
                    for (int i = 0; i < 100; i++) {
                        expected.add("b" + c + "-" + i);
                    }
                    assertThat(results.get(c).get(60, TimeUnit.SECONDS)).containsExactlyElementsOf(expected);
                }
            } finally {
                clients.shutdownNow();
            }
            assertThat(pool.log()).contains("listening on 127.0.0.1:" + port + " (base mode");
            assertThat(pool.status().workers())
                    .allSatisfy(w -> assertThat(w.state()).isEqualTo(WorkerState.READY));
        }
    }

    @Test
    void delimiterFramingSplitsOnTheDelimiterAndRepliesWithIt() throws Exception {
        int port = FrameClient.freePort();
        String yaml = Pools.yaml(
                EchoConsumer.class.getName(),
                1,
                dir,
                "source.type: tcp",
                "source.listen: 127.0.0.1:" + port,
                "source.framing: delimiter",
                "source.delimiter: '\\n'",
                "source.max_frame_bytes: 64");
        try (PoolProcess pool = PoolProcess.start(dir, yaml)) {
            pool.awaitReady(1, Duration.ofSeconds(60));
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                out.write("one\ntwo\nthr".getBytes(StandardCharsets.UTF_8));
                out.flush();
                assertThat(in.readLine()).isEqualTo("one");
                assertThat(in.readLine()).isEqualTo("two");
                out.write("ee\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                assertThat(in.readLine()).isEqualTo("three");
                out.write(("x".repeat(100) + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                assertThat(in.read())
                        .as("a line over max_frame_bytes closes the connection")
                        .isEqualTo(-1);
            }
        }
    }

    @Test
    void tlsOnTheListener() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        PoolProcess.CliResult made;
        try {
            made = PoolProcess.run(
                    List.of(
                            "openssl",
                            "req",
                            "-x509",
                            "-newkey",
                            "rsa:2048",
                            "-nodes",
                            "-keyout",
                            key.toString(),
                            "-out",
                            cert.toString(),
                            "-days",
                            "1",
                            "-subj",
                            "/CN=localhost"),
                    dir);
        } catch (java.io.IOException e) {
            made = new PoolProcess.CliResult(-1, e.toString());
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(
                made.exitCode() == 0,
                "this test makes a self-signed certificate with openssl: install it (apt-get install openssl); "
                        + made.output());
        int port = FrameClient.freePort();
        String yaml = Pools.yaml(
                EchoConsumer.class.getName(),
                1,
                dir,
                "source.type: tcp",
                "source.listen: 127.0.0.1:" + port,
                "source.tls_cert: " + cert,
                "source.tls_key: " + key);
        try (PoolProcess pool = PoolProcess.start(dir, yaml)) {
            pool.awaitReady(1, Duration.ofSeconds(60));
            javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
            ssl.init(
                    null,
                    new javax.net.ssl.TrustManager[] {
                        new javax.net.ssl.X509TrustManager() {
                            @Override
                            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String auth) {}

                            @Override
                            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String auth) {}

                            @Override
                            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                                return new java.security.cert.X509Certificate[0];
                            }
                        }
                    },
                    null); // the test's own self-signed certificate: trust it
            try (Socket s = ssl.getSocketFactory().createSocket("127.0.0.1", port)) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(FrameClient.frame("over tls"));
                java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
                byte[] body = new byte[in.readInt()];
                in.readFully(body);
                assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("over tls");
            }
            try (FrameClient plain = new FrameClient(port, 5_000)) {
                plain.send("not tls");
                assertThat(plain.closedByServer())
                        .as("a plain-text client on a TLS port")
                        .isTrue();
            }
            assertThat(pool.log()).contains("TLS)");
        }
    }
}
