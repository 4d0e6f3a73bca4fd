package org.pgbackup.internal.wal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.UnaryOperator;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.pgbackup.encryption.Encryption;
import org.pgbackup.error.ArchiveCorruptException;
import org.pgbackup.error.ArchiveNotFoundException;
import org.pgbackup.spi.Storage;
import org.tinylog.Logger;

/**
 * A service's server as it was at a point in time, from the base backups and the WAL archive
 * in one destination. {@link #plan} decides everything and refuses, before anything is
 * written, a target outside the window or an archive with a gap on the way, naming the first
 * missing segment; {@link #write} then puts the base backup and the WAL the recovery reads into
 * a directory, with the recovery settings, so that PostgreSQL started on it recovers to the
 * target and promotes with no controller beside it.
 *
 * <p>The WAL goes into {@value #WAL_DIRECTORY} inside the directory, read by a relative
 * {@code cp} restore command: the server runs it in its data directory, wherever the volume is
 * mounted.
 */
public final class PitrRestore {
    /** The directory, inside the restored one, holding the WAL its recovery reads. */
    public static final String WAL_DIRECTORY = "pitr-wal";
    private static final String PARTIAL = ".partial";
    /** A time as the server reads recovery_target_time: it refuses ISO's T and Z. */
    private static final DateTimeFormatter SERVER_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx")
            .withZone(ZoneOffset.UTC);

    /**
     * What a restore will write.
     *
     * @param base the base backup it starts from
     * @param files the archived files it fetches into {@value #WAL_DIRECTORY}, in order:
     *     timeline histories, then segments
     * @param partial the segment being written when it was last stored, fetched under the
     *     segment's own name as the last one, when the target lies in it
     * @param target the time to recover to; empty for as far as the archive goes
     * @param reaches when the last file fetched was archived: as far as the restore can go
     */
    public record Plan(BaseBackupManifest base, List<String> files, Optional<String> partial,
            Optional<Instant> target, Instant reaches) {
    }

    private PitrRestore() {
    }

