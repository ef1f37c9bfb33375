package dev.defensebench.files;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one JSON configuration of every file the harness writes and reads (cards, evaluations, gallery,
 * timings, manifests, summaries) and of the canonical JSON its hashes are taken over: map keys sorted
 * (stable files and hashes), unknown properties ignored on reading (files carry derived read-only
 * properties such as a row's {@code clean} flag), trailing content after the value rejected.
 */
public final class Json {

    /** Reads and writes compact JSON. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Writes indented JSON, for files people read. */
    public static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();

    private Json() {}
}
