package org.pgbackup.config;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Where {@code start} serves its status page and API, and who may use them.
 *
 * <p>Immutable; {@link #toString()} masks the tokens.
 *
 * @param port {@code HTTP_PORT}, by default {@code METRICS_PORT}: one port for the page, the
 *     API and the metrics
 * @param address {@code HTTP_ADDRESS}, the address to listen on (default {@code 0.0.0.0},
 *     every interface, as a container needs)
 * @param readToken {@code HTTP_READ_TOKEN}: when set, the page and the read API answer only
 *     requests that carry it (or the admin token) as a bearer token
 * @param adminToken {@code HTTP_ADMIN_TOKEN}: what a request that starts a dump must carry;
 *     when unset, nothing can be started over HTTP
 */
public record StatusPageSettings(int port, String address, Optional<String> readToken, Optional<String> adminToken) {
    /** The fewest characters a token may have: a short one can be guessed. */
    public static final int MIN_TOKEN_LENGTH = 16;

    public StatusPageSettings {
        requireNonNull(address, "address is null");
        requireNonNull(readToken, "readToken is null");
        requireNonNull(adminToken, "adminToken is null");
    }

    @Override
    public String toString() {
        return "StatusPageSettings[port=" + port + ", address=" + address + ", readToken="
                + readToken.map(t -> "****").orElse("none") + ", adminToken=" + adminToken.map(t -> "****")
                        .orElse("none") + "]";
    }
}
