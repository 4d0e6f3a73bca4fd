package org.pgbackup.controller;

/**
 * How one service stands for {@code health}.
 *
 * @param service the service
 * @param healthy whether it is fresh (or, without a freshness limit, its server answers)
 * @param detail what was found, in words: the newest archive and its age, or what is wrong
 *
 * <p>Immutable, and so safe to share between threads.
 */
public record ServiceHealth(String service, boolean healthy, String detail) {
}
