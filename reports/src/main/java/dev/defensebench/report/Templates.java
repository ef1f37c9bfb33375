package dev.defensebench.report;

import freemarker.core.HTMLOutputFormat;
import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import java.io.IOException;
import java.io.StringWriter;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.TimeZone;

/**
 * The Freemarker configuration of the site: HTML output format, auto-escaping on, templates on the class path,
 * and the view records ({@link BoardPageView}, {@link EntryPageView}) read through their accessors
 * ({@code view.header.model}), which Freemarker exposes as properties since incompatible improvements 2.3.33.
 */
final class Templates {

    private static final Configuration FREEMARKER = configuration();

    private Templates() {
    }

    /** The template {@code name} next to this class. */
    private static Template get(String name) throws IOException {
        return FREEMARKER.getTemplate(name);
    }

    /**
     * The template {@code name} rendered from {@code view}, a record whose components (and theirs) the template
     * reads by name; a name the view lacks fails here.
     */
    static String render(String name, Record view) throws IOException {
        Template template = get(name);
        try {
            StringWriter html = new StringWriter();
            template.process(view, html);
            return html.toString();
        } catch (TemplateException e) {
            throw new IOException("rendering " + name + " failed: " + e.getMessage(), e);
        }
    }

    private static Configuration configuration() {
        Configuration cfg = new Configuration(Configuration.VERSION_2_3_34);
        cfg.setClassForTemplateLoading(Templates.class, "");
        cfg.setDefaultEncoding("UTF-8");
        cfg.setOutputEncoding("UTF-8");
        cfg.setOutputFormat(HTMLOutputFormat.INSTANCE);
        cfg.setAutoEscapingPolicy(Configuration.ENABLE_IF_SUPPORTED_AUTO_ESCAPING_POLICY);
        cfg.setInterpolationSyntax(Configuration.DOLLAR_INTERPOLATION_SYNTAX);
        cfg.setLocale(Locale.ROOT);
        cfg.setTimeZone(TimeZone.getTimeZone(ZoneOffset.UTC));
        cfg.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        cfg.setLogTemplateExceptions(false);
        cfg.setWrapUncheckedExceptions(true);
        cfg.setFallbackOnNullLoopVariable(false);
        return cfg;
    }
}
