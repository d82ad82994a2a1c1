package io.procpool.logging;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A logger's level: the most specific procpool.log.level.<prefix>, else procpool.log.level, else info. */
class ProcpoolLoggerTest {

    @Test
    void theMostSpecificPrefixSetsTheLevelAndInfoIsTheDefault() {
        System.setProperty("procpool.log.level.com.acme", "debug");
        System.setProperty("procpool.log.level.com.acme.quiet", "error");
        try {
            ProcpoolLogger acme = new ProcpoolLogger("com.acme.OrderConsumer");
            assertTrue(acme.isDebugEnabled());
            assertFalse(acme.isTraceEnabled());
            ProcpoolLogger quiet = new ProcpoolLogger("com.acme.quiet.Thing");
            assertFalse(quiet.isWarnEnabled());
            assertTrue(quiet.isErrorEnabled());
            ProcpoolLogger other = new ProcpoolLogger("org.other.X");
            assertTrue(other.isInfoEnabled());
            assertFalse(other.isDebugEnabled());
        } finally {
            System.clearProperty("procpool.log.level.com.acme");
            System.clearProperty("procpool.log.level.com.acme.quiet");
        }
    }
}
