package dev.cria.api;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON values as an application writes them in Java ({@code Map.of("maxLength", 20)}: an Integer)
 * in the types the engine's schema compiler reads, those of {@code StrictJson}: Long for every
 * integer, Double for every other number, String keys.
 */
final class PlainValues {
    private PlainValues() {
    }

    static Object normalized(Object value) {
        return switch (value) {
            case Map<?, ?> m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                m.forEach((k, v) -> out.put(String.valueOf(k), normalized(v)));
                yield out;
            }
            case List<?> l -> {
                List<Object> out = new ArrayList<>(l.size());
                l.forEach(v -> out.add(normalized(v)));
                yield out;
            }
            case Integer i -> i.longValue();
            case Short s -> s.longValue();
            case Byte b -> b.longValue();
            case Float f -> f.doubleValue();
            case BigDecimal d -> d.doubleValue();
            case null, default -> value;
        };
    }
}
