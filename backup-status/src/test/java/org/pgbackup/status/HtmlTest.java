package org.pgbackup.status;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlTest {
    @Test
    void everyCharacterThatMeansSomethingInHtmlIsEscaped() {
        assertThat(Html.escape("<script>alert(1)</script>")).isEqualTo("&lt;script&gt;alert(1)&lt;/script&gt;");
        assertThat(Html.escape("\"><img src=x onerror=alert(1)>"))
                .isEqualTo("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
        assertThat(Html.escape("a'b&c")).isEqualTo("a&#39;b&amp;c");
        assertThat(Html.escape("bell\u0007 and nul\u0000")).isEqualTo("bell\uFFFD and nul\uFFFD");
        assertThat(Html.escape("ünïcödé 数据库")).isEqualTo("ünïcödé 数据库");
    }
}
