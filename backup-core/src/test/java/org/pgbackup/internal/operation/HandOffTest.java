package org.pgbackup.internal.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HandOffTest {
    private static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    @Test
    void everyByteArrivesInOrderAndTheThreadEndsWithTheStream() throws IOException {
        byte[] data = new byte[3 * 1024 * 1024 + 123];
        new Random(3).nextBytes(data);
        ByteArrayOutputStream downstream = new ByteArrayOutputStream();
        boolean[] closed = {false};
        HandOff handOff = new HandOff(new OutputStream() {
            @Override
            public void write(int b) {
                downstream.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                downstream.write(b, off, len);
            }

            @Override
            public void close() {
                closed[0] = true;
            }
        }, "hand-off-test-1");
        for (int off = 0; off < data.length; off += 10_007) {
            handOff.write(data, off, Math.min(10_007, data.length - off));
        }
        handOff.write(7);
        handOff.close();
        handOff.close();

        byte[] expected = new byte[data.length + 1];
        System.arraycopy(data, 0, expected, 0, data.length);
        expected[data.length] = 7;
        assertThat(downstream.toByteArray()).isEqualTo(expected);
        assertThat(closed[0]).isTrue();
        assertThat(threadAlive("hand-off-test-1")).isFalse();
    }

    @Test
    void aFailureDownstreamReachesTheWriterAndTheThreadEnds() {
        OutputStream failing = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("disk full");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("disk full");
            }
        };
        HandOff handOff = new HandOff(failing, "hand-off-test-2");
        assertThatThrownBy(() -> {
            try (handOff) {
                byte[] chunk = new byte[100_000];
                for (int i = 0; i < 1000; i++) {
                    handOff.write(chunk);
                }
            }
        }).isInstanceOf(IOException.class).hasMessageContaining("disk full");
        assertThat(threadAlive("hand-off-test-2")).isFalse();
    }
}
