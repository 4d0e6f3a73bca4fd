package org.pgbackup.controller;

import java.util.Optional;
import org.pgbackup.manifest.Manifest;

/**
 * The outcome of reading one archive in full.
 *
 * @param destination where the archive was read
 * @param archive the archive's file name
 * @param ok whether the checksum, the size and a complete read by {@code pg_restore} all passed
 *     (for an encrypted archive read without its key: whether the checksum and size passed)
 * @param problem what failed, when something did; empty text otherwise
 * @param manifest the archive's manifest, when it has a readable one
 * @param contentRead false when the archive is encrypted and no identity was at hand, so
 *     only the stored bytes' checksum and size were checked, not what they hold
 *
 * <p>Immutable, and so safe to share between threads.
 */
public record VerifyResult(String destination, String archive, boolean ok, String problem,
        Optional<Manifest> manifest, boolean contentRead) {

    /** The same outcome under the name {@code list} shows, such as {@code <database>/<archive>}. */
    public VerifyResult named(String path) {
        return new VerifyResult(destination, path, ok, problem, manifest, contentRead);
    }

    /** An archive read in full that matched its manifest. */
    public static VerifyResult passed(String destination, String archive, Manifest manifest) {
        return new VerifyResult(destination, archive, true, "", Optional.of(manifest), true);
    }

    /** An encrypted archive whose digest matched, read without a key: its content was not checked. */
    public static VerifyResult digestOnly(String destination, String archive, Manifest manifest) {
        return new VerifyResult(destination, archive, true, "", Optional.of(manifest), false);
    }

    /** An archive that failed the check, and why. */
    public static VerifyResult failed(String destination, String archive, String problem, Optional<Manifest> manifest) {
        return new VerifyResult(destination, archive, false, problem, manifest, true);
    }
}
