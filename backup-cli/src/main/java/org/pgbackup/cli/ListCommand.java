package org.pgbackup.cli;

import java.time.Duration;
import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import java.io.PrintStream;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.pgbackup.controller.ArchiveInfo;
import org.pgbackup.controller.ArchiveListing;
import org.pgbackup.controller.BackupController;
import org.pgbackup.manifest.Manifest;
import org.pgbackup.pitr.BaseBackupInfo;
import org.pgbackup.pitr.PitrWindow;

@Parameters(commandNames = "list", commandDescription = "List a service's archives, newest first")
final class ListCommand extends OneServiceCommand {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx");

    @Parameter(names = "--long", description = "Also show each archive's size, when it was taken, where it is stored,"
            + " and when retention removes it (times in TZ)")
    private boolean long_;

    @Parameter(names = "--pitr", description = "Show the service's point-in-time recovery window in each destination,"
            + " and its base backups, instead of its archives")
    private boolean pitr;

    private static String gone(ArchiveInfo archive) {
        return archive.goneFromServer() ? "  (database gone from the server)" : "";
    }

    /** The manifest's facts, or where the archive is incomplete. */
    private static String details(ArchiveInfo archive) {
        String state = archive.complete() ? "" : "  INCOMPLETE in " + String.join(",", archive.incompleteIn());
        if (archive.name().form().encrypted()) {
            state += "  encrypted (age, " + archive.manifest().map(m -> m.recipients().size() + " recipient"
                    + (m.recipients().size() == 1 ? "" : "s")).orElse("recipients unknown") + ")";
        }
        if (archive.manifest().filter(Manifest::partial).isPresent()) {
            state += "  partial (" + archive.manifest().orElseThrow().tables().describe() + ")";
        }
        return state + archive.manifest().map(m -> "  sha256 " + m.sha256().substring(0, 16) + " database "
                + m.database() + "@" + m.host() + " server " + m.serverVersion() + " pg_dump " + m.pgDumpVersion()
                + " " + m.format() + "/" + m.compression() + " took "
                + Duration.between(m.startedAt(), m.finishedAt()).toMillis() + " ms").orElse("");
    }

    @Override
    int run(BackupController controller, PrintStream out, ErrorStream err) {
        if (pitr) {
            return printWindows(controller, out, err);
        }
        ArchiveListing listing = controller.list(service());
        List<ArchiveInfo> archives = listing.archives();
        List<String> destinations = controller.configuration().targets();
        for (ArchiveInfo archive : archives) {
            if (long_) {
                List<String> missing = destinations.stream().filter(d -> !archive.locations().contains(d)).toList();
                ZoneId zone = controller.configuration().zone();
                out.printf("%-44s %12s  %s  %-12s %s%s%n", archive.path(), Main.bytes(archive.size()),
                        TIME.format(archive.name().createdAt().atZone(zone)), String.join(",", archive.locations()),
                        archive.removableAfter().map(at -> "removed after " + TIME.format(at.atZone(zone)))
                                .orElse("kept while newest"), details(archive) + gone(archive)
                                + (missing.isEmpty() ? "" : "  MISSING in " + String.join(",", missing)));
            } else {
                out.println(archive.path() + (archive.complete() ? "" : " (incomplete)") + gone(archive));
            }
        }
        if (archives.isEmpty()) {
            err.println(service() + ": no archives");
        }
        listing.unreadableDestinations().forEach((destination, why) -> err.error(service()
                + ": destination " + destination + " could not be listed: " + why));
        return listing.unreadableDestinations().isEmpty() ? 0 : 1;
    }

    private int printWindows(BackupController controller, PrintStream out, ErrorStream err) {
        String service = service();
        ZoneId zone = controller.configuration().zone();
        int status = 0;
        for (PitrWindow window : controller.pointInTimeRecovery().windows(service)) {
            if (window.baseBackups().isEmpty()) {
                err.println(service + ": " + window.destination() + ": no base backup, so no window yet");
                continue;
            }
            out.println(service + ": " + window.destination() + ": window from "
                    + TIME.format(window.from().orElseThrow().atZone(zone)) + " to " + window.to()
                            .map(to -> TIME.format(to.atZone(zone))).orElse("(none: a gap)"));
            window.earlierGap().ifPresent(why -> err.println(service + ": " + window.destination() + ": before "
                    + TIME.format(window.from().orElseThrow().atZone(zone)) + ", not every moment can be reached: "
                    + why));
            if (window.gap().isPresent()) {
                err.error(service + ": " + window.destination() + ": " + window.gap().get());
                status = 1;
            }
            for (BaseBackupInfo base : window.baseBackups()) {
                out.printf("  %-28s %12s  ended %s  WAL %s to %s  timeline %d%n", base.name(), Main.bytes(base.size()),
                        TIME.format(base.ended().atZone(zone)), base.startLsn(), base.endLsn(), base.timeline());
            }
        }
        return status;
    }
}
