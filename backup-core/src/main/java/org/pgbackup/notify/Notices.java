package org.pgbackup.notify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import org.pgbackup.controller.DrillResult;
import org.pgbackup.controller.DumpResult;
import org.pgbackup.error.BackupException;
import org.pgbackup.internal.channel.JsonBody;
import org.pgbackup.naming.BackupKind;
import org.pgbackup.pitr.BaseBackupResult;
import org.pgbackup.spi.channel.Notice;

/**
 * Words what happened, once for people (a title and a few lines: what, the error line, where
 * to look) and once as the JSON event the generic webhook posts, so that every channel says
 * the same thing.
 */
public final class Notices {
    private static final int MAX_ERROR = 600;

    private final Clock clock;

    /** @param clock when things happen, for each notice's time */
    public Notices(Clock clock) {
        this.clock = clock;
    }

    /** A dump that stored its archive, in every destination or not. */
    public Notice backup(DumpResult result) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        NoticeEvent event = result.complete() ? NoticeEvent.BACKUP_SUCCEEDED : NoticeEvent.BACKUP_INCOMPLETE;
        String stored = result.name().fileName() + " (" + bytes(result.size()) + ", dumped in "
                + seconds(result.duration()) + ")";
        String text;
        if (result.complete()) {
            text = stored + " is stored in " + String.join(", ", result.storedIn()) + ".";
        } else {
            StringBuilder lines = new StringBuilder(stored).append(" is stored in ")
                    .append(result.storedIn().isEmpty() ? "no destination" : String.join(", ", result.storedIn()))
                    .append(", but not everything worked:");
            result.failedDestinations().forEach((destination, why) -> lines.append("\n- ").append(destination)
                    .append(": ").append(why));
            lines.append("\nWhere to look: the controller's log at ").append(now).append("; the next run copies the")
                    .append(" archive where it is missing, and 'controller sync ").append(result.service())
                    .append("' copies it now.");
            text = lines.toString();
        }
        String title = "Backup of '" + result.service() + "' " + (result.complete() ? "succeeded" : "is incomplete");
        return new Notice(event.id(), result.service(), now, event.failure(), title, text, JsonBody.of(json -> {
            json.writeStringField("event", event.id());
            json.writeStringField("service", result.service());
            json.writeStringField("kind", result.name().kind().label());
            json.writeStringField("archive", result.name().fileName());
            json.writeNumberField("sizeBytes", result.size());
            json.writeNumberField("durationMillis", result.duration().toMillis());
            json.writeArrayFieldStart("storedIn");
            for (String destination : result.storedIn()) {
                json.writeString(destination);
            }
            json.writeEndArray();
            json.writeObjectFieldStart("failedDestinations");
            for (Map.Entry<String, String> failed : result.failedDestinations().entrySet()) {
                json.writeStringField(failed.getKey(), failed.getValue());
            }
            json.writeEndObject();
            json.writeStringField("time", now.toString());
        }));
    }

    /** A dump that failed: nothing new was stored. */
    public Notice backupFailed(String service, BackupKind kind, Duration duration, BackupException failure) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        NoticeEvent event = NoticeEvent.BACKUP_FAILED;
        String text = "The dump of '" + service + "' failed after " + seconds(duration)
                + "; nothing new was stored, and the archives already stored are kept.\nError: "
                + firstLine(failure.getMessage()) + "\nWhere to look: the controller's log at " + now
                + "; 'controller list " + service + "' shows the newest archive.";
        return new Notice(event.id(), service, now, true, "Backup of '" + service + "' failed", text,
                JsonBody.of(json -> {
                    json.writeStringField("event", event.id());
                    json.writeStringField("service", service);
                    json.writeStringField("kind", kind.label());
                    json.writeNumberField("durationMillis", duration.toMillis());
                    json.writeStringField("error", failure.getMessage());
                    json.writeStringField("time", now.toString());
                }));
    }

    /** A slot left to another controller, which holds the database's backup lock. */
    public Notice backupSkipped(String service, BackupKind kind, BackupException reason) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        NoticeEvent event = NoticeEvent.BACKUP_SKIPPED;
        String text = "Another controller is backing up '" + service + "', so this one left the slot to it.\n"
                + firstLine(reason.getMessage());
        return new Notice(event.id(), service, now, false, "Backup of '" + service + "' skipped", text,
                JsonBody.of(json -> {
                    json.writeStringField("event", event.id());
                    json.writeStringField("service", service);
                    json.writeStringField("kind", kind.label());
                    json.writeStringField("reason", reason.getMessage());
                    json.writeStringField("time", now.toString());
                }));
    }

    /** A restore drill that passed. */
    public Notice drill(DrillResult result) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        NoticeEvent event = NoticeEvent.DRILL_SUCCEEDED;
        String text = result.archive() + " was restored on " + result.server() + " in " + seconds(result.duration())
                + ": " + result.tables() + " tables, " + result.rowCountsCompared() + " row counts compared.";
        return new Notice(event.id(), result.service(), now, false, "Restore drill of '" + result.service()
                + "' passed", text, JsonBody.of(json -> {
                    json.writeStringField("event", event.id());
                    json.writeStringField("service", result.service());
                    json.writeStringField("archive", result.archive());
                    json.writeStringField("server", result.server());
                    json.writeNumberField("tables", result.tables());
                    json.writeNumberField("rowCountsCompared", result.rowCountsCompared());
                    json.writeNumberField("durationMillis", result.duration().toMillis());
                    json.writeStringField("time", now.toString());
                }));
    }

    /** A restore drill that failed; backups go on. */
    public Notice drillFailed(String service, BackupException failure) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        NoticeEvent event = NoticeEvent.DRILL_FAILED;
        String text = "The newest archive of '" + service + "' did not restore as it should; backups go on, but"
                + " that archive may not bring the data back.\nError: " + firstLine(failure.getMessage())
                + "\nWhere to look: the controller's log at " + now + "; 'controller drill " + service
                + "' runs the drill again.";
        return new Notice(event.id(), service, now, true, "Restore drill of '" + service + "' failed", text,
                JsonBody.of(json -> {
                    json.writeStringField("event", event.id());
                    json.writeStringField("service", service);
                    json.writeStringField("error", failure.getMessage());
                    json.writeStringField("time", now.toString());
                }));
    }

    /** The event of a notice, as {@code ?events=} names it. */
    /** A base backup stored for point-in-time recovery. */
    public Notice baseBackup(BaseBackupResult result) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        NoticeEvent event = NoticeEvent.BASE_BACKUP_SUCCEEDED;
        String text = "Base backup " + result.backup().name() + " (" + bytes(result.backup().size()) + ") is stored in "
                + String.join(", ", result.storedIn()) + "; a restore can now start from " + result.backup().ended()
                + ".";
        return new Notice(event.id(), result.service(), now, false, "Base backup of '" + result.service() + "'", text,
                JsonBody.of(json -> {
                    json.writeStringField("event", event.id());
                    json.writeStringField("service", result.service());
                    json.writeStringField("name", result.backup().name());
                    json.writeNumberField("size", result.backup().size());
                    json.writeStringField("startLsn", result.backup().startLsn());
                    json.writeStringField("endLsn", result.backup().endLsn());
                    json.writeStringField("ended", result.backup().ended().toString());
                    json.writeStringField("time", now.toString());
                }));
    }

    /** A base backup that failed. */
    public Notice baseBackupFailed(String service, BackupException failure) {
        return pitrFailure(NoticeEvent.BASE_BACKUP_FAILED, service, "Base backup of '" + service + "' failed",
                "A base backup of '" + service + "' failed; it is tried again, and the window keeps its older"
                        + " base backups.\nError: " + firstLine(failure.getMessage()), failure.getMessage());
    }

    /** WAL streaming that could not start, or met a gap. */
    public Notice walFailed(String service, String problem) {
        return pitrFailure(NoticeEvent.WAL_FAILED, service, "WAL archiving of '" + service + "' needs attention",
                firstLine(problem), problem);
    }

    private Notice pitrFailure(NoticeEvent event, String service, String title, String text, String error) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        return new Notice(event.id(), service, now, true, title, text + "\nWhere to look: the controller's log at "
                + now + "; 'controller list --pitr " + service + "' shows the window.", JsonBody.of(json -> {
                    json.writeStringField("event", event.id());
                    json.writeStringField("service", service);
                    json.writeStringField("error", error);
                    json.writeStringField("time", now.toString());
                }));
    }

    static NoticeEvent event(Notice notice) {
        return NoticeEvent.parse(notice.event()).orElseThrow().iterator().next();
    }

    /** The error on one line, as long as a chat message can bear. */
    private static String firstLine(String message) {
        String text = message == null ? "(no message)" : message.strip().replaceAll("\\s+", " ");
        return text.length() > MAX_ERROR ? text.substring(0, MAX_ERROR - 1) + "…" : text;
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    private static String bytes(long size) {
        if (size < 1024) {
            return size + " B";
        }
        String units = "KMGTPE";
        int unit = (int) (Math.log(size) / Math.log(1024));
        return String.format(Locale.ROOT, "%.1f %siB", size / Math.pow(1024, unit), units.charAt(unit - 1));
    }
}
