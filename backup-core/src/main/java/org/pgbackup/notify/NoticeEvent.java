package org.pgbackup.notify;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** What a notification can be about, as {@code ?events=} names it on a channel URL. */
public enum NoticeEvent {
    /** A service's dump failed: nothing new was stored. */
    BACKUP_FAILED("backup.failed", true),
    /** A service's archive was stored, but not in every destination, or retention failed. */
    BACKUP_INCOMPLETE("backup.incomplete", true),
    /** A service's archive is in every destination. */
    BACKUP_SUCCEEDED("backup.succeeded", false),
    /** Another controller was backing the database up, so this one left the slot to it. */
    BACKUP_SKIPPED("backup.skipped", false),
    /** A restore drill failed. */
    DRILL_FAILED("drill.failed", true),
    /** A restore drill passed. */
    DRILL_SUCCEEDED("drill.succeeded", false),
    /** A base backup for point-in-time recovery failed. */
    BASE_BACKUP_FAILED("basebackup.failed", true),
    /** A base backup for point-in-time recovery is in every destination. */
    BASE_BACKUP_SUCCEEDED("basebackup.succeeded", false),
    /** WAL streaming could not start, or met a gap (its slot was dropped). */
    WAL_FAILED("wal.failed", true);

    private final String id;
    private final boolean failure;

    NoticeEvent(String id, boolean failure) {
        this.id = id;
        this.failure = failure;
    }

    /** The name in {@code ?events=} and in the JSON's {@code event}: {@code backup.failed}. */
    public String id() {
        return id;
    }

    /** Whether someone should act on it. */
    public boolean failure() {
        return failure;
    }

    /** What a channel gets without {@code ?events=}: every failure. */
    public static Set<NoticeEvent> failures() {
        return Arrays.stream(values()).filter(NoticeEvent::failure)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(NoticeEvent.class)));
    }

    /** An event by its name, or {@code all} for every one; empty when unknown. */
    public static Optional<Set<NoticeEvent>> parse(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        if (wanted.equals("all")) {
            return Optional.of(EnumSet.allOf(NoticeEvent.class));
        }
        return Arrays.stream(values()).filter(e -> e.id.equals(wanted)).findFirst().map(EnumSet::of);
    }

    /** Every name {@link #parse} accepts, for messages. */
    public static String names() {
        return Arrays.stream(values()).map(NoticeEvent::id).collect(Collectors.joining(", ")) + " or all";
    }
}
