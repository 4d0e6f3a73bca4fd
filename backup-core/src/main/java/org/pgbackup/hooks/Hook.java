package org.pgbackup.hooks;

/** The moments an operator's executables run at, each named as its file in {@code HOOKS_DIR}. *
 * <p>Immutable, and so safe to share between threads.
 */
public enum Hook {
    /** Before a service's dump; a failure skips the dump, which then counts as failed. */
    PRE_BACKUP("pre-backup"),
    /** After a service's dump stored its archive; a failure is reported and the archive kept. */
    POST_BACKUP("post-backup"),
    /** Before a restore touches the database; a failure skips the restore. */
    PRE_RESTORE("pre-restore"),
    /** After a restore; a failure is reported, the restore stays. */
    POST_RESTORE("post-restore"),
    /** After a dump or restore failed, the failure in {@code PGBACKUP_ERROR}. */
    ON_FAILURE("on-failure");

    private final String fileName;

    Hook(String fileName) {
        this.fileName = fileName;
    }

    /** Its file name, or directory name for several, in {@code HOOKS_DIR}. */
    public String fileName() {
        return fileName;
    }
}
