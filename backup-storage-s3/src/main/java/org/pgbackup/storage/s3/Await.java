package org.pgbackup.storage.s3;

import io.minio.errors.MinioException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Runs one minio-java call to its end, turning whatever it throws into a described {@link IOException}. */
final class Await {
    private Await() {
    }

    /** A minio-java call that returns a future. */
    @FunctionalInterface
    interface Call<T> {
        CompletableFuture<T> start() throws IOException, GeneralSecurityException, MinioException;
    }

    /**
     * Waits for a call.
     *
     * @param what what is being done, for the message, such as "reading users/a.dump"
     */
    static <T> T result(S3Settings settings, String what, Call<T> call) throws IOException {
        try {
            return call.start().get();
        } catch (ExecutionException | IOException | GeneralSecurityException | MinioException | RuntimeException e) {
            throw S3Errors.describe(e, what, settings);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw S3Errors.describe(e, what, settings);
        }
    }
}
