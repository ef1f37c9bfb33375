package dev.defensebench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Each template against its view record: a view with every field set to a text naming the field (every list
 * with two elements, every flag on, so every optional section renders) renders, and every such text appears in
 * the page. So a field the template reads that the view lacks (a rename on one side only) fails the render,
 * and a field of the view that the template no longer shows fails the search, except the few listed with why.
 */
class PageTemplatesTest {

    @Test
    void theBoardTemplateShowsEveryFieldOfItsView() throws IOException {
        List<String> markers = new ArrayList<>();
        BoardPageView view = fill(BoardPageView.class, "", markers);
        String html = Templates.render("leaderboard.ftlh", view);

        // a badge shows its status and title (which names the check); the check ids are for summary.json, and
        // the verdict's is the constant "verdict"
        Set<String> exempt = new java.util.HashSet<>();
        for (String entry : List.of("tables[0].entries[0]", "tables[0].entries[1]", "tables[1].entries[0]",
                "tables[1].entries[1]")) {
            exempt.addAll(List.of(entry + ".verdict.check", entry + ".extras.badges[0].check",
                    entry + ".extras.badges[1].check"));
        }
        assertThat(unshown(markers, html, exempt)).isEmpty();
    }

    @Test
    void theEntryTemplateShowsEveryFieldOfItsView() throws IOException {
        List<String> markers = new ArrayList<>();
        EntryPageView view = fill(EntryPageView.class, "", markers);
        String html = Templates.render("entry.ftlh", view);

        assertThat(unshown(markers, html, Set.of())).isEmpty();
    }

    /** A view without a field the template reads fails to render, naming the template. */
    @Test
    void aFieldTheViewLacksFailsTheRender() {
        List<String> markers = new ArrayList<>();
        EntryPageView.Header header = fill(EntryPageView.Header.class, "", markers);

        assertThatThrownBy(() -> Templates.render("entry.ftlh", header)).isInstanceOf(IOException.class)
                .hasMessageContaining("rendering entry.ftlh failed");
    }

    /** The section flags switch their sections: with history off the board has no changes section. */
    @Test
    void theFlagsOfTheFilledViewAreOn() throws IOException {
        BoardPageView view = fill(BoardPageView.class, "", new ArrayList<>());
        String html = Templates.render("leaderboard.ftlh", view);

        assertThat(html).contains("id=\"changes\"", "id=\"failed\"", "class=\"banner bad\"");
        BoardPageView off = new BoardPageView(view.experiment(), view.generatedAt(), view.downloads(), view.columns(),
                view.tables(), List.of(), new BoardPageView.History(false, "1", "", List.of(), "0", "20"), view.timing());
        assertThat(Templates.render("leaderboard.ftlh", off)).doesNotContain("id=\"changes\"", "id=\"failed\"");
    }

    private static List<String> unshown(List<String> markers, String html, Set<String> exempt) {
        return markers.stream().filter(m -> !html.contains(m))
                .filter(m -> !exempt.contains(m.substring(1, m.length() - 1))).toList();
    }

    /**
     * An instance of the record {@code type} whose strings are "[path]" (collected in {@code markers}), whose
     * flags are true and whose lists hold two filled elements (a trend shows from two runs on).
     */
    @SuppressWarnings("unchecked")
    private static <T> T fill(Class<T> type, String path, List<String> markers) {
        RecordComponent[] components = type.getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            String name = path.isEmpty() ? components[i].getName() : path + "." + components[i].getName();
            values[i] = value(components[i].getGenericType(), name, markers);
            types[i] = components[i].getType();
        }
        try {
            Constructor<T> constructor = type.getDeclaredConstructor(types);
            constructor.setAccessible(true);
            return constructor.newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type.getName(), e);
        }
    }

    private static Object value(Type type, String path, List<String> markers) {
        if (type == String.class) {
            String marker = "[" + path + "]";
            markers.add(marker);
            return marker;
        }
        if (type == boolean.class) {
            return true;
        }
        if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
            Type element = p.getActualTypeArguments()[0];
            return List.of(value(element, path + "[0]", markers), value(element, path + "[1]", markers));
        }
        if (type instanceof Class<?> c && c.isRecord()) {
            return fill(c, path, markers);
        }
        throw new IllegalArgumentException("a view field of type " + type + " at " + path + ": views hold texts, "
                + "flags, lists and records (numbers are formatted by Formats)");
    }
}
