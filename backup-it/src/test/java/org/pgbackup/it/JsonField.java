package org.pgbackup.it;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One string field of the controller's JSON, read the way a script with grep would. */
public final class JsonField {
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":\"([^\"]*)\"");

    private JsonField() {
    }

    /**
     * The first string field of that name.
     *
     * @throws AssertionError when there is none
     */
    public static String of(String json, String name) {
        Matcher m = FIELD.matcher(json);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return m.group(2);
            }
        }
        throw new AssertionError("no field " + name + " in " + json);
    }
}
