package io.procpool.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Installs POSIX signal handlers through {@code sun.misc.Signal}, reached reflectively from
 * this one class because javac's "internal proprietary API" warning cannot be suppressed (JDK 17
 * and 25). Handlers run on a JVM signal thread: they must only hand the signal on (the manager puts
 * an event on its supervisor's queue), never do the work themselves.
 */
public final class Signals {

    private Signals() {}

    /**
     * Routes signal {@code name} ("TERM", "USR1", …) to {@code handler}.
     *
     * @return false when this JVM does not let the signal be handled
     */
    public static boolean handle(String name, Runnable handler) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object signal = signalClass.getConstructor(String.class).newInstance(name);
            InvocationHandler call = (proxy, method, args) -> {
                if (method.getName().equals("handle")) {
                    handler.run();
                    return null;
                }
                return objectMethod(proxy, method, args);
            };
            Object proxy = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerClass}, call);
            signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, proxy);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** Ignores signal {@code name} (a worker ignores the terminal's Ctrl-C; its manager decides). */
    public static boolean ignore(String name) {
        return handle(name, () -> {});
    }

    private static Object objectMethod(Object proxy, Method method, Object[] args) {
        return switch (method.getName()) {
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> "SignalHandler";
        };
    }
}
