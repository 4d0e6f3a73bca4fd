package org.pgbackup.retention;

/**
 * What retention does with one file, and why.
 *
 * @param fileName the file's name
 * @param delete whether to delete it
 * @param reason why, in words for the log
 *
 * <p>Immutable, and so safe to share between threads.
 */
public record RetentionDecision(String fileName, boolean delete, String reason) {
}
