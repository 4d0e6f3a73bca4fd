package org.pgbackup.internal.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ArchiveDigestTest {
    // printf 'PGDMP and some archive bytes' | sha256sum
    private static final byte[] BYTES = "PGDMP and some archive bytes".getBytes(StandardCharsets.US_ASCII);
    private static final String SHA256SUM = "b41a96d3b28c6fe83ebf50e1b51c98134e46bd435f9f76b1d55b7e238d102457";

    @Test
    void theDigestOfWhatWasReadIsTheSameEveryTimeItIsAsked() throws IOException {
        ArchiveDigest digest = new ArchiveDigest();
        try (InputStream in = digest.reading(new ByteArrayInputStream(BYTES))) {
            in.transferTo(OutputStream.nullOutputStream());
        }

        assertThat(digest.sha256()).isEqualTo(SHA256SUM);
        assertThat(digest.sha256()).as("asked a second time, as the manifest check and the result both do")
                .isEqualTo(SHA256SUM);
        assertThat(digest.size()).isEqualTo(BYTES.length);
    }

    @Test
    void theDigestOfWhatWasWrittenIsTheSameEveryTimeItIsAsked() throws IOException {
        ArchiveDigest digest = new ArchiveDigest();
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = digest.writing(sink)) {
            out.write(BYTES, 0, 5);
            out.write(BYTES[5]);
            out.write(BYTES, 6, BYTES.length - 6);
        }

        assertThat(sink.toByteArray()).isEqualTo(BYTES);
        assertThat(digest.sha256()).isEqualTo(SHA256SUM).isEqualTo(digest.sha256());
    }

    @Test
    void aByteAfterTheDigestWasTakenIsRefused() throws IOException {
        ArchiveDigest digest = new ArchiveDigest();
        OutputStream out = digest.writing(OutputStream.nullOutputStream());
        out.write(BYTES);
        digest.sha256();

        assertThatThrownBy(() -> out.write(1)).isInstanceOf(IllegalStateException.class);
    }
}
