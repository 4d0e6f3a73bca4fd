package org.pgbackup.spi;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * A destination that keeps named objects, grouped by service: an archive is addressed by
 * the service it belongs to and its file name.
 *
 * <p>Rules every implementation keeps (checked by {@code StorageContract} in
 * {@code backup-storage-testkit}):
 * <ul>
 *   <li>A name is a single path segment: not empty, no {@code /} or {@code \}, not
 *       {@code .} or {@code ..}. A service is one such segment, or two joined by {@code /}:
 *       {@code <service>/<directory>} holds one database of a whole-server service, kept
 *       apart from the service's own objects and from its other directories. Anything
 *       else throws {@link IllegalArgumentException} before any I/O.</li>
 *   <li>An object becomes visible to {@link #list} and {@link #open} only when
 *       {@link PendingObject#commit()} returns, with all its bytes. An aborted or abandoned
 *       write leaves nothing visible.</li>
 *   <li>While an object is being written, {@link #list} does not show it, and shows the
 *       previous object of that name, if any, unchanged.</li>
 *   <li>Committing replaces an existing object of the same name, atomically.</li>
 *   <li>Deleting an object that does not exist does nothing and does not throw.</li>
 *   <li>Operations on one service never see or touch another service's objects.</li>
 * </ul>
 *
 * <p><b>Threads.</b> One storage serves every operation of a controller, and parallel dumps
 * use it from several threads at once: implementations are thread-safe for every method,
 * for different services and for different names of one service. A {@link PendingObject}
 * is written and committed by one thread.
 *
 * <p><b>Streaming.</b> An archive is as large as the database: {@link PendingObject#output()}
 * sends bytes on to the store as they are written (a bounded buffer, such as one or two
 * multipart parts, is fine), never the whole object at {@link PendingObject#commit()}. The
 * kit measures it.
 *
 * <p><b>Reading during a replacement.</b> A stream from {@link #open} that was opened before
 * a replacement of its object was committed reads the old bytes whole, or fails with an
 * {@link IOException}; it never returns a mix of old and new bytes.
 *
 * <p><b>Failing.</b> Failures of the underlying store are {@link IOException}s whose
 * messages say which object and which store; they never contain credentials. A store that
 * cannot be reached makes each operation fail within a minute (the kit's bound), so that a
 * bad endpoint is reported rather than waited on: bound the client's retries and timeouts.
 *
 * <p><b>Lifecycle.</b> The controller creates a destination's storage once, when a client
 * opens ({@code StorageProvider.create}), uses it for every operation of that client, and
 * closes it once, when the client closes, after its operations have ended; a closed storage
 * is never used again. ({@code close()} of a client waits for no operation: one still
 * running is cancelled first.)
 */
public interface Storage extends AutoCloseable {

    /** A short description for logs and messages, for example {@code local:/backups/data}. */
    String describe();

    /**
     * Starts writing an object of unknown length. The caller writes to
     * {@link PendingObject#output()}, then commits or closes.
     */
    PendingObject create(String service, String name) throws IOException;

    /**
     * Opens a committed object for reading.
     *
     * @throws java.nio.file.NoSuchFileException if there is no such object
     */
    InputStream open(String service, String name) throws IOException;

    /**
     * The committed objects of a service, sorted by name. A service with no objects, or
     * none stored yet, gives an empty list.
     */
    List<StoredObject> list(String service) throws IOException;

    /**
     * The directories below a service that hold objects, sorted: for {@code app}, the
     * {@code x} of every {@code app/x} with a committed object. Whole-server services list
     * their databases' directories with it, including those of databases gone from the
     * server. The default throws, which makes whole-server services fail on this destination
     * with a message that says why; plain services never call it.
     *
     * @throws IOException if the store cannot be listed, or does not support directories
     */
    default List<String> directories(String service) throws IOException {
        throw new IOException(describe() + " cannot list the directories of a service, which whole-server"
                + " services (<PREFIX>_POSTGRES_DB=*) need: its storage plugin does not implement"
                + " Storage.directories");
    }

    /** Deletes an object. Deleting an object that does not exist does nothing. */
    void delete(String service, String name) throws IOException;

    /**
     * Removes what writes of a service that never finished left behind, such as temporary
     * files of a controller that was killed. The controller calls it before each dump,
     * holding the service's lock, so no write of that service is in progress. The default
     * does nothing.
     */
    default void removeStale(String service) throws IOException {
    }

    /**
     * Checks a service and an object name against the rules above, for implementations to
     * call first in every method.
     *
     * @throws IllegalArgumentException if the name is not a single path segment, or the
     *     service not one or two
     */
    static void checkNames(String service, String name) {
        int slash = service == null ? -1 : service.indexOf('/');
        if (slash >= 0) {
            checkSegment("service", service.substring(0, slash));
            checkSegment("service directory", service.substring(slash + 1));
        } else {
            checkSegment("service", service);
        }
        if (name != null) {
            checkSegment("name", name);
        }
    }

    private static void checkSegment(String what, String value) {
        if (value == null || value.isEmpty() || value.equals(".") || value.equals("..")
                || value.indexOf('/') >= 0 || value.indexOf('\\') >= 0 || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("Invalid " + what + " '" + value + "': it must be a single path segment");
        }
    }

    /**
     * The object locks of this destination, when its settings ask for them (such as
     * {@code S3_OBJECT_LOCK}); the default has none.
     */
    default Optional<ObjectLocks> objectLocks() {
        return Optional.empty();
    }

    /** Releases resources. The default does nothing. */
    @Override
    default void close() throws IOException {
    }
}
