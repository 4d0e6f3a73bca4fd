package org.pgbackup.status;

/**
 * HTML text from anything that came from outside: service and database names, error
 * messages. Everything written into a page goes through here; nothing is trusted to be plain.
 */
final class Html {
    private Html() {
    }

    /** The text escaped for an element's content or a quoted attribute value. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    // Control characters would only confuse a reader; they are shown as a replacement.
                    out.append(Character.isISOControl(c) && c != '\n' && c != '\t' ? '\uFFFD' : c);
                }
            }
        }
        return out.toString();
    }

    /** The start of every page: one stylesheet and one script, both from this server, nothing inline. */
    static StringBuilder page(String title, String heading) {
        StringBuilder out = new StringBuilder(16_384);
        out.append("<!doctype html><html lang=en><head><meta charset=utf-8>")
                .append("<meta name=viewport content=\"width=device-width,initial-scale=1\">")
                .append("<title>").append(escape(title)).append("</title>")
                .append("<link rel=stylesheet href=\"/static/status.css\">")
                .append("<script src=\"/static/status.js\" defer></script></head><body><header><h1>")
                .append(heading).append("</h1></header><main>");
        return out;
    }

    static String end(StringBuilder page) {
        return page.append("</main></body></html>").toString();
    }
}
