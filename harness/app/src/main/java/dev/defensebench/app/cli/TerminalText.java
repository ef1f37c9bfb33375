package dev.defensebench.app.cli;

/**
 * A message as it may reach a terminal: control characters (NUL, newline, the escape that starts colour
 * and cursor sequences, the C1 controls), line and paragraph separators and invisible format characters
 * (bidirectional overrides) are shown escaped, so a bad name quoted in an error stays one visible line
 * and cannot change the terminal's state.
 */
final class TerminalText {

    private TerminalText() {}

    /** {@code text} with every unsafe character written as {@code \n}, {@code \t}, {@code \r} or {@code \\u+XXXX}. */
    static String escaped(String text) {
        if (text == null || text.codePoints().noneMatch(TerminalText::unsafe)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        text.codePoints().forEach(c -> {
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (unsafe(c)) {
                        out.append(String.format("\\u%04X", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.toString();
    }

    private static boolean unsafe(int c) {
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }
}
