package io.converged.gluster.csi.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class LogSetupTest {

    /** early() must run before any logger exists, so LogSetup itself may hold none in static fields. */
    @Test
    void logSetupHoldsNoLoggerThatWouldStartTheDefaultLogManagerEarly() {
        List<Class<?>> staticTypes = Arrays.stream(LogSetup.class.getDeclaredFields())
                .filter(f -> Modifier.isStatic(f.getModifiers()))
                .<Class<?>>map(Field::getType)
                .toList();
        assertThat(staticTypes).doesNotContain(Logger.class);
    }
}
