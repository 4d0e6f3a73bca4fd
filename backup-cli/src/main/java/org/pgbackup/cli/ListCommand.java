package org.pgbackup.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import java.io.PrintStream;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.pgbackup.controller.ArchiveInfo;
import org.pgbackup.controller.ArchiveListing;
import org.pgbackup.controller.BackupController;

@Parameters(commandNames = "list", commandDescription = "List a service's archives, newest first")
final class ListCommand extends Command {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx");

    @Parameter(description = "<service>")
    private List<String> services = new ArrayList<>();

    @Parameter(names = "--long", description = "Also show each archive's size, when it was taken, where it is stored,"
            + " and when retention removes it (times in TZ)")
    private boolean long_;

    @Override
    void validate() {
        ServiceArgument.checkOne(services);
    }

    @Override
    List<String> arguments() {
        return services;
    }

    @Override
    int run(BackupController controller, PrintStream out, PrintStream err) {
        ArchiveListing listing = controller.list(services.get(0));
        List<ArchiveInfo> archives = listing.archives();
        for (ArchiveInfo archive : archives) {
            if (long_) {
                ZoneId zone = controller.configuration().zone();
                out.printf("%-44s %12s  %s  %-12s %s%n", archive.name(), Main.bytes(archive.size()),
                        TIME.format(archive.name().createdAt().atZone(zone)), String.join(",", archive.locations()),
                        archive.removableAfter().map(at -> "removed after " + TIME.format(at.atZone(zone)))
                                .orElse("kept while newest"));
            } else {
                out.println(archive.name());
            }
        }
        if (archives.isEmpty()) {
            err.println(services.get(0) + ": no archives");
        }
        listing.unreadableDestinations().forEach((destination, why) -> err.println("error: " + services.get(0)
                + ": destination " + destination + " could not be listed: " + Main.oneLine(why)));
        return listing.unreadableDestinations().isEmpty() ? 0 : 1;
    }
}
