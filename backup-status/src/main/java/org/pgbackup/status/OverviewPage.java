package org.pgbackup.status;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.pgbackup.controller.ArchiveInfo;
import org.pgbackup.status.ServiceStatus.Status;

/**
 * {@code GET /}: one row per service and per database of a whole-server service, worst first,
 * with filter and sort as plain links, so that it reads without JavaScript. Rows are terse:
 * the page for 500 services must stay small.
 */
final class OverviewPage {
    /** The orders a reader can pick, by {@code ?sort=}. */
    enum Order {
        STATUS(Comparator.comparing(ServiceStatus::status)),
        NAME(Comparator.comparing(ServiceStatus::service)),
        AGE(Comparator.comparing((ServiceStatus s) -> s.newest().map(a -> a.name().createdAt()).orElse(Instant.MIN))),
        SIZE(Comparator.comparing((ServiceStatus s) -> s.newest().map(ArchiveInfo::size).orElse(-1L)).reversed());

        private final Comparator<ServiceStatus> comparator;

        Order(Comparator<ServiceStatus> comparator) {
            this.comparator = comparator.thenComparing(ServiceStatus::service)
                    .thenComparing(s -> s.database().orElse(""));
        }

        static Order parse(Optional<String> text) {
            for (Order order : values()) {
                if (text.filter(t -> t.equalsIgnoreCase(order.name())).isPresent()) {
                    return order;
                }
            }
            return STATUS;
        }
    }

    private OverviewPage() {
    }

    static String render(List<ServiceStatus> rows, Optional<Status> filter, Order order, Instant now, ZoneId zone) {
        Map<Status, Integer> counts = new EnumMap<>(Status.class);
        rows.forEach(r -> counts.merge(r.status(), 1, Integer::sum));
        StringBuilder page = Html.page("Backups: " + summary(counts), "Backups");
        page.append("<nav class=filters><a href=\"/?sort=").append(order.name().toLowerCase(Locale.ROOT))
                .append('"').append(filter.isEmpty() ? " class=on" : "").append(">all ").append(rows.size())
                .append("</a>");
        for (Status status : Status.values()) {
            page.append("<a href=\"/?status=").append(status.label()).append("&amp;sort=")
                    .append(order.name().toLowerCase(Locale.ROOT)).append("\" class=\"").append(status.label())
                    .append(filter.filter(status::equals).isPresent() ? " on" : "").append("\">")
                    .append(status.label()).append(' ').append(counts.getOrDefault(status, 0)).append("</a>");
        }
        page.append("<span class=at>").append(Text.time(now, zone)).append(' ').append(Html.escape(zone.getId()))
                .append("</span></nav><table class=overview><thead><tr>");
        String base = filter.map(s -> "/?status=" + s.label() + "&amp;sort=").orElse("/?sort=");
        for (String[] column : new String[][] {{"name", "Service"}, {"status", "Status"}, {"age", "Newest archive"},
                {"size", "Size"}, {null, "Destinations"}, {null, "Next run"}, {null, "Last drill"},
                {null, "Last error"}}) {
            page.append("<th>");
            if (column[0] == null) {
                page.append(column[1]);
            } else {
                page.append("<a href=\"").append(base).append(column[0]).append('"')
                        .append(order.name().equalsIgnoreCase(column[0]) ? " class=on" : "").append('>')
                        .append(column[1]).append("</a>");
            }
        }
        page.append("</thead><tbody>");
        rows.stream().filter(r -> filter.isEmpty() || r.status() == filter.get()).sorted(order.comparator)
                .forEach(row -> row(page, row, now, zone));
        page.append("</tbody></table>");
        if (rows.isEmpty()) {
            page.append("<p>No services.</p>");
        }
        return Html.end(page);
    }

    private static String summary(Map<Status, Integer> counts) {
        int bad = counts.getOrDefault(Status.FAILED, 0) + counts.getOrDefault(Status.STALE, 0);
        return bad == 0 ? "all fine" : bad + " need attention";
    }

    /** The service page has the whole line; the overview, enough of it to recognise. */
    private static String shortened(String error) {
        return error.length() <= ERROR_CHARS ? error : error.substring(0, ERROR_CHARS - 1) + "\u2026";
    }

    private static final int ERROR_CHARS = 200;

    private static void row(StringBuilder page, ServiceStatus row, Instant now, ZoneId zone) {
        String label = row.status().label();
        page.append("<tr class=").append(label).append(row.database().isPresent() ? " db" : "").append("><td>");
        page.append("<a href=\"/services/").append(Html.escape(row.service())).append("\">")
                .append(Html.escape(row.label())).append("</a><td><b>").append(label).append("</b>");
        row.running().ifPresent(r -> page.append(' ').append(Text.bytes(r.bytes())));
        page.append("<td>");
        // The archive's name is on the service's page; a title here would double the overview's size.
        page.append(row.newest().map(a -> Text.relative(a.name().createdAt(), now)).orElse("none"));
        page.append("<td>").append(row.newest().map(a -> Text.bytes(a.size())).orElse("")).append("<td>");
        row.newest().ifPresent(a -> {
            a.locations().stream().filter(l -> !row.missingFrom().contains(l))
                    .forEach(l -> page.append(Html.escape(l)).append(' '));
            row.missingFrom().forEach(l -> page.append("<i>").append(Html.escape(l)).append(" lacks it</i> "));
        });
        page.append("<td>").append(row.database().isPresent() ? "" : row.nextRun()
                .map(n -> Text.relative(n, now)).orElse("off")).append("<td>")
                .append(row.lastDrill().map(d -> Text.relative(d, now)).orElse("")).append("<td class=err>")
                .append(row.database().isPresent() ? "" : row.error().map(OverviewPage::shortened).map(Html::escape)
                        .orElse(""));
    }
}
