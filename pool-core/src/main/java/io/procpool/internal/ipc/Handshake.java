package io.procpool.internal.ipc;

import io.procpool.internal.config.WorkerSettings;
import java.nio.ByteBuffer;
import java.util.Map;

/** The frames that start a worker's connection: its HELLO, and the manager's WELCOME. Immutable records; any thread. */
public final class Handshake {

    private Handshake() {}

    /** HELLO: the worker's identity, as the manager gave it on the command line. */
    public record Hello(long workerId, int slot, long pid) {
        public byte[] encode() {
            return ByteBuffer.allocate(20)
                    .putLong(workerId)
                    .putInt(slot)
                    .putLong(pid)
                    .array();
        }

        public static Hello decode(byte[] b) {
            return Wire.read(b, "HELLO", in -> new Hello(in.getLong(), in.getInt(), in.getLong()));
        }
    }

    /** WELCOME: the settings the worker runs with. */
    public record Welcome(WorkerSettings settings) {
        public byte[] encode() {
            Map<String, String> wire = settings.toWire();
            ByteBuffer out = ByteBuffer.allocate(Wire.mapSize(wire));
            Wire.putMap(out, wire);
            return out.array();
        }

        /**
         * Reads a WELCOME payload.
         *
         * @throws IpcProtocolException when the payload is garbled or lacks a setting
         */
        public static Welcome decode(byte[] b) {
            Map<String, String> wire = Wire.read(b, "WELCOME", Wire::getMap);
            try {
                return new Welcome(WorkerSettings.fromWire(wire));
            } catch (IllegalArgumentException e) {
                throw new IpcProtocolException(e.getMessage());
            }
        }
    }
}