    /**
     * Decides what a restore of a service to a target reads, and checks that it is all there.
     *
     * @param target the time to recover to; empty for the latest
     * @throws ArchiveNotFoundException if there is no base backup, or the target is outside
     *     the window; the message names the window
     * @throws ArchiveCorruptException naming the first segment missing on the way
     * @throws IOException if the destination cannot be read
     */
    public static Plan plan(WalArchive archive, Storage storage, String destination, String service,
            Optional<Instant> target, Path scratch) throws IOException {
        List<BaseBackupManifest> bases = BaseBackup.list(storage, service);
        if (bases.isEmpty()) {
            throw new ArchiveNotFoundException("Service '" + service + "' has no base backup in " + destination
                    + ": point-in-time recovery starts from one");
        }
        SortedMap<String, Instant> archived = archive.archivedAt(service, destination);
        // The newest timeline's history holds every timeline before it: recovery follows it, as PostgreSQL does.
        Optional<String> newestHistory = archived.keySet().stream().filter(name -> name.endsWith(".history"))
                .max(Comparator.naturalOrder());
        TimelineHistory history = newestHistory.isEmpty() ? TimelineHistory.first()
                : TimelineHistory.parse(Integer.parseInt(newestHistory.get().substring(0, 8), 16),
                        archive.text(service, destination, newestHistory.get(), scratch));
        BaseBackupManifest base = bases.stream().filter(b -> history.contains(b.timeline()))
                .filter(b -> target.isEmpty() || !b.ended().isAfter(target.get()))
                .max(Comparator.comparing(BaseBackupManifest::ended))
                .orElseThrow(() -> new ArchiveNotFoundException("Service '" + service + "' cannot be restored to "
                        + target.map(Instant::toString).orElse("the latest time") + ": that is before its window,"
                        + " which starts at " + bases.get(0).ended() + " (the end of its oldest base backup, "
                        + bases.get(0).name() + ")"));
        long size = base.segmentSize();

        // The segments on the history's way from the base backup on, by number.
        List<WalSegment> onTheWay = new ArrayList<>();
        List<WalSegment> partials = new ArrayList<>();
        long first = Long.divideUnsigned(base.start().position(), size);
        for (String name : archived.keySet()) {
            boolean partial = name.endsWith(PARTIAL);
            Optional<WalSegment> segment = WalSegment.parse(partial ? name.substring(0, name.length()
                    - PARTIAL.length()) : name, size);
            if (segment.isPresent() && Long.compareUnsigned(segment.get().number(), first) >= 0
                    && segment.get().timeline() == history.timelineOfSegment(segment.get().number(), size)) {
                (partial ? partials : onTheWay).add(segment.get());
            }
        }
        onTheWay.sort(Comparator.comparingLong(WalSegment::number));
        partials.sort(Comparator.comparingLong(WalSegment::number));

        // Everything from the base backup on that the archive holds without a gap is fetched: recovery stops at
        // the target itself, and a segment's archive time only bounds what it holds when shipping kept up.
        WalSegment end = WalSegment.holding(history.timelineAt(base.end()), base.end(), size);
        // The newest segment known to have been written whole: the newest stored, or the one before a stored
        // partial copy, so that a missing newest segment is found, not taken for the end of the archive.
        long newest = end.number();
        if (!onTheWay.isEmpty()) {
            newest = Math.max(newest, onTheWay.get(onTheWay.size() - 1).number());
        }
        if (!partials.isEmpty()) {
            newest = Math.max(newest, partials.get(partials.size() - 1).number() - 1);
        }
        Lsn through = newest > end.number() ? new Lsn(newest * size) : base.end();
        List<WalSegment> path = RecoverySegments.between(history, base.start(), through, size);
        Optional<WalSegment> missing = RecoverySegments.firstMissing(path, archived.keySet());
        List<WalSegment> contiguous = missing.isEmpty() ? path : path.subList(0, path.indexOf(missing.get()));

        // What the target needs: through the first segment archived after it, or the partial one after that.
        long needed = end.number();
        Optional<WalSegment> partial = Optional.empty();
        if (target.isPresent()) {
            Optional<WalSegment> covering = onTheWay.stream()
                    .filter(s -> !archived.get(s.name()).isBefore(target.get())).findFirst();
            if (covering.isPresent()) {
                needed = Math.max(needed, covering.get().number());
            } else {
                partial = partials.stream().filter(s -> !archived.get(s.name() + PARTIAL).isBefore(target.get()))
                        .findFirst();
                if (partial.isEmpty()) {
                    throw new ArchiveNotFoundException("Service '" + service + "' cannot be restored to "
                            + target.get() + ": that is after the last archived WAL, "
                            + latest(archived).map(Instant::toString).orElse("(none yet)") + "; its window is "
                            + bases.get(0).ended() + " to then");
                }
                needed = Math.max(needed, partial.get().number() - 1);
            }
        } else {
            needed = newest;
            long after = newest + 1;
            partial = partials.stream().filter(s -> s.number() == after).findFirst();
        }
        long reached = contiguous.isEmpty() ? first - 1 : contiguous.get(contiguous.size() - 1).number();
        if (missing.isPresent() && needed > reached) {
            throw new ArchiveCorruptException("Service '" + service + "' cannot be restored to "
                    + target.map(Instant::toString).orElse("the latest time") + " from base backup " + base.name()
                    + ": WAL segment " + missing.get().name() + " is missing from " + destination
                    + ", and recovery reads every segment from the base backup on. Nothing was written; a"
                    + " target before the gap, or a newer base backup, can still be restored");
        }
        if (partial.isPresent() && partial.get().number() != reached + 1) {
            partial = Optional.empty();
        }
        if (partial.isEmpty()) {
            // The segment after the last whole one, as far as it was written when last stored: the newest WAL there is.
            long after = reached + 1;
            partial = partials.stream().filter(s -> s.number() == after).findFirst();
        }
        List<String> files = new ArrayList<>();
        archived.keySet().stream().filter(name -> name.endsWith(".history")).forEach(files::add);
        contiguous.stream().map(WalSegment::name).forEach(files::add);
        Optional<String> partialName = partial.map(s -> s.name() + PARTIAL);
        Instant reaches = partialName.map(archived::get).or(() -> contiguous.isEmpty() ? Optional.empty()
                : Optional.ofNullable(archived.get(contiguous.get(contiguous.size() - 1).name())))
                .orElse(base.ended());
        return new Plan(base, files, partialName, target, reaches);
    }

    private static Optional<Instant> latest(Map<String, Instant> archived) {
        return archived.values().stream().max(Comparator.naturalOrder());
    }

