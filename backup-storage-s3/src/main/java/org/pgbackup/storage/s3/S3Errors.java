package org.pgbackup.storage.s3;

import io.minio.errors.ErrorResponseException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns what minio-java and OkHttp throw into {@link IOException}s whose messages say what
 * to check. Messages name the bucket, the key and the endpoint, never a credential.
 */
final class S3Errors {
    private S3Errors() {
    }

    /**
     * Describes a failure.
     *
     * @param what what was being done, such as "uploading users/file_daily_....dump"
     */
    static IOException describe(Throwable failure, String what, S3Settings settings) {
        Throwable cause = unwrap(failure);
        String where = " (" + settings.describe() + ")";
        if (cause instanceof ErrorResponseException e) {
            String code = e.errorResponse().code();
            String text = switch (code) {
                case "SignatureDoesNotMatch" -> "the request signature was rejected (SignatureDoesNotMatch): check"
                        + " S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, S3_REGION, that this machine's clock is right,"
                        + " and S3_FORCE_PATH_STYLE";
                case "InvalidAccessKeyId" -> "the access key is unknown (InvalidAccessKeyId): check S3_ACCESS_KEY_ID";
                case "NoSuchBucket" -> "the bucket '" + settings.bucket() + "' does not exist: create it, or fix"
                        + " S3_BUCKET";
                case "AccessDenied" -> "access denied (AccessDenied): check that the key may read, write and list"
                        + " the bucket under S3_PREFIX";
                case "AuthorizationHeaderMalformed" -> "the region is wrong (AuthorizationHeaderMalformed: "
                        + e.errorResponse().message() + "): check S3_REGION";
                case "InvalidStorageClass" -> "the storage class is not accepted: check S3_STORAGE_CLASS";
                default -> "the service answered " + code + ": " + e.errorResponse().message();
            };
            if (code.equals("NoSuchKey")) {
                return new NoSuchFileException(what + where, null, "no such object");
            }
            return new IOException(what + " failed" + where + ": " + text, cause);
        }
        if (cause instanceof UnknownHostException e) {
            String host = e.getMessage();
            String hint = settings.pathStyle() ? "check S3_ENDPOINT"
                    : "virtual-host style asks for <bucket>.<endpoint host>, which this provider may not resolve:"
                            + " set S3_FORCE_PATH_STYLE=true, or check S3_ENDPOINT";
            return new IOException(what + " failed" + where + ": no such host " + host + "; " + hint, cause);
        }
        if (cause instanceof ConnectException) {
            return new IOException(what + " failed" + where + ": cannot connect (" + cause.getMessage() + "): check"
                    + " S3_ENDPOINT and that the service is up", cause);
        }
        if (cause instanceof SocketTimeoutException) {
            return new IOException(what + " failed" + where + ": the service did not answer in time", cause);
        }
        if (cause instanceof InterruptedIOException || cause instanceof InterruptedException) {
            return new IOException(what + " was interrupted" + where, cause);
        }
        return new IOException(what + " failed" + where + ": " + cause, cause);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
