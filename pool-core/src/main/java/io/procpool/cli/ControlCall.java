package io.procpool.cli;

import io.procpool.internal.ExitCode;
import io.procpool.internal.control.ControlClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Sends one control request for a client command and turns the answer into output and an exit code. */
final class ControlCall {

    private ControlCall() {}

    /** Calls the pool; prints {@code message} or the error; returns the exit code. */
    static int run(String command, Path runDir, Map<String, Object> request) throws IOException {
        Map<String, Object> answer = ControlClient.call(runDir, request);
        if (Boolean.TRUE.equals(answer.get("ok"))) {
            Object message = answer.get("message");
            if (message != null) {
                System.out.println(message);
            }
            return ExitCode.OK;
        }
        System.err.println("pool " + command + ": " + answer.get("error"));
        return ExitCode.FAILED;
    }
}
