package io.procpool.cli;

import java.io.Console;
import java.lang.reflect.Method;

/**
 * Whether the CLI talks to a person at a terminal, so that it may show progress or ask before it deletes.
 * From JDK 22 on {@code System.console()} is not null when stdin and stdout are not a terminal (a
 * script, a pipe), and {@code Console.isTerminal()} says whether they are; the build targets Java 21,
 * which has no such method, so it is looked up when present. Stateless.
 */
final class Terminal {

    private static final Method IS_TERMINAL = isTerminalMethod();

    private Terminal() {}

    @SuppressWarnings(
            "SystemConsoleNull") // on JDK 21 it is null without a terminal; isTerminal() is asked where it exists
    static boolean attached() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        if (IS_TERMINAL == null) {
            return true; // JDK 21: a console exists only for a terminal
        }
        try {
            return (Boolean) IS_TERMINAL.invoke(console);
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    private static Method isTerminalMethod() {
        try {
            return Console.class.getMethod("isTerminal");
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
