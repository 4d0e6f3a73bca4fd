package org.pgbackup.naming;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatabaseDirectoryTest {
    private static final List<String> NAMES = List.of("app", "Sales_2025-x", "my db", "it's \"quoted\"", "café",
            "日本", "..", ".", ".hidden", "a/b", "a%2Fb", "a.b", "x.dump.roles.sql", "App", "*");

    @Test
    void plainNamesStayAndEverythingElseIsEscapedByte() {
        assertThat(DatabaseDirectory.of("app")).isEqualTo("app");
        assertThat(DatabaseDirectory.of("Sales_2025-x")).isEqualTo("Sales_2025-x");
        assertThat(DatabaseDirectory.of("my db")).isEqualTo("my%20db");
        assertThat(DatabaseDirectory.of("café")).isEqualTo("caf%C3%A9");
        assertThat(DatabaseDirectory.of("..")).isEqualTo("%2E%2E");
        assertThat(DatabaseDirectory.of("a/b")).isEqualTo("a%2Fb");
        assertThat(DatabaseDirectory.of("a%2Fb")).isEqualTo("a%252Fb");
    }

    @Test
    void everyNameReadsBackAndNoTwoShareADirectory() {
        Set<String> directories = new HashSet<>();
        for (String name : NAMES) {
            String directory = DatabaseDirectory.of(name);
            assertThat(directory).as(name).matches("[A-Za-z0-9_%-]+").doesNotStartWith(".").doesNotContain(".");
            assertThat(DatabaseDirectory.database(directory)).as(name).hasValue(name);
            directories.add(directory);
        }
        assertThat(directories).hasSameSizeAs(NAMES);
    }

    @Test
    void textThatNoNameMakesIsNoDirectory() {
        for (String text : List.of("", "a.b", "%2e", "%4", "%41", "a b", "%C3", "..", "%zz", "é")) {
            assertThat(DatabaseDirectory.database(text)).as(text).isEmpty();
        }
    }
}
