package org.pgbackup.config;

import java.util.List;
import java.util.Optional;
import org.pgbackup.spi.Settings;

/** {@code HTTP_PORT}, {@code HTTP_ADDRESS} and the status page's tokens, from the environment. */
final class StatusPageReader {
    private StatusPageReader() {
    }

    /**
     * The status page is on the metrics port unless {@code HTTP_PORT} moves it; tokens without a
     * port, and short tokens, are reported to {@code variables} without their values.
     */
    static Optional<StatusPageSettings> read(Settings variables, Optional<Integer> metricsPort) {
        Optional<Integer> port = variables.text("HTTP_PORT").isPresent()
                ? Optional.of((int) variables.whole("HTTP_PORT", 9187, 1, 65535, "a port from 1 to 65535"))
                : metricsPort;
        Optional<String> read = variables.text("HTTP_READ_TOKEN");
        Optional<String> admin = variables.text("HTTP_ADMIN_TOKEN");
        for (String name : List.of("HTTP_READ_TOKEN", "HTTP_ADMIN_TOKEN")) {
            variables.text(name).filter(t -> t.length() < StatusPageSettings.MIN_TOKEN_LENGTH || t.isBlank())
                    .ifPresent(t -> variables.invalid(name, "a token of at least " + StatusPageSettings.MIN_TOKEN_LENGTH
                            + " characters, such as the output of `openssl rand -hex 32`", "(" + t.length()
                            + " characters)"));
        }
        if (port.isEmpty() && (read.isPresent() || admin.isPresent())) {
            variables.invalid(read.isPresent() ? "HTTP_READ_TOKEN" : "HTTP_ADMIN_TOKEN",
                    "set only with HTTP_PORT or METRICS_PORT, where the status page is served", "(set)");
        }
        return port.map(p -> new StatusPageSettings(p, variables.text("HTTP_ADDRESS").orElse("0.0.0.0"), read, admin));
    }
}