    /**
     * Writes a planned restore into a directory that does not exist or is empty: the WAL in
     * {@value #WAL_DIRECTORY}, each file checked as it comes, the base backup unpacked, the
     * recovery settings appended to {@code postgresql.auto.conf}, and {@code recovery.signal}.
     * A failure leaves what was written; the caller clears it.
     *
     * @param reading wraps each stored file's bytes as they are fetched, such as to count them
     * @throws ArchiveCorruptException if a stored file does not match its checksum
     * @throws IOException if the destination cannot be read or the directory written
     */
    public static void write(Plan plan, WalArchive archive, Storage storage, String destination, String service,
            Encryption encryption, Path directory, CommitReader commits, UnaryOperator<InputStream> reading)
            throws IOException {
        Files.createDirectories(directory);
        try (var entries = Files.list(directory)) {
            if (entries.findAny().isPresent()) {
                throw new IllegalStateException("Not empty: " + directory);
            }
        }
        // The WAL first: a damaged segment is the likelier refusal, and it then comes before the large part.
        Path wal = Files.createDirectories(directory.resolve(WAL_DIRECTORY));
        for (String name : plan.files()) {
            archive.fetch(service, destination, name, wal.resolve(name), reading);
        }
        if (plan.partial().isPresent()) {
            String name = plan.partial().get();
            archive.fetch(service, destination, name, wal.resolve(name.substring(0, name.length() - PARTIAL.length())),
                    reading);
        }
        Path scratch = directory.toAbsolutePath().getParent();
        BaseBackupManifest base = plan.base();
        String what = "base backup " + base.name() + " of service '" + service + "' in " + destination;
        try (SealedDownload download = SealedDownload.fetch(storage, BaseBackup.directory(service), base.object(),
                base.sha256(), scratch, what, reading); InputStream plain = download.plain(encryption, what)) {
            unpack(plain, directory);
        }
        Optional<Instant> target = reachable(plan, wal, directory, commits);
        StringBuilder settings = new StringBuilder("\n# Point-in-time recovery, written by pg-backup-controller\n")
                .append("restore_command = 'cp ").append(WAL_DIRECTORY).append("/%f \"%p\"'\n")
                .append("recovery_target_timeline = 'latest'\n");
        target.ifPresent(time -> settings.append("recovery_target_time = '").append(SERVER_TIME.format(time))
                .append("'\n")
                .append("recovery_target_action = 'promote'\n"));
        Files.writeString(directory.resolve("postgresql.auto.conf"), settings,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Files.createFile(directory.resolve("recovery.signal"));
    }

    /**
     * Finds the newest transaction end in the WAL a restore fetched, for {@link #write}; see
     * {@link NewestCommit}.
     */
    @FunctionalInterface
    public interface CommitReader {
        /**
         * @param segments the segment files in {@code walDirectory}, oldest first
         * @param major the restored server's major version
         * @return the newest transaction end, or empty if there is none
         * @throws IOException if the WAL cannot be read; the target is then kept as it is
         */
        Optional<Instant> newest(Path walDirectory, List<String> segments, int major) throws IOException;
    }

    /**
     * The target to write: the plan's, unless no transaction ended after it in the WAL fetched,
     * in which case PostgreSQL would stop short of it, and the end of that WAL is the state at
     * the target (the plan checked that the archive reaches past the target).
     */
    private static Optional<Instant> reachable(Plan plan, Path wal, Path directory, CommitReader commits)
            throws IOException {
        if (plan.target().isEmpty()) {
            return Optional.empty();
        }
        List<String> segments = new ArrayList<>(plan.files().stream().filter(n -> n.length() == 24).toList());
        plan.partial().ifPresent(name -> segments.add(name.substring(0, name.length() - PARTIAL.length())));
        int major = Integer.parseInt(Files.readString(directory.resolve("PG_VERSION")).strip());
        try {
            Optional<Instant> newest = commits.newest(wal, segments, major);
            if (newest.isEmpty() || !newest.get().isAfter(plan.target().get())) {
                Logger.info("No transaction ended after {} in the archived WAL (the newest ended at {}): the restore"
                        + " recovers to the end of the archive, which is the state at the target", plan.target().get(),
                        newest.map(Instant::toString).orElse("none"));
                return Optional.empty();
            }
        } catch (IOException e) {
            Logger.warn("Could not read the transaction times of the restored WAL ({}); the target stays. If the"
                    + " server stops with 'recovery ended before configured recovery target was reached', no"
                    + " transaction ended after the target: restore --latest gives the same state", e.getMessage());
        }
        return plan.target();
    }

    /** Unpacks a tar into a directory; an entry that would land outside it is refused. */
    private static void unpack(InputStream tar, Path directory) throws IOException {
        Path root = directory.toAbsolutePath().normalize();
        TarArchiveInputStream entries = new TarArchiveInputStream(tar);
        for (TarArchiveEntry entry = entries.getNextEntry(); entry != null; entry = entries.getNextEntry()) {
            Path target = root.resolve(entry.getName()).normalize();
            if (!target.startsWith(root)) {
                throw new ArchiveCorruptException("A base backup holds " + entry.getName() + ", outside its directory");
            }
            if (entry.isDirectory()) {
                Files.createDirectories(target);
            } else {
                Files.createDirectories(target.getParent());
                Files.copy(entries, target);
            }
        }
    }
}
