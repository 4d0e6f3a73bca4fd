package org.pgbackup.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What {@code /proc} shows of a running process, for the benchmarks: resident memory now and
 * at its peak, threads and open files.
 *
 * @param rssKib VmRSS
 * @param threads Threads
 * @param files open file descriptors
 * @param peakRssKib VmHWM, the peak resident set so far
 */
public record ProcStatus(long rssKib, int threads, int files, long peakRssKib) {
    /** The process's figures now; all zero when it has just ended. */
    public static ProcStatus of(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        long rss = 0;
        long hwm = 0;
        int threads = 0;
        try {
            for (String line : Files.readAllLines(proc.resolve("status"))) {
                String[] fields = line.split("\\s+");
                switch (fields[0]) {
                    case "VmRSS:" -> rss = Long.parseLong(fields[1]);
                    case "VmHWM:" -> hwm = Long.parseLong(fields[1]);
                    case "Threads:" -> threads = Integer.parseInt(fields[1]);
                    default -> { }
                }
            }
            int files;
            try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
                files = (int) fds.count();
            }
            return new ProcStatus(rss, threads, files, hwm);
        } catch (IOException e) {
            return new ProcStatus(0, 0, 0, 0);
        }
    }
}
