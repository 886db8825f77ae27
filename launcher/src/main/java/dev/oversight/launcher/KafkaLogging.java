package dev.oversight.launcher;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * Kafka's own loggers (broker, clients, Streams) at ERROR for as long as the platform is being stopped on purpose:
 * what they warn of then (connections closing, a member leaving, the broker going away) is what a stop is, and
 * Ctrl-C should print "Stopping" and "stopped", not a page of warnings. Oversight's own messages are untouched, and
 * the levels are restored afterwards. Also what else warns of what is done on purpose ({@link #quiet}).
 */
final class KafkaLogging {

    private static final List<String> LOGGERS = List.of("kafka", "org.apache.kafka", "state.change.logger");

    private KafkaLogging() {}

    /** Restores the levels the loggers had. */
    interface Restore extends AutoCloseable {
        @Override
        void close();
    }

    /** Quiets Kafka's warnings; closing the result restores the levels they had. */
    static Restore quietWhileStopping() {
        return quiet(LOGGERS);
    }

    /** Quiets these loggers below ERROR; closing the result restores the levels they had. */
    static Restore quiet(List<String> loggers) {
        Map<String, Level> before = new LinkedHashMap<>();
        for (String logger : loggers) {
            Level level = LogManager.getLogger(logger).getLevel();
            before.put(logger, level);
            if (level == null || level.isLessSpecificThan(Level.ERROR)) {
                Configurator.setLevel(logger, Level.ERROR);
            }
        }
        return () -> before.forEach(Configurator::setLevel);
    }
}
