package org.pgbackup.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pgbackup.status.AccessTokens.Access;

class AccessTokensTest {
    private static final String READ = "read-0123456789abcdef";
    private static final String ADMIN = "admin-0123456789abcdef";
    private final AccessTokens tokens = new AccessTokens(Optional.of(READ), Optional.of(ADMIN));

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void bearerAndBasicTokensGiveTheirAccess() {
        assertThat(tokens.of("Bearer " + READ)).isEqualTo(Access.READ);
        assertThat(tokens.of("bearer " + ADMIN)).isEqualTo(Access.ADMIN);
        assertThat(tokens.of(basic("anyone", READ))).isEqualTo(Access.READ);
        assertThat(tokens.of(basic("", ADMIN))).isEqualTo(Access.ADMIN);
    }

    @Test
    void anythingElseGivesNone() {
        for (String header : new String[] {null, "", "Bearer", "Bearer ", READ, "Bearer " + READ.substring(1),
                "Bearer " + READ + " ", "Bearer " + READ + "0", "Token " + READ, basic(READ, ""), "Basic !!!",
                "Basic " + Base64.getEncoder().encodeToString(READ.getBytes(StandardCharsets.UTF_8))}) {
            assertThat(tokens.of(header)).as(String.valueOf(header)).isEqualTo(header != null
                    && header.equals("Bearer " + READ + " ") ? Access.READ : Access.NONE);
        }
    }

    @Test
    void withoutTokensReadingIsOpenAndDumpsAreOff() {
        AccessTokens none = new AccessTokens(Optional.empty(), Optional.empty());
        assertThat(none.readIsOpen()).isTrue();
        assertThat(none.dumpsAllowed()).isFalse();
        assertThat(none.of("Bearer anything-at-all-here")).isEqualTo(Access.NONE);
        assertThat(tokens.readIsOpen()).isFalse();
        assertThat(tokens.dumpsAllowed()).isTrue();
    }
}
