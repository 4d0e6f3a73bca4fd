package org.pgbackup.internal.wal;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * The name of the permanent physical replication slot that keeps a service's WAL on its server
 * until the controller has archived it: {@code pg_backup_} and the service's name, as the
 * server allows a slot to be named (lower-case letters, digits and underscores, at most 63).
 * A name that had to change gets the CRC-32 of the service's name, so that two services never
 * share a slot: {@code Shop-EU} and {@code shop_eu} are two slots.
 */
public final class SlotName {
    private static final String PREFIX = "pg_backup_";
    private static final int MAX_LENGTH = 63;

    private SlotName() {
    }

    /** The slot of a service. */
    public static String of(String service) {
        String plain = service.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        String name = PREFIX + plain;
        if (plain.equals(service) && name.length() <= MAX_LENGTH) {
            return name;
        }
        CRC32 crc = new CRC32();
        crc.update(service.getBytes(StandardCharsets.UTF_8));
        String suffix = String.format("_%08x", crc.getValue());
        return name.substring(0, Math.min(name.length(), MAX_LENGTH - suffix.length())) + suffix;
    }
}
