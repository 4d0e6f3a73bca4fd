package org.pgbackup.internal.wal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SlotNameTest {
    /** What the server takes as a slot's name: lower-case letters, digits and underscores, at most 63. */
    private static final String VALID = "[a-z0-9_]{1,63}";

    @Test
    void aPlainServiceNameIsKeptAfterThePrefix() {
        assertThat(SlotName.of("shop")).isEqualTo("pg_backup_shop");
        assertThat(SlotName.of("orders_2")).isEqualTo("pg_backup_orders_2");
    }

    @Test
    void namesTheServerWouldRefuseAreMadeValidAndStayApart() {
        String mixed = SlotName.of("Shop-EU");
        String plain = SlotName.of("shop_eu");
        assertThat(mixed).matches(VALID).startsWith("pg_backup_shop_eu_").isNotEqualTo(plain);
        String longName = "a".repeat(80);
        assertThat(SlotName.of(longName)).matches(VALID).hasSize(63)
                .isNotEqualTo(SlotName.of(longName + "b"));
    }
}
