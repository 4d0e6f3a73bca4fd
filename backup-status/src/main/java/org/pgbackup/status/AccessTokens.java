package org.pgbackup.status;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;

/**
 * Who a request is, by the token in its {@code Authorization} header: {@code Bearer <token>},
 * or for a browser's own login prompt {@code Basic} with the token as the password (any user
 * name). Tokens are compared as SHA-256 digests with {@link MessageDigest#isEqual}, so that
 * neither the time taken nor the length tells anything of the right one.
 */
final class AccessTokens {
    /** What a request may do. */
    enum Access {
        NONE, READ, ADMIN
    }

    private final Optional<byte[]> read;
    private final Optional<byte[]> admin;

    AccessTokens(Optional<String> read, Optional<String> admin) {
        this.read = read.map(AccessTokens::digest);
        this.admin = admin.map(AccessTokens::digest);
    }

    /** Whether the page and the read API are open to anyone. */
    boolean readIsOpen() {
        return read.isEmpty();
    }

    /** Whether dumps can be started over HTTP at all. */
    boolean dumpsAllowed() {
        return admin.isPresent();
    }

    /** What the holder of this header may do; a missing or malformed header is {@link Access#NONE}. */
    Access of(String authorization) {
        Optional<byte[]> given = token(authorization).map(AccessTokens::digest);
        if (given.isEmpty()) {
            return Access.NONE;
        }
        // Both are compared every time, so the time taken does not tell which one matched.
        boolean isAdmin = admin.map(a -> MessageDigest.isEqual(a, given.get())).orElse(false);
        boolean isReader = read.map(r -> MessageDigest.isEqual(r, given.get())).orElse(false);
        return isAdmin ? Access.ADMIN : isReader ? Access.READ : Access.NONE;
    }

    private static Optional<String> token(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        int space = authorization.indexOf(' ');
        if (space < 0) {
            return Optional.empty();
        }
        String scheme = authorization.substring(0, space);
        String value = authorization.substring(space + 1).trim();
        if (scheme.equalsIgnoreCase("Bearer")) {
            return Optional.of(value).filter(v -> !v.isEmpty());
        }
        if (scheme.equalsIgnoreCase("Basic")) {
            try {
                String pair = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                return colon < 0 ? Optional.empty() : Optional.of(pair.substring(colon + 1)).filter(v -> !v.isEmpty());
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK lacks SHA-256", e);
        }
    }
}
