package org.pgbackup.status;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.pgbackup.controller.ArchiveInfo;
import org.pgbackup.controller.ArchiveListing;
import org.pgbackup.controller.RunLog;
import org.pgbackup.controller.RunRecord;

/**
 * {@code GET /services/<name>}: a service's status, plots of archive size and dump duration
 * over its last {@link #PLOTTED} runs, its archives with when retention removes each, and its
 * run history; "Back up now" when an admin token is set.
 */
final class ServicePage {
    /** How many of the newest runs are plotted and listed. */
    static final int PLOTTED = 90;

    private ServicePage() {
    }

    static String render(List<ServiceStatus> rows, ServiceState state, RunLog log, boolean dumpsAllowed, Instant now,
            ZoneId zone) {
        ServiceStatus service = rows.get(0);
        String name = Html.escape(service.service());
        StringBuilder page = Html.page(service.service() + ": " + service.status().label(),
                "<a href=\"/\">Backups</a> / " + name);
        page.append("<section class=\"summary ").append(service.status().label()).append("\"><p><b>")
                .append(service.status().label()).append("</b> ").append(Html.escape(service.detail()));
        service.running().ifPresent(r -> page.append("; ").append(Text.bytes(r.bytes())).append(" stored so far"));
        page.append("</p><p>Next run: ").append(service.nextRun().map(n -> Text.time(n, zone) + " ("
                + Text.relative(n, now) + ")").orElse("none scheduled (MODE is not production)"))
                .append(". Last drill: ").append(service.lastDrill().map(d -> Text.time(d, zone)).orElse("none"))
                .append(".</p>");
        state.drillError().ifPresent(e -> page.append("<p class=err>The last drill failed: ").append(Html.escape(e))
                .append("</p>"));
        state.listingError().ifPresent(e -> page.append("<p class=err>Listing the archives failed: ")
                .append(Html.escape(e)).append("</p>"));
        page.append("</section>");
        if (dumpsAllowed) {
            page.append("<section class=now><label>Admin token <input id=admin-token type=password autocomplete=off>"
                    + "</label> <button id=dump-now type=button data-href=\"/api/v1/services/").append(name)
                    .append("/dumps\">Back up now</button> <output id=dump-state></output></section>");
        }
        if (rows.size() > 1) {
            page.append("<h2>Databases</h2><table><thead><tr><th>Database<th>Status<th>Newest archive<th>Size"
                    + "</thead><tbody>");
            for (ServiceStatus row : rows.subList(1, rows.size())) {
                page.append("<tr class=").append(row.status().label()).append("><td>")
                        .append(Html.escape(row.database().orElse(""))).append("<td><b>").append(row.status().label())
                        .append("</b><td>").append(row.newest().map(a -> Text.time(a.name().createdAt(), zone))
                                .orElse("none")).append("<td>").append(row.newest().map(a -> Text.bytes(a.size()))
                                .orElse(""));
            }
            page.append("</tbody></table>");
        }
        List<RunRecord> recent = new ArrayList<>(log.runs().subList(0, Math.min(PLOTTED, log.runs().size())));
        Collections.reverse(recent);
        page.append("<h2>The last ").append(recent.size()).append(" runs</h2>");
        if (log.unreadable() > 0) {
            page.append("<p class=err>").append(log.unreadable()).append(log.unreadable() == 1 ? " record" : " records")
                    .append(" of the run history could not be read (the file was cut short); the next run writes it"
                            + " whole again.</p>");
        }
        page.append("<div class=plots>");
        SvgPlot.draw(page, "Archive size", recent, r -> r.size(), v -> Text.bytes(Math.round(v)), zone);
        SvgPlot.draw(page, "Dump duration", recent, r -> r.duration().toMillis() / 1000.0, SvgPlot::seconds, zone);
        page.append("</div>");
        archives(page, state, now, zone);
        runs(page, log.runs().subList(0, Math.min(PLOTTED, log.runs().size())), zone);
        return Html.end(page);
    }

    private static void archives(StringBuilder page, ServiceState state, Instant now, ZoneId zone) {
        List<ArchiveInfo> archives = state.listing().map(ArchiveListing::archives).orElse(List.of());
        page.append("<h2>Archives and retention</h2>");
        state.listing().ifPresent(l -> l.unreadableDestinations().forEach((d, why) -> page.append("<p class=err>")
                .append(Html.escape(d)).append(" cannot be listed: ").append(Html.escape(why)).append("</p>")));
        if (archives.isEmpty()) {
            page.append("<p>No archives.</p>");
            return;
        }
        page.append("<table><thead><tr><th>Archive<th>Kind<th>Size<th>Destinations<th>Removed</thead><tbody>");
        for (ArchiveInfo archive : archives) {
            page.append("<tr").append(archive.complete() ? "" : " class=stale").append("><td>")
                    .append(Html.escape(archive.path())).append("<td>").append(archive.name().kind().label())
                    .append("<td>").append(Text.bytes(archive.size())).append("<td>")
                    .append(Html.escape(String.join(" ", archive.locations())));
            if (!archive.incompleteIn().isEmpty()) {
                page.append(" <i>incomplete in ").append(Html.escape(String.join(", ", archive.incompleteIn())))
                        .append("</i>");
            }
            page.append("<td>").append(archive.removableAfter().map(t -> Text.time(t, zone) + " ("
                    + Text.relative(t, now) + ")").orElse("kept while newest"));
        }
        page.append("</tbody></table>");
    }

    private static void runs(StringBuilder page, List<RunRecord> runs, ZoneId zone) {
        page.append("<h2>Run history</h2>");
        if (runs.isEmpty()) {
            page.append("<p>No runs recorded.</p>");
            return;
        }
        page.append("<table><thead><tr><th>Started<th>Took<th>Outcome<th>Archive<th>Size<th>Stored in<th>Error"
                + "</thead><tbody>");
        for (RunRecord run : runs) {
            String outcome = run.outcome().name().toLowerCase(Locale.ROOT);
            page.append("<tr class=").append(outcome).append("><td>").append(Text.time(run.started(), zone))
                    .append("<td>").append(Text.duration(run.duration())).append("<td>").append(outcome).append("<td>")
                    .append(run.archive().map(Html::escape).orElse("")).append("<td>")
                    .append(run.size() > 0 ? Text.bytes(run.size()) : "").append("<td>")
                    .append(Html.escape(String.join(" ", run.storedIn())));
            run.failedIn().forEach((d, why) -> page.append(" <i>").append(Html.escape(d)).append(": ")
                    .append(Html.escape(why)).append("</i>"));
            page.append("<td class=err>").append(run.error().map(Html::escape).orElse(""));
        }
        page.append("</tbody></table>");
    }
}
